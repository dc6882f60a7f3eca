import { describe, expect, test, vi } from 'vitest';
import { OutboxService } from '../../../src/core/outbox-service.ts';
import type { ChannelPort, DocStorePort, LockPort, SyncRunnerPort } from '../../../src/core/runtime/runtime-ports.ts';
import { isOutboxError } from '../../../src/errors.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../../src/protocol/sync-status.ts';

/** One origin: a shared outbox, a lock manager and broadcast channels, as tabs see them. */
function origin() {
  const writes: { seq: number; id: WriteId }[] = [];
  let seq = 0;
  const queues = new Map<string, (() => void)[]>();
  const held = new Set<string>();
  const locks: LockPort = {
    request(name, _options, fn) {
      return new Promise((resolve, reject) => {
        const run = (): void => {
          held.add(name);
          fn(true)
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              queues.get(name)?.shift()?.();
            });
        };
        if (held.has(name)) queues.set(name, [...(queues.get(name) ?? []), run]);
        else run();
      });
    },
  };
  const channels = new Set<ChannelPort>();
  const openChannel = (): ChannelPort => {
    const port: ChannelPort = {
      onmessage: null,
      postMessage(message) {
        const data = structuredClone(message);
        for (const other of channels) if (other !== port) queueMicrotask(() => other.onmessage?.({ data }));
      },
      close() {
        channels.delete(port);
      },
    };
    channels.add(port);
    return port;
  };
  const runners: (SyncRunnerPort & { kicks: number; ackAll(): void; tab: number })[] = [];

  const feeds: { emit(changes: DocChange[]): void; relayed: DocChange[]; elsewhere: string[] }[] = [];

  async function tab(n: number): Promise<OutboxService> {
    const committed = new Set<() => void>();
    const taps = new Set<(changes: DocChange[]) => void>();
    const watchers = new Set<(changes: DocChange[]) => void>();
    const feed = {
      relayed: [] as DocChange[],
      elsewhere: [] as string[],
      /** This tab's context committed `changes`. */
      emit(changes: DocChange[]) {
        for (const w of watchers) w(changes);
        for (const t of taps) t(changes);
      },
    };
    feeds[n] = feed;
    const store = {
      watch(_collection: string, listener: (changes: DocChange[]) => void) {
        watchers.add(listener);
        return () => watchers.delete(listener);
      },
      onChanges(listener: (changes: DocChange[]) => void) {
        taps.add(listener);
        return () => taps.delete(listener);
      },
      relayChanges(changes: DocChange[]) {
        feed.relayed.push(...changes);
        for (const w of watchers) w(changes);
      },
      watchElsewhere(collections: string[]) {
        feed.elsewhere.push(...collections);
      },
      async put() {
        seq += 1;
        const id = seq.toString(16).padStart(32, '0') as WriteId;
        writes.push({ seq, id });
        for (const l of committed) l();
        return { id, seq, coalesced: false };
      },
      onWritesCommitted(listener: () => void) {
        committed.add(listener);
        return () => committed.delete(listener);
      },
      async localStatus() {
        return { pending: writes.length, deadLetters: 0, conflicts: 0, discarded: 0 };
      },
      async hasPendingWrite(id: WriteId) {
        return writes.some((w) => w.id === id);
      },
      async lastPendingSeq() {
        return writes.at(-1)?.seq ?? 0;
      },
      async firstPendingSeq(afterSeq: number) {
        return writes.find((w) => w.seq > afterSeq)?.seq;
      },
      async isDeadLettered() {
        return false;
      },
      async listDeadLetters() {
        return [];
      },
      close() {},
    } as unknown as DocStorePort;
    const createRunner = () => {
      const listeners = new Set<(s: SyncStatus) => void>();
      let status: SyncStatus = { ...INITIAL_SYNC_STATUS, pending: writes.length };
      const publish = (patch: Partial<SyncStatus>) => {
        status = { ...status, ...patch };
        for (const l of listeners) l(status);
      };
      const runner = {
        tab: n,
        kicks: 0,
        start() {},
        kick() {
          runner.kicks += 1;
          publish({ pending: writes.length });
        },
        ackAll() {
          writes.splice(0);
          publish({ pending: 0, lastSyncedAt: 1 });
        },
        setOnline() {},
        setVisible() {},
        setPaused() {},
        setAuthChanged() {},
        subscribe(listener: (s: SyncStatus) => void) {
          listeners.add(listener);
          listener(status);
          return () => listeners.delete(listener);
        },
        async drainOnce() {
          return { remaining: 0 };
        },
        close() {
          publish({ phase: 'closed' });
        },
      };
      runners.push(runner);
      return runner;
    };
    return OutboxService.open({
      dbName: 'db',
      store,
      createRunner,
      auth: { async set() {} },
      locks,
      openChannel,
      now: () => 1,
    });
  }
  return { tab, runners, writes, feeds };
}

