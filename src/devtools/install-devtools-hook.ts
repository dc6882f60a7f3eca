import type { Outbox } from '../client/outbox.ts';
import type { WriteId } from '../protocol/ids.ts';
import type { JsonValue } from '../protocol/json-value.ts';
import { toJsonSafe } from '../protocol/to-json-safe.ts';
import {
  DEVTOOLS_GLOBAL,
  DEVTOOLS_HOOK_VERSION,
  DEVTOOLS_PENDING_LIMIT,
  type DevtoolsAction,
  type DevtoolsHook,
  type DevtoolsSnapshot,
} from './devtools-snapshot.ts';

/** The part of the page API the hook uses. */
type Inspectable = Pick<
  Outbox<Record<string, JsonValue>>,
  | 'status'
  | 'listPending'
  | 'listDeadLetters'
  | 'listConflicts'
  | 'listQuarantined'
  | 'flush'
  | 'discardPending'
  | 'retryDeadLetter'
  | 'discardDeadLetter'
  | 'dismissConflict'
>;

interface Entry {
  snapshot: DevtoolsSnapshot;
  refresh(): void;
  run(action: DevtoolsAction, id: string | null): void;
}

type HookGlobal = { [DEVTOOLS_GLOBAL]?: DevtoolsHook & { entries: Map<string, Entry> } };

const errorInfo = (e: unknown) => ({
  code: typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'unknown',
  message: e instanceof Error ? e.message : String(e),
});

function hookFor(scope: HookGlobal): DevtoolsHook & { entries: Map<string, Entry> } {
  const existing = scope[DEVTOOLS_GLOBAL];
  if (existing) return existing;
  const entries = new Map<string, Entry>();
  const hook = {
    version: DEVTOOLS_HOOK_VERSION,
    entries,
    names: () => [...entries.keys()],
    snapshot: (name: string) => {
      const entry = entries.get(name);
      return entry ? JSON.stringify(entry.snapshot) : null;
    },
    run: (name: string, action: DevtoolsAction, id: string | null) => {
      const entry = entries.get(name);
      entry?.run(action, id);
      return entry !== undefined;
    },
  } as const;
  scope[DEVTOOLS_GLOBAL] = hook;
  return hook;
}

function perform(outbox: Inspectable, action: DevtoolsAction, id: string | null): Promise<unknown> {
  const writeId = id as WriteId;
  switch (action) {
    case 'flush':
      return outbox.flush();
    case 'discard-pending':
      return outbox.discardPending(writeId);
    case 'retry-dead-letter':
      return outbox.retryDeadLetter(writeId);
    case 'discard-dead-letter':
      return outbox.discardDeadLetter(writeId);
    case 'dismiss-conflict':
      return outbox.dismissConflict(id ?? '');
  }
}

/**
 * Lets the Outbox DevTools panel (manifest.json, extension/) see and act on an outbox.
 *
 * The panel reads through `chrome.devtools.inspectedWindow.eval`, which cannot await promises,
 * so the hook keeps a plain snapshot — status, the oldest pending writes, dead letters and
 * conflicts — refreshed on every status change, and runs actions in the background, recording
 * their outcome. Nothing is read from IndexedDB by the page: the worker answers.
 *
 * @returns a function that removes this outbox from the hook.
 * @example
 * const outbox = createOutbox<Cols>({ worker });
 * if (import.meta.env.DEV) installDevtoolsHook(outbox, 'my-app');
 */
export function installDevtoolsHook(outbox: Inspectable, name = 'default', scope: object = globalThis): () => void {
  const hook = hookFor(scope as HookGlobal);
  let refreshing = false;
  let again = false;
  const entry: Entry = {
    snapshot: {
      name,
      status: outbox.status.get(),
      pending: [],
      deadLetters: [],
      conflicts: [],
      quarantined: [],
      refreshedAt: null,
      refreshError: null,
      lastAction: null,
    },
    refresh() {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = true;
      Promise.all([
        outbox.listPending({ limit: DEVTOOLS_PENDING_LIMIT }),
        outbox.listDeadLetters(),
        outbox.listConflicts(),
        outbox.listQuarantined(),
      ])
        .then(([pending, deadLetters, conflicts, quarantined]) => {
          // The snapshot crosses as JSON: a quarantined record may hold what JSON cannot (to-json-safe.ts).
          const safe = quarantined.map((record) => ({ ...record, raw: toJsonSafe(record.raw) }));
          const lists = { pending, deadLetters, conflicts, quarantined: safe };
          entry.snapshot = { ...entry.snapshot, ...lists, refreshedAt: Date.now(), refreshError: null };
        })
        .catch((e: unknown) => {
          entry.snapshot = { ...entry.snapshot, refreshError: errorInfo(e) };
        })
        .finally(() => {
          refreshing = false;
          if (again) {
            again = false;
            entry.refresh();
          }
        });
    },
    run(action, id) {
      perform(outbox, action, id)
        .then(
          () => ({ ok: true, error: null }),
          (e: unknown) => ({ ok: false, error: errorInfo(e) }),
        )
        .then((outcome) => {
          entry.snapshot = { ...entry.snapshot, lastAction: { action, id, ...outcome, at: Date.now() } };
          entry.refresh();
        });
    },
  };
  hook.entries.set(name, entry);
  const stop = outbox.status.subscribe((status) => {
    entry.snapshot = { ...entry.snapshot, status };
    entry.refresh();
  });
  return () => {
    stop();
    if (hook.entries.get(name) === entry) hook.entries.delete(name);
  };
}
