import type { Context } from 'hono';
import { PROTOCOL_VERSION, type PushResponse } from '../../src/protocol/push-messages.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { validatePush } from '../http/validate-push.ts';
import type { AppEnv, RouteDeps } from './app-env.ts';

/** `POST /v1/push`: validate everything first, then one transaction in the store. */
export function pushRoute(deps: RouteDeps) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const body = await readJsonBody(c.req.raw, deps.limits.maxBodyBytes);
    const request = validatePush(body, deps.limits.maxWritesPerPush);
    const results = await deps.store.push(c.get('userId'), request, deps.limits);
    const response: PushResponse = { protocol: PROTOCOL_VERSION, results };
    return c.json(response);
  };
}