describe('OutboxService', () => {
  test('runs one sync loop per database and lets other tabs kick it', async () => {
    const o = origin();
    const a = await o.tab(1);
    const b = await o.tab(2);
    await vi.waitFor(() => expect(o.runners).toHaveLength(1));
    expect(a.isRunner).toBe(true);
    expect(b.isRunner).toBe(false);
    const before = o.runners[0]?.kicks ?? 0;
    await b.put('notes', 'k', { t: 1 });
    await vi.waitFor(() => expect(o.runners[0]?.kicks).toBe(before + 1));
  });

  test("relays the runner's status to subscribers in every tab", async () => {
    const o = origin();
    await o.tab(1);
    const b = await o.tab(2);
    const seen: number[] = [];
    await b.subscribeStatus((s) => seen.push(s.pending));
    await b.put('notes', 'k', { t: 1 });
    await vi.waitFor(() => expect(seen.at(-1)).toBe(1));
    o.runners[0]?.ackAll();
    await vi.waitFor(() => expect(seen.at(-1)).toBe(0));
  });

  test('hands the loop to another tab when the runner closes', async () => {
    const o = origin();
    const a = await o.tab(1);
    const b = await o.tab(2);
    await vi.waitFor(() => expect(a.isRunner).toBe(true));
    await a.close();
    await vi.waitFor(() => expect(b.isRunner).toBe(true));
    expect(o.runners.map((r) => r.tab)).toEqual([1, 2]);
  });

  test('resolves flush and whenSynced in a non-runner tab once the runner acknowledges the writes', async () => {
    const o = origin();
    await o.tab(1);
    const b = await o.tab(2);
    const receipt = await b.put('notes', 'k', { t: 1 });
    let flushed = false;
    const flush = b.flush().then(() => {
      flushed = true;
    });
    const synced = b.whenSynced(receipt.id);
    await vi.waitFor(() => expect(o.runners[0]?.kicks).toBeGreaterThan(0));
    expect(flushed).toBe(false);
    o.runners[0]?.ackAll();
    await Promise.all([flush, synced]);
    expect(o.writes).toHaveLength(0);
  });

  test("delivers the changes one tab commits (the runner's acks included) to watchers in every other tab", async () => {
    const o = origin();
    const a = await o.tab(1);
    const b = await o.tab(2);
    const seenInB: DocChange[] = [];
    await b.watch('notes', (changes) => seenInB.push(...changes));
    const ack: DocChange = {
      collection: 'notes',
      key: 'k',
      op: 'put',
      value: { t: 1 },
      version: 1,
      pendingWrites: 0,
      source: 'remote',
    };
    o.feeds[1]?.emit([ack]);
    await vi.waitFor(() => expect(seenInB).toEqual([ack]));
    // Relayed changes are not passed on again: tab 1 never hears its own change back.
    expect(o.feeds[1]?.relayed).toEqual([]);
    expect(a.isRunner).toBe(true);
  });

  test('posts changes only for collections another tab watches', async () => {
    const o = origin();
    await o.tab(1);
    const b = await o.tab(2);
    await b.watch('notes', () => {});
    await vi.waitFor(() => expect(o.feeds[1]?.elsewhere).toContain('notes'));
    const change = (collection: string): DocChange => ({
      collection,
      key: 'k',
      op: 'put',
      value: 1,
      version: 1,
      pendingWrites: 0,
      source: 'remote',
    });
    o.feeds[1]?.emit([change('prefs'), change('notes')]);
    await vi.waitFor(() => expect(o.feeds[2]?.relayed.map((c) => c.collection)).toEqual(['notes']));
  });

  test('tells the other tabs which collections it watches, newcomers included', async () => {
    const o = origin();
    const a = await o.tab(1);
    await a.watch('notes', () => {});
    await o.tab(2);
    await vi.waitFor(() => expect(o.feeds[2]?.elsewhere).toContain('notes'));
    const c = await o.tab(3);
    await c.watch('prefs', () => {});
    await vi.waitFor(() => expect(o.feeds[1]?.elsewhere).toContain('prefs'));
  });

  test('rejects calls after close with closed', async () => {
    const o = origin();
    const a = await o.tab(1);
    await a.close();
    await expect(a.put('notes', 'k', { t: 1 })).rejects.toSatisfy((e) => isOutboxError(e, 'closed'));
  });
});
