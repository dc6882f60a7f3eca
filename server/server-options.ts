import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DOC_BYTES, DEFAULT_MAX_WRITES_PER_PUSH } from '../src/protocol/push-messages.ts';
import type { Verify } from './auth/bearer-verify.ts';
import type { RateLimit } from './http/token-bucket.ts';

/** Size and time limits; every one is configurable. */
export interface ServerLimits {
  /** Writes per push; above → 400 `too-many-writes`. Default 1000. */
  readonly maxWritesPerPush: number;
  /** Request body bytes; above → 413 `body-too-large`. Default 5 MiB. */
  readonly maxBodyBytes: number;
  /** UTF-8 bytes of one write's JSON value; above → that write is `rejected` `document-too-large`. Default 1.5 MiB. */
  readonly maxDocBytes: number;
  /** A request not answered within this many ms gets 503 `service-unavailable`. Default 30 s. */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxWritesPerPush: DEFAULT_MAX_WRITES_PER_PUSH,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxDocBytes: DEFAULT_MAX_DOC_BYTES,
  requestTimeoutMs: 30_000,
};

/** Default lifetime of a session token: 30 days. */
export const DEFAULT_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** One structured log line per request (never a token), plus error lines. */
export type LogLine = Readonly<Record<string, unknown>>;

/** Options shared by {@link createApp} and `startServer`. */
export interface AppBehaviour {
  /** Authentication hook. Default: bearer tokens signed with the server's secret. */
  readonly verify?: Verify | undefined;
  /** Whether `POST /v1/session` issues anonymous users. Default true. */
  readonly sessions?: boolean | undefined;
  readonly tokenTtlMs?: number | undefined;
  readonly limits?: Partial<ServerLimits> | undefined;
  /** Per-user token bucket for /v1/push and /v1/pull; `false` disables it. */
  readonly rateLimit?: RateLimit | false | undefined;
  /**
   * On PostgreSQL, keep each user's bucket in the database (`rate_buckets`), shared by every
   * instance, instead of in each instance's memory (where N instances give a user N times the
   * budget). Costs one more statement per request (README, "Rate limit and several instances").
   * Default false.
   */
  readonly sharedRateLimit?: boolean | undefined;
  /**
   * Per-client-address token bucket for `POST /v1/session` (each session is a new user with its
   * own request budget); `false` disables it. Default: burst 10, then one per 10 s.
   */
  readonly sessionRateLimit?: RateLimit | false | undefined;
  /**
   * How many reverse proxies in front of the server append to `X-Forwarded-For`. 0 (default): the
   * header is ignored and the client address is the TCP peer (behind a proxy, that is the proxy,
   * so all clients share one session budget). N: the Nth entry from the right is the client.
   */
  readonly trustedProxies?: number | undefined;
  /** Allowed browser origin(s) of a separately hosted app; unset = no CORS headers (same origin only). */
  readonly corsOrigin?: string | readonly string[] | undefined;
  /** Directory of a built web app to serve, with SPA fallback to index.html. */
  readonly staticDir?: string | undefined;
  /** Receives structured log lines. Default: JSON to stdout. */
  readonly log?: ((line: LogLine) => void) | undefined;
  /** Clock (epoch ms), for tokens and the rate limiter. */
  readonly now?: (() => number) | undefined;
}

export const defaultLog = (line: LogLine): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
