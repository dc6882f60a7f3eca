import { createHmac, timingSafeEqual } from 'node:crypto';
import { OutboxError } from '../../src/errors.ts';

const PREFIX = 'v1';

/** What a verified token says. */
export interface TokenClaims {
  readonly userId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/**
 * Mints a bearer token `v1.<userId>.<expiresAtMs>.<base64url HMAC-SHA256>` for a user id
 * (letters, digits, `-`, `_` only). For tests and the session endpoint.
 *
 * @example const token = issueToken(secret, userId, 60_000);
 */
export function issueToken(secret: Uint8Array, userId: string, ttlMs: number, now: number = Date.now()): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(userId)) throw new TypeError('user id must be 1-128 of [A-Za-z0-9_-]');
  const payload = `${PREFIX}.${userId}.${Math.floor(now + ttlMs)}`;
  return `${payload}.${sign(secret, payload)}`;
}

/**
 * Checks a token's signature, then its expiry.
 * Throws `token-invalid` (bad format or signature) or `token-expired`.
 */
export function verifyToken(secret: Uint8Array, token: string, now: number = Date.now()): TokenClaims {
  const parts = token.split('.');
  const [prefix, userId, expires, signature] = parts;
  if (parts.length !== 4 || prefix !== PREFIX || !userId || !expires || !signature || !/^\d{1,16}$/.test(expires)) {
    throw new OutboxError('token-invalid');
  }
  const expected = Buffer.from(sign(secret, `${prefix}.${userId}.${expires}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new OutboxError('token-invalid');
  const expiresAt = Number(expires);
  if (now >= expiresAt) throw new OutboxError('token-expired', { expiredAt: new Date(expiresAt).toISOString() });
  return { userId, expiresAt };
}

function sign(secret: Uint8Array, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
