import type { SyncStore } from '../store/sync-store.ts';
import type { ServerLimits } from '../server-options.ts';

/** Per-request values set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set once the credential is verified. */
    userId: string;
  };
}

/** What the route handlers need. */
export interface RouteDeps {
  readonly store: SyncStore;
  readonly limits: ServerLimits;
}
