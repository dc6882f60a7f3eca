/**
 * The reference sync server, programmatic API. `server/main.ts` is the command line.
 * Protocol: docs/PROTOCOL.md.
 */
export { createBearerVerify, type Verify } from './auth/bearer-verify.ts';
export { issueToken, type TokenClaims, verifyToken } from './auth/hmac-token.ts';
export { loadOrCreateSecret, parseSecret, SECRET_FILE } from './auth/token-secret.ts';
export { type CreateAppOptions, createApp } from './create-app.ts';
export { DEFAULT_SESSION_RATE_LIMIT } from './http/session-limit.ts';
export { DEFAULT_RATE_LIMIT, type RateLimit } from './http/token-bucket.ts';
export {
  type AppBehaviour,
  DEFAULT_LIMITS,
  DEFAULT_TOKEN_TTL_MS,
  type LogLine,
  type ServerLimits,
} from './server-options.ts';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.ts';
export { MIGRATIONS, runMigrations } from './store/migrations.ts';
export { DEFAULT_DATA_DIR, openSyncStore, type StoreLocation } from './store/open-sync-store.ts';
export type { PullPage, SyncStore } from './store/sync-store.ts';
