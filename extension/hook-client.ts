import { DEVTOOLS_GLOBAL, DEVTOOLS_HOOK_VERSION, type DevtoolsAction } from '../src/devtools/devtools-snapshot.ts';

/** Calls one method of the page's DevTools hook and returns its (JSON-able) result. */
export type HookCall = (method: 'names' | 'snapshot' | 'run', args: unknown[]) => Promise<unknown>;

/**
 * Reaches the inspected page's hook: through `chrome.devtools.inspectedWindow.eval` inside
 * DevTools; through `chrome.scripting` when the panel is opened as a tab with `?tabId=N`
 * (used by the tests; the manifest grants that only for loopback origins).
 */
export function connectHook(search: string = location.search): HookCall {
  const devtools = chrome.devtools;
  if (devtools) {
    return (method, args) =>
      new Promise((resolve, reject) => {
        const call = `(function(h){return h && h.version === ${DEVTOOLS_HOOK_VERSION} ? h.${method}(...${JSON.stringify(args)}) : undefined})(globalThis.${DEVTOOLS_GLOBAL})`;
        devtools.inspectedWindow.eval(call, (result, exception) => {
          if (exception?.isException || exception?.isError)
            reject(new Error(exception.value ?? exception.description ?? 'eval failed'));
          else resolve(result);
        });
      });
  }
  const tabId = Number(new URLSearchParams(search).get('tabId'));
  const scripting = chrome.scripting;
  if (!scripting || !Number.isInteger(tabId)) throw new Error('Open this panel from DevTools, or as a tab with ?tabId=<id>.');
  return async (method, args) => {
    const [frame] = await scripting.executeScript({
      target: { tabId },
      world: 'MAIN',
      func: (global: string, version: number, name: string, callArgs: unknown[]) => {
        const hook = (globalThis as Record<string, unknown>)[global] as Record<string, (...a: unknown[]) => unknown> | undefined;
        return hook && hook.version === (version as unknown) ? (hook[name]?.(...callArgs) ?? null) : null;
      },
      args: [DEVTOOLS_GLOBAL, DEVTOOLS_HOOK_VERSION, method, args] as [string, number, string, unknown[]],
    });
    return frame?.result ?? undefined;
  };
}

/** Starts an action on the page; its outcome shows in the next snapshot. */
export const runAction = (call: HookCall, name: string, action: DevtoolsAction, id: string | null) =>
  call('run', [name, action, id]);
