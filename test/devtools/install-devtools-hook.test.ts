import { describe, expect, test, vi } from 'vitest';
import { DEVTOOLS_GLOBAL, type DevtoolsHook, type DevtoolsSnapshot } from '../../src/devtools/devtools-snapshot.ts';
import { installDevtoolsHook } from '../../src/devtools/install-devtools-hook.ts';
import { OutboxError } from '../../src/errors.ts';
import type { PendingWrite } from '../../src/protocol/pending-write.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../src/protocol/sync-status.ts';

/** A page outbox reduced to what the hook reads, backed by plain arrays. */
function fakeOutbox() {
  const listeners = new Set<(s: SyncStatus) => void>();
  let status: SyncStatus = INITIAL_SYNC_STATUS;
  const pending: PendingWrite[] = [];
  const calls: string[] = [];
  const outbox = {
    status: {
      get: () => status,
      subscribe: (l: (s: SyncStatus) => void) => {
        listeners.add(l);
        l(status);
        return () => listeners.delete(l);
      },
    },
    listPending: vi.fn(async () => [...pending]),
    listDeadLetters: vi.fn(async () => []),
    listConflicts: vi.fn(async () => []),
    listQuarantined: vi.fn(async () => []),
    flush: vi.fn(async () => void calls.push('flush')),
    discardPending: vi.fn(async (id: string) => {
      calls.push(`discard:${id}`);
      const i = pending.findIndex((w) => w.id === id);
      if (i < 0) throw new OutboxError('not-found', { kind: 'pending write', id });
      pending.splice(i, 1);
    }),
    retryDeadLetter: vi.fn(),
    discardDeadLetter: vi.fn(),
    dismissConflict: vi.fn(),
  };
  const publish = (next: Partial<SyncStatus>) => {
    status = { ...status, ...next };
    for (const l of listeners) l(status);
  };
  return { outbox: outbox as never, pending, calls, publish, listeners };
}

const write = (seq: number): PendingWrite =>
  ({ v: 1, seq, id: `${seq}`.padStart(32, '0'), collection: 'notes', key: `k${seq}`, op: 'put', value: { seq } }) as never;

async function snapshotWhen(hook: DevtoolsHook, ok: (s: DevtoolsSnapshot) => boolean): Promise<DevtoolsSnapshot> {
  let snap: DevtoolsSnapshot | undefined;
  await vi.waitFor(() => {
    snap = JSON.parse(hook.snapshot('app') ?? 'null') as DevtoolsSnapshot;
    expect(ok(snap)).toBe(true);
  });
  return snap as DevtoolsSnapshot;
}

describe('installDevtoolsHook', () => {
  test('lists quarantined records in the snapshot, their raw records made JSON-safe', async () => {
    const scope = {} as Record<string, DevtoolsHook>;
    const { outbox } = fakeOutbox();
    const raw = { n: 10n, when: new Date(0), gone: undefined };
    const record = { v: 1, id: 'q1', code: 'record-quarantined', store: 'docs', key: 'notes/x', reason: 'bad', raw, at: 5 };
    (outbox as { listQuarantined: () => Promise<unknown[]> }).listQuarantined = async () => [record];
    installDevtoolsHook(outbox, 'app', scope);
    const snap = await snapshotWhen(scope[DEVTOOLS_GLOBAL] as DevtoolsHook, (s) => s.refreshedAt !== null);
    expect(snap.refreshError).toBeNull();
    expect(snap.quarantined).toEqual([
      { ...record, raw: { n: '10n', when: { $date: '1970-01-01T00:00:00.000Z' }, gone: { $undefined: true } } },
    ]);
  });

  test('publishes a JSON snapshot of status and the queue that the panel can read synchronously', async () => {
    const scope = {} as Record<string, DevtoolsHook>;
    const { outbox, pending, publish } = fakeOutbox();
    pending.push(write(1), write(2));
    installDevtoolsHook(outbox, 'app', scope);
    const hook = scope[DEVTOOLS_GLOBAL] as DevtoolsHook;
    expect(hook.names()).toEqual(['app']);
    const first = await snapshotWhen(hook, (s) => s.refreshedAt !== null);
    expect(first.pending.map((w) => w.seq)).toEqual([1, 2]);
    pending.push(write(3));
    publish({ pending: 3 });
    const next = await snapshotWhen(hook, (s) => s.pending.length === 3);
    expect(next.status.pending).toBe(3);
  });

  test('runs an action in the background and records its outcome, errors with their code', async () => {
    const scope = {} as Record<string, DevtoolsHook>;
    const { outbox, pending, calls } = fakeOutbox();
    pending.push(write(1));
    installDevtoolsHook(outbox, 'app', scope);
    const hook = scope[DEVTOOLS_GLOBAL] as DevtoolsHook;
    expect(hook.run('app', 'discard-pending', write(1).id)).toBe(true);
    const done = await snapshotWhen(hook, (s) => s.lastAction !== null);
    expect(done.lastAction).toMatchObject({ action: 'discard-pending', ok: true, error: null });
    expect(calls).toEqual([`discard:${write(1).id}`]);
    await snapshotWhen(hook, (s) => s.pending.length === 0);

    hook.run('app', 'discard-pending', write(9).id);
    const failed = await snapshotWhen(hook, (s) => s.lastAction?.ok === false);
    expect(failed.lastAction?.error?.code).toBe('not-found');
  });

  test('answers null and false for an outbox it does not know, and forgets one that is uninstalled', () => {
    const scope = {} as Record<string, DevtoolsHook>;
    const { outbox, listeners } = fakeOutbox();
    const uninstall = installDevtoolsHook(outbox, 'app', scope);
    const hook = scope[DEVTOOLS_GLOBAL] as DevtoolsHook;
    expect(hook.snapshot('other')).toBeNull();
    expect(hook.run('other', 'flush', null)).toBe(false);
    uninstall();
    expect(hook.names()).toEqual([]);
    expect(listeners.size).toBe(0);
  });
});
