/** Helpers for the app's own service worker (`outbox/sw`). */
export { type PrecacheAppShellOptions, precacheAppShell } from './precache-app-shell.ts';
export { OUTBOX_SYNC_TAG } from '../src/core/runtime/worker-rpc.ts';
