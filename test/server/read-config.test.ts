import { describe, expect, test } from 'vitest';
import { DEFAULT_PORT, readConfig } from '../../server/read-config.ts';

describe('readConfig', () => {
  test('uses 127.0.0.1, the default port and no database URL when nothing is set', () => {
    expect(readConfig([], {})).toMatchObject({
      port: DEFAULT_PORT,
      host: '127.0.0.1',
      databaseUrl: undefined,
      rateLimit: undefined,
    });
  });

  test('prefers flags over environment variables', () => {
    const config = readConfig(['--port', '9000', '--data-dir=/tmp/x'], {
      PORT: '8000',
      DATA_DIR: '/tmp/y',
      DATABASE_URL: 'postgres://h/db',
    });
    expect(config).toMatchObject({ port: 9000, dataDir: '/tmp/x', databaseUrl: 'postgres://h/db' });
  });

  test('reads limits, CORS origins and the rate limit, where 0 per second disables it', () => {
    const config = readConfig([], {
      MAX_WRITES_PER_PUSH: '50',
      CORS_ORIGIN: 'https://a.example, https://b.example',
      RATE_LIMIT_BURST: '5',
    });
    expect(config).toMatchObject({
      limits: { maxWritesPerPush: 50 },
      corsOrigin: ['https://a.example', 'https://b.example'],
      rateLimit: { burst: 5, perSecond: 20 },
    });
    expect(readConfig(['--rate-limit-per-second', '0'], {}).rateLimit).toBe(false);
  });

  test('reads the session limit, where 0 per second disables it, and the number of trusted proxies', () => {
    expect(readConfig([], {})).toMatchObject({ sessionRateLimit: undefined, trustedProxies: undefined });
    expect(readConfig(['--session-rate-limit-burst', '3', '--trusted-proxies', '1'], {})).toMatchObject({
      sessionRateLimit: { burst: 3, perSecond: 0.1 },
      trustedProxies: 1,
    });
    expect(readConfig([], { SESSION_RATE_LIMIT_PER_SECOND: '0' }).sessionRateLimit).toBe(false);
  });

  test('reads whether the rate limit is shared through PostgreSQL', () => {
    expect(readConfig([], {}).sharedRateLimit).toBeUndefined();
    expect(readConfig(['--rate-limit-shared', 'true'], {}).sharedRateLimit).toBe(true);
    expect(readConfig([], { RATE_LIMIT_SHARED: '0' }).sharedRateLimit).toBe(false);
    expect(() => readConfig([], { RATE_LIMIT_SHARED: 'yes' })).toThrow(/RATE_LIMIT_SHARED/);
  });

  test('reads the retention horizon and the prune interval', () => {
    expect(readConfig(['--retention-horizon-ms', '864000000'], { PRUNE_INTERVAL_MS: '60000' }).retention).toEqual({
      horizonMs: 864_000_000,
      pruneIntervalMs: 60_000,
    });
  });

  test('refuses an unknown flag and a non-numeric number', () => {
    expect(() => readConfig(['--prot', '1'], {})).toThrow();
    expect(() => readConfig([], { PORT: 'eighty' })).toThrow(/PORT/);
  });

  test('takes a token secret of 64 hex digits and refuses a short one', () => {
    expect(readConfig([], { TOKEN_SECRET: 'ab'.repeat(32) }).secret).toHaveLength(32);
    expect(() => readConfig([], { TOKEN_SECRET: 'abcd' })).toThrow(/TOKEN_SECRET/);
  });
});
