import { describe, expect, it } from 'vitest';
import { generateGatewayKey } from './gateway-keys.js';
import { formatTokenExpiry, gatewayTokenOf, signGatewayToken, tokenExpiryProblem, verifyGatewayToken } from './gateway-tokens.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const IN_A_DAY = new Date('2030-01-02T00:00:00Z');
const keys = { primary: generateGatewayKey(), secondary: generateGatewayKey() };

describe('gateway tokens', () => {
  it('names the gateway and the expiry, and verifies with the key that signed it', () => {
    const token = signGatewayToken('edge-1', IN_A_DAY, keys.primary);
    expect(token.startsWith('edge-1&20300102000000&')).toBe(true);
    expect(verifyGatewayToken(token, 'edge-1', keys, NOW)).toEqual({ ok: true, expiresAt: IN_A_DAY });
    const secondary = signGatewayToken('edge-1', IN_A_DAY, keys.secondary);
    expect(verifyGatewayToken(secondary, 'edge-1', keys, NOW).ok).toBe(true);
  });

  it('refuses a token whose signature, gateway or expiry was altered', () => {
    const token = signGatewayToken('edge-1', IN_A_DAY, keys.primary);
    const [id, expiry, signature] = token.split('&');
    const flipped = Buffer.from(signature, 'base64');
    flipped[0] ^= 1;
    const forged = [
      `${id}&${expiry}&${flipped.toString('base64')}`,
      `${id}&20300103000000&${signature}`,
    ];
    for (const candidate of forged) {
      const check = verifyGatewayToken(candidate, 'edge-1', keys, NOW);
      expect(check).toEqual({ ok: false, reason: expect.stringContaining('matches neither key') });
    }
    // Renaming the gateway inside the token (to use it elsewhere) fails on the signature.
    const renamed = `edge-2&${expiry}&${signature}`;
    expect(verifyGatewayToken(renamed, 'edge-2', keys, NOW)).toEqual({ ok: false, reason: expect.stringContaining('matches neither key') });
  });

  it("refuses another gateway's token, naming both", () => {
    const token = signGatewayToken('edge-1', IN_A_DAY, keys.primary);
    expect(verifyGatewayToken(token, 'edge-2', keys, NOW)).toEqual({
      ok: false,
      reason: "The gateway token was issued for gateway 'edge-1', not 'edge-2'.",
    });
  });

  it('refuses an expired token, saying when it expired', () => {
    const token = signGatewayToken('edge-1', IN_A_DAY, keys.primary);
    const check = verifyGatewayToken(token, 'edge-1', keys, new Date('2030-01-02T00:00:00Z'));
    expect(check).toEqual({ ok: false, reason: expect.stringContaining('expired at 2030-01-02T00:00:00.000Z') });
  });

  it('stops accepting tokens signed with a key once that key is regenerated, but not the other key', () => {
    const byPrimary = signGatewayToken('edge-1', IN_A_DAY, keys.primary);
    const bySecondary = signGatewayToken('edge-1', IN_A_DAY, keys.secondary);
    const regenerated = { ...keys, primary: generateGatewayKey() };
    expect(verifyGatewayToken(byPrimary, 'edge-1', regenerated, NOW)).toEqual({ ok: false, reason: expect.stringContaining('regenerated') });
    expect(verifyGatewayToken(bySecondary, 'edge-1', regenerated, NOW).ok).toBe(true);
  });

  it('refuses malformed tokens without throwing', () => {
    for (const bad of ['', 'edge-1', 'edge-1&x&y', 'edge-1&20300102000000&short', 'edge-1&20301302000000&' + 'A'.repeat(88), 'a&b&c&d']) {
      const check = verifyGatewayToken(bad, 'edge-1', keys, NOW);
      expect(check.ok).toBe(false);
    }
  });

  it('bounds the expiry: in the future, at most 30 days ahead', () => {
    expect(tokenExpiryProblem(new Date('2029-12-31T23:59:59Z'), NOW)).toMatch(/must be in the future/);
    expect(tokenExpiryProblem(NOW, NOW)).toMatch(/must be in the future/);
    expect(tokenExpiryProblem(new Date('2030-01-31T00:00:01Z'), NOW)).toMatch(/at most 30 days ahead/);
    expect(tokenExpiryProblem(new Date('2030-01-31T00:00:00Z'), NOW)).toBeUndefined();
  });

  it('reads the token from an Authorization: GatewayKey header only', () => {
    expect(gatewayTokenOf('GatewayKey edge-1&1&abc')).toBe('edge-1&1&abc');
    expect(gatewayTokenOf('Bearer edge-1&1&abc')).toBeUndefined();
    expect(gatewayTokenOf(undefined)).toBeUndefined();
    expect(formatTokenExpiry(new Date('2030-05-06T07:08:09.999Z'))).toBe('20300506070809');
  });
});
