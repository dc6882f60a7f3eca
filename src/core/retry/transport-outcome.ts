import type { ErrorInfo } from '../../protocol/pending-write.ts';

/**
 * What one request to the sync server came to, already classified. The sync loop
 * decides what to do from `kind` alone:
 * - `ok`: a 200 with a body that follows the protocol.
 * - `transient`: network error, timeout, 408, 425, 429, 5xx, or a 200 that breaks the
 *   protocol — back off and retry; `retryAfterMs` (from `Retry-After`) is a floor.
 *   `network` is true when the server was not reached at all.
 * - `auth`: 401 — refresh credentials once, then wait for new ones.
 * - `too-large`: 413 — send fewer writes.
 * - `permanent`: any other 4xx — retrying the same request cannot help.
 */
export type TransportOutcome<T> =
  | { readonly kind: 'ok'; readonly body: T }
  | {
      readonly kind: 'transient';
      readonly error: ErrorInfo;
      readonly retryAfterMs: number | undefined;
      readonly network: boolean;
    }
  | { readonly kind: 'auth'; readonly error: ErrorInfo }
  | { readonly kind: 'too-large'; readonly error: ErrorInfo }
  | { readonly kind: 'permanent'; readonly error: ErrorInfo };

/** The `kind` of a {@link TransportOutcome}. */
export type OutcomeKind = TransportOutcome<unknown>['kind'];
