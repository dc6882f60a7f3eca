import type { Context } from 'hono';
import type { SessionResponse } from '../../src/protocol/pull-messages.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { issueToken } from '../auth/hmac-token.ts';
import type { AppEnv } from './app-env.ts';

/** `POST /v1/session`: a new anonymous user (128 random bits) and its bearer token. No body needed. */
export function sessionRoute(secret: Uint8Array, ttlMs: number, now: () => number) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const userId = randomId();
    const issuedAt = now();
    const token = issueToken(secret, userId, ttlMs, issuedAt);
    c.set('userId', userId);
    const response: SessionResponse = { userId, token, expiresAt: Math.floor(issuedAt + ttlMs) };
    return c.json(response);
  };
}
