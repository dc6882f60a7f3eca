/** Helpers for the app's own service worker (`outbox/sw`). */
export { type PrecacheAppShellOptions, precacheAppShell } from './precache-app-shell.ts';
export { type RegisterOutboxSyncOptions, registerOutboxSync } from './register-outbox-sync.ts';
export { OUTBOX_SYNC_TAG, syncTagFor } from '../src/core/runtime/worker-rpc.ts';
