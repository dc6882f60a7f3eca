import type { OutboxApi } from '../src/protocol/outbox-api.ts';

/**
 * An {@link OutboxApi} whose calls wait for `ready`: the worker exposes it before its database
 * has opened, so calls made meanwhile are answered (not dropped), and if opening fails every
 * call rejects with that error (an OutboxError such as `migration-failed` or `upgrade-blocked`).
 */
export function deferredApi(ready: Promise<OutboxApi>): OutboxApi {
  // Failures surface through the calls; keep an early failure from being reported as unhandled.
  ready.catch(() => {});
  return new Proxy({} as OutboxApi, {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      return async (...args: unknown[]) => {
        const api = await ready;
        const method = (api as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        if (typeof method !== 'function') throw new TypeError(`OutboxApi has no method '${name}'`);
        return method.apply(api, args);
      };
    },
  });
}
