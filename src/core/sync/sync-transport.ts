import type { PullResponse } from '../../protocol/pull-messages.ts';
import type { PushRequest, PushResponse } from '../../protocol/push-messages.ts';
import type { TransportOutcome } from '../retry/transport-outcome.ts';

/**
 * How the sync loop talks to the server. Implementations never throw: every answer,
 * failure included, comes back as a classified {@link TransportOutcome}.
 * `createFetchTransport` is the real one; tests use an in-memory fake server.
 */
export interface SyncTransport {
  /** `POST /v1/push`. */
  push(request: PushRequest): Promise<TransportOutcome<PushResponse>>;
  /**
   * `GET /v1/pull?cursor=&limit=`; `cursor` undefined means from the beginning. `resync`: a page of
   * a full re-pull after `cursor-expired` (sent as `resync=1`).
   */
  pull(cursor: string | undefined, limit: number, resync?: boolean): Promise<TransportOutcome<PullResponse>>;
}
