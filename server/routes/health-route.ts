import type { Context } from 'hono';
import { OutboxError } from '../../src/errors.ts';
import type { AppEnv, RouteDeps } from './app-env.ts';

/** `GET /v1/health`: `{ ok: true, store }` once the database answers, else 503. No auth. */
export function healthRoute(deps: RouteDeps) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      await deps.store.ping();
    } catch (e) {
      throw new OutboxError('service-unavailable', { reason: 'unable to reach its database' }, { cause: e });
    }
    return c.json({ ok: true, store: deps.store.kind });
  };
}
