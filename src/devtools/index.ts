/** `outbox/devtools`: the page hook the Outbox DevTools panel (manifest.json, extension/) reads. */
export type { DevtoolsAction, DevtoolsActionResult, DevtoolsHook, DevtoolsSnapshot } from './devtools-snapshot.ts';
export { DEVTOOLS_GLOBAL, DEVTOOLS_HOOK_VERSION } from './devtools-snapshot.ts';
export { installDevtoolsHook } from './install-devtools-hook.ts';
