import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../../test/helpers/certificates.js';
import { certificateKey } from './signing-keys.js';

describe('certificateKey', () => {
  it("takes the leaf's public key from a PEM chain and verifies RSA algorithms only", () => {
    const ca = issueCertificate({ commonName: 'ca', kind: 'ca' });
    const leaf = issueCertificate({ commonName: 'leaf', kind: 'client' }, ca);
    const key = certificateKey('k', leaf.cert + ca.cert);
    expect(key.id).toBe('k');
    expect(key.key.type).toBe('public');
    expect(key.key.equals(createPublicKey(leaf.key))).toBe(true);
    expect([...key.algorithms].sort()).toEqual(['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']);
  });

  it('throws on text that is not a certificate', () => {
    expect(() => certificateKey(undefined, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow();
  });
});
