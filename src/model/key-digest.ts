import { createHmac } from 'node:crypto';

/**
 * Subscription keys are looked up by a keyed digest, never stored or compared in clear:
 * the control plane stores HMAC-SHA256(secret, key) beside the encrypted key, and the
 * gateway digests the presented key with the same secret and looks the digest up.
 * A keyed digest (not a plain hash) means a leaked snapshot does not allow offline
 * guessing of keys without the secret as well.
 */
export function digestSubscriptionKey(secret: Buffer, key: string): string {
  return createHmac('sha256', secret).update(key, 'utf8').digest('base64url');
}
