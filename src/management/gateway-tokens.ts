import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewayKeyType } from '../model/resources/index.js';

/**
 * Gateway tokens, as APIM issues them for self-hosted gateways (`generateToken`): the
 * token names the gateway and its expiry and carries an HMAC of both made with one of the
 * gateway's two keys, so the control plane can check it without storing it:
 *
 *   {gatewayId}&{expiry yyyyMMddHHmmss UTC}&{base64 HMAC-SHA512(key, "{gatewayId}\n{expiry}")}
 *
 * (APIM's expiry has minute precision; Portico keeps seconds, so a short token is not
 * cut to the minute.) A token is valid while the key that signed it is unchanged:
 * regenerating that key invalidates every token it signed. Gateway ids cannot contain
 * '&' (see RESOURCE_ID_PATTERN), so the token splits unambiguously.
 */

/** APIM's limit: a gateway token lives at most 30 days. */
export const GATEWAY_TOKEN_MAX_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** The scheme of the Authorization header a gateway presents. */
export const GATEWAY_KEY_SCHEME = 'GatewayKey';

const SIGNATURE_BYTES = 64;
const EXPIRY_PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

export interface GatewayKeys {
  primary: string;
  secondary: string;
}

export type TokenCheck = { ok: true; expiresAt: Date } | { ok: false; reason: string };

/** 'yyyyMMddHHmmss' in UTC. */
export function formatTokenExpiry(expiry: Date): string {
  return expiry.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTokenExpiry(text: string): Date | undefined {
  const match = EXPIRY_PATTERN.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) || formatTokenExpiry(date) !== text ? undefined : date;
}

function sign(gatewayId: string, expiry: string, key: string): Buffer {
  return createHmac('sha512', Buffer.from(key, 'utf8')).update(`${gatewayId}\n${expiry}`, 'utf8').digest();
}

/**
 * Why an expiry cannot be used for a new token (in the past, or beyond 30 days), or
 * undefined when it can. Seconds are the token's precision, so they are what is checked.
 */
export function tokenExpiryProblem(expiry: Date, now: Date): string | undefined {
  const seconds = Math.floor(expiry.getTime() / 1000) * 1000;
  if (seconds <= now.getTime()) return `expiry must be in the future (it is ${expiry.toISOString()}, now is ${now.toISOString()}).`;
  if (expiry.getTime() - now.getTime() > GATEWAY_TOKEN_MAX_LIFETIME_MS) {
    return `expiry must be at most 30 days ahead (it is ${expiry.toISOString()}, the latest allowed is ${new Date(now.getTime() + GATEWAY_TOKEN_MAX_LIFETIME_MS).toISOString()}).`;
  }
  return undefined;
}

/** The token (without the `GatewayKey ` scheme). The caller has checked the expiry. */
export function signGatewayToken(gatewayId: string, expiry: Date, key: string): string {
  const text = formatTokenExpiry(expiry);
  return `${gatewayId}&${text}&${sign(gatewayId, text, key).toString('base64')}`;
}

/** The token of an `Authorization: GatewayKey <token>` header; undefined when the header has another shape. */
export function gatewayTokenOf(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^GatewayKey[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** The gateway a token names, before anything is verified (to find the keys to check it with). */
export function tokenGatewayId(token: string): string | undefined {
  const parts = token.split('&');
  return parts.length === 3 && parts[0] !== '' ? parts[0] : undefined;
}

/**
 * Checks a token for `gatewayId` against the gateway's current keys. The signature is
 * compared in constant time against both keys (always both, so timing does not tell which
 * one matched); the expiry is looked at only for a token that is genuine.
 */
export function verifyGatewayToken(token: string, gatewayId: string, keys: GatewayKeys, now: Date): TokenCheck {
  const parts = token.split('&');
  if (parts.length !== 3) return { ok: false, reason: "The gateway token is malformed: expected '{gatewayId}&{expiry}&{signature}'." };
  const [tokenGateway, expiryText, signatureText] = parts;
  if (tokenGateway !== gatewayId) {
    return { ok: false, reason: `The gateway token was issued for gateway '${tokenGateway}', not '${gatewayId}'.` };
  }
  const expiresAt = parseTokenExpiry(expiryText);
  const signature = Buffer.from(signatureText, 'base64');
  if (expiresAt === undefined || signature.length !== SIGNATURE_BYTES || signature.toString('base64') !== signatureText) {
    return { ok: false, reason: "The gateway token is malformed: expected '{gatewayId}&{yyyyMMddHHmmss}&{base64 signature}'." };
  }
  const primary = timingSafeEqual(signature, sign(gatewayId, expiryText, keys.primary));
  const secondary = timingSafeEqual(signature, sign(gatewayId, expiryText, keys.secondary));
  if (!primary && !secondary) {
    return {
      ok: false,
      reason: `The gateway token's signature matches neither key of gateway '${gatewayId}' (it was altered, or the key that signed it was regenerated).`,
    };
  }
  if (expiresAt.getTime() <= now.getTime()) {
    return { ok: false, reason: `The gateway token expired at ${expiresAt.toISOString()}; generate a new one with POST /gateways/${gatewayId}/generateToken.` };
  }
  return { ok: true, expiresAt };
}

export type { GatewayKeyType };
