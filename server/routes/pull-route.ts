import type { Context } from 'hono';
import type { PullResponse } from '../../src/protocol/pull-messages.ts';
import { PROTOCOL_VERSION } from '../../src/protocol/push-messages.ts';
import { parsePullQuery } from '../http/parse-pull-query.ts';
import type { AppEnv, RouteDeps } from './app-env.ts';

/** `GET /v1/pull?cursor=&limit=&resync=`: one page of the user's compacted change feed. */
export function pullRoute(deps: RouteDeps) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const { cursor, limit, resync } = parsePullQuery(new URL(c.req.url));
    const page = await deps.store.pull(c.get('userId'), cursor, limit, { resync });
    const response: PullResponse = { protocol: PROTOCOL_VERSION, ...page };
    return c.json(response);
  };
}
