import { parseArgs } from 'node:util';
import { parseSecret } from './auth/token-secret.ts';
import type { ServerLimits } from './server-options.ts';
import type { StartServerOptions } from './start-server.ts';

/** Default port of `npm run server`. */
export const DEFAULT_PORT = 8787;

/** Every setting: flag name → environment variable. Flags win over the environment. */
export const SETTINGS = {
  port: 'PORT',
  host: 'HOST',
  'data-dir': 'DATA_DIR',
  'database-url': 'DATABASE_URL',
  'cors-origin': 'CORS_ORIGIN',
  'static-dir': 'STATIC_DIR',
  'token-secret': 'TOKEN_SECRET',
  'token-ttl-ms': 'TOKEN_TTL_MS',
  'rate-limit-burst': 'RATE_LIMIT_BURST',
  'rate-limit-per-second': 'RATE_LIMIT_PER_SECOND',
  'rate-limit-shared': 'RATE_LIMIT_SHARED',
  'session-rate-limit-burst': 'SESSION_RATE_LIMIT_BURST',
  'session-rate-limit-per-second': 'SESSION_RATE_LIMIT_PER_SECOND',
  'trusted-proxies': 'TRUSTED_PROXIES',
  'max-writes-per-push': 'MAX_WRITES_PER_PUSH',
  'max-body-bytes': 'MAX_BODY_BYTES',
  'max-doc-bytes': 'MAX_DOC_BYTES',
  'request-timeout-ms': 'REQUEST_TIMEOUT_MS',
  'retention-horizon-ms': 'RETENTION_HORIZON_MS',
  'prune-interval-ms': 'PRUNE_INTERVAL_MS',
} as const;

type Setting = keyof typeof SETTINGS;

/** Reads `startServer` options from command-line flags (`--port 8080`) and environment variables. */
export function readConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartServerOptions {
  const flags = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  }).values as Partial<Record<Setting, string>>;
  const get = (name: Setting): string | undefined => flags[name] ?? (env[SETTINGS[name]] || undefined);
  const num = (name: Setting): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${name} / ${SETTINGS[name]} must be a non-negative number, got '${raw}'.`);
    return n;
  };
  const flag = (name: Setting): boolean | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (raw === '1' || raw === 'true') return true;
    if (raw === '0' || raw === 'false') return false;
    throw new Error(`--${name} / ${SETTINGS[name]} must be 1, true, 0 or false, got '${raw}'.`);
  };
  const limits: Partial<Record<keyof ServerLimits, number>> = {};
  for (const [key, name] of [
    ['maxWritesPerPush', 'max-writes-per-push'],
    ['maxBodyBytes', 'max-body-bytes'],
    ['maxDocBytes', 'max-doc-bytes'],
    ['requestTimeoutMs', 'request-timeout-ms'],
  ] as const) {
    const n = num(name);
    if (n !== undefined) limits[key] = n;
  }
  const burst = num('rate-limit-burst');
  const perSecond = num('rate-limit-per-second');
  const sessionBurst = num('session-rate-limit-burst');
  const sessionPerSecond = num('session-rate-limit-per-second');
  const secret = get('token-secret');
  const cors = get('cors-origin');
  return {
    port: num('port') ?? DEFAULT_PORT,
    host: get('host') ?? '127.0.0.1',
    dataDir: get('data-dir'),
    databaseUrl: get('database-url'),
    corsOrigin: cors === undefined ? undefined : cors.split(',').map((o) => o.trim()),
    staticDir: get('static-dir'),
    secret: secret === undefined ? undefined : parseSecret(secret),
    tokenTtlMs: num('token-ttl-ms'),
    limits,
    rateLimit:
      perSecond === 0
        ? false
        : burst === undefined && perSecond === undefined
          ? undefined
          : { burst: burst ?? 60, perSecond: perSecond ?? 20 },
    sessionRateLimit:
      sessionPerSecond === 0
        ? false
        : sessionBurst === undefined && sessionPerSecond === undefined
          ? undefined
          : { burst: sessionBurst ?? 10, perSecond: sessionPerSecond ?? 0.1 },
    trustedProxies: num('trusted-proxies'),
    retention: { horizonMs: num('retention-horizon-ms'), pruneIntervalMs: num('prune-interval-ms') },
    sharedRateLimit: flag('rate-limit-shared'),
  };
}
