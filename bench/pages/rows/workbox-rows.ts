import { Queue } from 'workbox-background-sync';
import type { RowRunner } from '../bench-types.ts';
import { committed } from './raw-idb.ts';
import { makeRecord, timed } from './record.ts';

/**
 * Workbox's Queue is written for a service worker: its constructor reads `self.registration`.
 * In a page, give it an empty registration, force the no-Background-Sync fallback, and a no-op
 * onSync so construction does not start a replay by itself; the rows call replayRequests() when they mean to.
 */
function newQueue(name: string): Queue {
  const scope = globalThis as unknown as { registration?: object };
  scope.registration ??= {};
  return new Queue(name, { forceSyncFallback: true, onSync: async () => {} });
}

/** A push request carrying exactly one write, the way an app using Workbox would send each write. */
export function oneWriteRequest(url: string, clientId: string, i: number): Request {
  const write = {
    seq: i + 1,
    id: (i + 1).toString(16).padStart(32, '0'),
    collection: 'items',
    key: `item-${i}`,
    op: 'put',
    value: makeRecord(i),
    baseVersion: null,
    writtenAt: 1_700_000_000_000 + i,
  };
  const body = JSON.stringify({ protocol: 1, clientId, writes: [write] });
  return new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/** Empties Workbox's shared request store so later runs start from the same state. */
async function clearWorkboxStore(): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('workbox-background-sync');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const tx = db.transaction('requests', 'readwrite');
  tx.objectStore('requests').clear();
  await committed(tx);
  db.close();
}

/** The run's client id: the harness ends every run id with 32 random hex digits (what the protocol wants). */
export const benchClientId = (runId: string): string => runId.slice(-32);

/** workbox-background-sync `Queue.pushRequest`, awaited one by one (as its docs show). */
export const workboxPushRequest: RowRunner = async (n, { runId }) => {
  const queue = newQueue(`push-${runId}`);
  const url = new URL('/v1/push', location.href).href;
  const clientId = benchClientId(runId);
  const outcome = await timed(n, async () => {
    for (let i = 0; i < n; i++) await queue.pushRequest({ request: oneWriteRequest(url, clientId, i) });
  });
  const stored = await queue.size();
  if (stored !== n) throw new Error(`Workbox queued ${stored} of ${n}`);
  await clearWorkboxStore();
  return outcome;
};

/** Drain: N requests queued with pushRequest (untimed), then `replayRequests()` to the bench server (timed). */
export const workboxReplay: RowRunner = async (n, { runId, serverOrigin }) => {
  const queue = newQueue(`replay-${runId}`);
  const origin = serverOrigin ?? location.origin;
  const clientId = benchClientId(runId);
  for (let i = 0; i < n; i++) await queue.pushRequest({ request: oneWriteRequest(`${origin}/v1/push`, clientId, i) });
  const outcome = await timed(n, () => queue.replayRequests());
  const left = await queue.size();
  const received = await receivedBy(origin, clientId);
  if (left !== 0 || received !== n) throw new Error(`Workbox replay left ${left}, server received ${received} of ${n}`);
  return outcome;
};

/** How many writes the bench server has acknowledged for one client. */
export async function receivedBy(origin: string, clientId: string): Promise<number> {
  const res = await fetch(`${origin}/bench/received?client=${clientId}`);
  const body = (await res.json()) as { received: number };
  return body.received;
}
