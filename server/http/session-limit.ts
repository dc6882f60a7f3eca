import type { MiddlewareHandler } from 'hono';
import { OutboxError } from '../../src/errors.ts';
import { addressKey } from './address-key.ts';
import { clientAddress } from './client-address.ts';
import { createTokenBucket, type RateLimit } from './token-bucket.ts';

/**
 * Default budget of `POST /v1/session` per client address: 10 at once, then one every 10 s
 * (360 an hour). Each session is a new user with a fresh per-user request budget, so minting
 * must be bounded for the per-user limit to mean anything.
 */
export const DEFAULT_SESSION_RATE_LIMIT: RateLimit = { burst: 10, perSecond: 0.1 };

/**
 * Refuses session minting over `limit` per client address (IPv6: per /64) with 429
 * `session-rate-limited` + `Retry-After`.
 */
export function sessionLimit(limit: RateLimit, trustedProxies: number, now: () => number): MiddlewareHandler {
  const bucket = createTokenBucket(limit, now);
  return async (c, next) => {
    const retryAfterS = bucket.take(addressKey(clientAddress(c, trustedProxies)));
    if (retryAfterS > 0) throw new OutboxError('session-rate-limited', { retryAfterS });
    await next();
  };
}
