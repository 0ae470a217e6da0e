import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reachableUrl } from './addresses.js';
import { curlLine } from './curl-line.js';

/** What a POSIX shell hands to curl after parsing the line: the argument vector. */
function shellWords(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for a in ${line.replace(/^curl /, '')}; do printf '%s\\0' "$a"; done`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('curlLine', () => {
  it('double-quotes a plain generated key', () => {
    expect(curlLine('Ocp-Apim-Subscription-Key', 'ab12', 'http://127.0.0.1:8080/echo/hello')).toBe(
      'curl -H "Ocp-Apim-Subscription-Key: ab12" http://127.0.0.1:8080/echo/hello',
    );
  });

  it('quotes a hand-set key with shell metacharacters so the shell passes it through unchanged', () => {
    const key = `it's $HOME \`id\` "x"`;
    const line = curlLine('X-Key', key, 'http://h/p');
    expect(shellWords(line)).toEqual(['-H', `X-Key: ${key}`, 'http://h/p']);
  });

  it('names the CA file for an HTTPS gateway, quoting an awkward path', () => {
    const line = curlLine('X-Key', 'k', 'https://h/p', "/tmp/my certs/it's.pem");
    expect(shellWords(line)).toEqual(['--cacert', "/tmp/my certs/it's.pem", '-H', 'X-Key: k', 'https://h/p']);
  });
});

describe('reachableUrl', () => {
  it('shows wildcard binds as loopback and brackets IPv6', () => {
    expect(reachableUrl('0.0.0.0', 80)).toBe('http://127.0.0.1:80');
    expect(reachableUrl('::', 80)).toBe('http://[::1]:80');
    expect(reachableUrl('10.1.2.3', 81)).toBe('http://10.1.2.3:81');
    expect(reachableUrl('localhost', 82)).toBe('http://localhost:82');
  });
});
