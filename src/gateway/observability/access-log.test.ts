import { describe, expect, it } from 'vitest';
import { jsonText, milliseconds } from './access-log.js';

describe('jsonText', () => {
  it('quoted, is JSON.stringify for every kind of string', () => {
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
      expect(`"${jsonText(sample)}"`).toBe(JSON.stringify(sample));
      expect(JSON.parse(`"${jsonText(sample)}"`)).toBe(sample);
    }
  });
});

describe('milliseconds', () => {
  it('writes what JSON.stringify writes for the number rounded to three decimals', () => {
    const samples = [0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.12, 1, 1.5, 12.885, 12.8851, 99.9999, 100, 1234.5678, 60_000.25, 3_600_000.001];
    for (const ms of samples) expect(milliseconds(ms)).toBe(JSON.stringify(Math.round(ms * 1000) / 1000));
    for (let i = 0; i < 10_000; i++) {
      const ms = Math.random() * 10 ** Math.floor(Math.random() * 7);
      expect(milliseconds(ms)).toBe(JSON.stringify(Math.round(ms * 1000) / 1000));
    }
  });

  it('falls back to the number for what is not a duration', () => {
    expect(milliseconds(-1.5)).toBe('-1.5');
    expect(milliseconds(Number.NaN)).toBe('NaN');
  });
});
