import type { Context } from 'hono';
import { OutboxError } from '../../src/errors.ts';
import { DATABASE_RETRY_AFTER_S } from '../store/database-unreachable.ts';
import type { AppEnv, RouteDeps } from './app-env.ts';

/** `GET /v1/health`: `{ ok: true, store }` once the database answers, else 503. No auth. */
export function healthRoute(deps: RouteDeps) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      await deps.store.ping();
    } catch (e) {
      const details = { reason: 'unable to reach its database', retryAfterS: DATABASE_RETRY_AFTER_S };
      throw new OutboxError('service-unavailable', details, { cause: e });
    }
    return c.json({ ok: true, store: deps.store.kind });
  };
}
