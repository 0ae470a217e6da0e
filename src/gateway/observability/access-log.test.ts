import { describe, expect, it } from 'vitest';
import { quoted } from './access-log.js';

describe('quoted', () => {
  it('is JSON.stringify for every kind of string', () => {
    const samples = [
      '',
      'bench',
      '/bench/hello',
      'a2917b12-9396-4d54-83cb-f6fb1e1653a7',
      'say "hi"',
      'back\\slash',
      'tab\there',
      'line\nbreak',
      '\u0000\u001f',
      'caf\u00e9 \u20ac',
      'emoji \ud83d\ude00',
      'lone \ud800 surrogate',
      'lone \udfff low',
    ];
    for (const sample of samples) {
      expect(quoted(sample)).toBe(JSON.stringify(sample));
      expect(JSON.parse(quoted(sample))).toBe(sample);
    }
  });
});
