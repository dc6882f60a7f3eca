import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { OutboxError } from '../src/errors.ts';
import { randomId } from '../src/protocol/ids.ts';
import { createBearerVerify } from './auth/bearer-verify.ts';
import { asOutboxError, errorResponse } from './http/error-response.ts';
import { DEFAULT_SESSION_RATE_LIMIT, sessionLimit } from './http/session-limit.ts';
import { createStaticFiles } from './http/static-files.ts';
import { createTokenBucket, DEFAULT_RATE_LIMIT } from './http/token-bucket.ts';
import type { AppEnv } from './routes/app-env.ts';
import { healthRoute } from './routes/health-route.ts';
import { pullRoute } from './routes/pull-route.ts';
import { pushRoute } from './routes/push-route.ts';
import { sessionRoute } from './routes/session-route.ts';
import { type AppBehaviour, DEFAULT_LIMITS, DEFAULT_TOKEN_TTL_MS, defaultLog, type LogLine } from './server-options.ts';
import type { SyncStore } from './store/sync-store.ts';

/** What {@link createApp} needs: a migrated store and the token secret, plus behaviour options. */
export interface CreateAppOptions extends AppBehaviour {
  readonly store: SyncStore;
  /** HMAC secret for session tokens (≥ 32 bytes). */
  readonly secret: Uint8Array;
}

/**
 * The Hono app with every `/v1` route, auth, limits, CORS, logs and static files. Use it
 * in-process with `app.request()`, or serve it (`startServer` does).
 *
 * @example const app = createApp({ store, secret }); const res = await app.request('/v1/health');
 */
export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const deps = { store: options.store, limits };
  const log = options.log ?? defaultLog;
  const app = new Hono<AppEnv>();
  app.use(requestLog(log, now));
  if (options.corsOrigin !== undefined) {
    const origin = typeof options.corsOrigin === 'string' ? options.corsOrigin : [...options.corsOrigin];
    app.use(
      '/v1/*',
      cors({ origin, allowHeaders: ['Authorization', 'Content-Type'], exposeHeaders: ['Retry-After'], maxAge: 600 }),
    );
  }
  app.use(timeout(limits.requestTimeoutMs));
  const auth = authenticate(options.verify ?? createBearerVerify(options.secret, now), rateLimiter(options, now));
  app.post('/v1/push', auth, pushRoute(deps));
  app.get('/v1/pull', auth, pullRoute(deps));
  app.get('/v1/health', healthRoute(deps));
  if (options.sessions !== false) {
    const limit = options.sessionRateLimit ?? DEFAULT_SESSION_RATE_LIMIT;
    const limitSessions: MiddlewareHandler =
      limit === false ? (_c, next) => next() : sessionLimit(limit, options.trustedProxies ?? 0, now);
    app.post('/v1/session', limitSessions, sessionRoute(options.secret, options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS, now));
  }
  const staticFiles = options.staticDir === undefined ? undefined : createStaticFiles(options.staticDir);
  app.notFound(async (c) => {
    const underApi = c.req.path === '/v1' || c.req.path.startsWith('/v1/');
    const file = staticFiles !== undefined && !underApi ? await staticFiles(c.req.raw) : null;
    return file ?? errorResponse(new OutboxError('route-not-found', { method: c.req.method, path: c.req.path }));
  });
  app.onError((e, c) => {
    const error = asOutboxError(e, c.get('requestId'));
    if (error.code === 'internal-error') log({ level: 'error', requestId: c.get('requestId'), error: describe(e) });
    // The client went away mid-request: its business, not a server fault; the answer reaches no one.
    if (error.code === 'client-aborted') log({ level: 'info', event: 'client-aborted', requestId: c.get('requestId') });
    const retryAfter = error.details?.retryAfterS;
    return errorResponse(error, typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {});
  });
  return app;
}

/** One JSON line per request: method, path (no query), status, ms, userId, error code. Never headers. */
function requestLog(log: (line: LogLine) => void, now: () => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = now();
    c.set('requestId', randomId());
    await next();
    const code = c.res.status >= 400 ? await errorCodeOf(c.res) : undefined;
    log({
      time: new Date(started).toISOString(),
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: now() - started,
      userId: c.get('userId') ?? null,
      ...(code === undefined ? {} : { code }),
    });
  };
}

async function errorCodeOf(res: Response): Promise<string | undefined> {
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return undefined;
  const body = (await res
    .clone()
    .json()
    .catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' ? body.error.code : undefined;
}

function timeout(ms: number): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new OutboxError('service-unavailable', { reason: `too slow: no answer within ${ms} ms`, retryAfterS: 1 })),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The per-user request budget: in memory, or with `sharedRateLimit` on PostgreSQL one bucket per
 * user in the database, shared by every instance (so N instances do not give N times the budget;
 * PGlite serves one process, whose memory suffices). Returns undefined when rate limiting is off.
 */
function rateLimiter(options: CreateAppOptions, now: () => number): ((userId: string) => Promise<number>) | undefined {
  if (options.rateLimit === false) return undefined;
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const shared = options.sharedRateLimit === true ? options.store.takeRequestToken : undefined;
  if (shared !== undefined) return (userId) => shared(userId, limit);
  const bucket = createTokenBucket(limit, now);
  return async (userId) => bucket.take(userId);
}

function authenticate(
  verify: (request: Request) => Promise<string>,
  take: ((userId: string) => Promise<number>) | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const userId = await verify(c.req.raw);
    c.set('userId', userId);
    const retryAfterS = (await take?.(userId)) ?? 0;
    if (retryAfterS > 0) throw new OutboxError('rate-limited', { retryAfterS });
    await next();
  };
}

function describe(e: unknown): LogLine {
  return e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { value: String(e) };
}
