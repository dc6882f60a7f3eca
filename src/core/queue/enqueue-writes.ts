import type { ClientId, WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { DocChange, WriteReceipt } from '../../protocol/outbox-api.ts';
import type { PendingWrite, WriteOp } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from '../docs/define-collection.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';

/** One validated put or delete, ready to join a group. */
export interface WriteRequest {
  readonly collection: Collection;
  readonly key: string;
  readonly op: WriteOp;
  /** The parsed value for a put; undefined for a delete. */
  readonly value: JsonValue | undefined;
  /** Bytes of the JSON-encoded value (0 for a delete). */
  readonly size: number;
  readonly id: WriteId;
  readonly createdAt: number;
}

/** What one enqueued write produced. */
export interface EnqueuedWrite {
  readonly receipt: WriteReceipt;
  readonly change: DocChange;
}

/** Where a document's latest write of this group sits; every write of a coalesced chain shares one. */
interface Slot {
  at: number;
}

/** What the transaction knows about one document while it applies a group. */
interface DocState {
  readonly collection: Collection;
  readonly key: string;
  doc: StoredDoc | undefined;
  /** Whether this group changed the document (it is written once, as the group left it). */
  changed: boolean;
  /** Earlier pending writes that were never sent, so a coalescing write may replace them. */
  replaceable: PendingWrite[];
  /** The latest write of this group to this document (coalescing collections only). */
  previous: { readonly slot: Slot; readonly id: WriteId; readonly base: number | null } | undefined;
}

const docKey = (collection: string, key: string): string => `${collection}\u0000${key}`;

/** Whether a pending write has never been handed to a push (no lease, no attempt): only those may be replaced. */
export function isUnsent(write: PendingWrite): boolean {
  return write.leaseUntil === null && write.attempts === 0;
}

/**
 * Applies a group of writes inside one readwrite transaction: each writes (or removes) its
 * document and appends a pending write, with the same outcome as applying them one by one.
 *
 * Built for a group to cost about one request per write: the documents and their pending writes
 * are read together per collection (`getDocs`, `listWritesForDocs`), the group is then worked out in memory, and each document is written
 * once, as the group left it (`putDocs`), and the pending writes appended together
 * (`appendWrites`), in the order the writes came.
 *
 * A coalescing write keeps the id of the first write it replaces: those writes never reached the
 * server, so the id is still unused there, and every caller's `whenSynced(id)` follows the one
 * write that now carries the document. A write replaced within the group is never appended; its
 * receipt names the write that carries it. Replaced stored writes are deleted before the appends,
 * so an id is never held twice.
 */
export async function enqueueWrites(
  tx: StorageTx,
  clientId: ClientId,
  requests: readonly WriteRequest[],
): Promise<EnqueuedWrite[]> {
  const states = await readDocStates(tx, requests);
  const stale: number[] = [];
  const appends: (Omit<PendingWrite, 'seq'> | undefined)[] = [];
  const planned: { readonly slot: Slot; readonly id: WriteId; readonly coalesced: boolean }[] = [];
  for (const request of requests) {
    const { collection, key, op, value } = request;
    const state = states.get(docKey(collection.name, key)) as DocState;
    let baseVersion = state.doc?.version ?? null;
    let id = request.id;
    let slot: Slot = { at: appends.length };
    let replaced = 0;
    if (collection.coalesce) {
      // The replaced writes never reached the server, so the new one is based on what the first of them was.
      const first = state.replaceable[0] ?? state.previous;
      if (first !== undefined) {
        baseVersion = 'base' in first ? first.base : first.baseVersion;
        id = first.id;
      }
      for (const write of state.replaceable) stale.push(write.seq);
      replaced = state.replaceable.length;
      state.replaceable = [];
      if (state.previous !== undefined) {
        appends[state.previous.slot.at] = undefined;
        slot = state.previous.slot;
        slot.at = appends.length;
        replaced += 1;
      }
      state.previous = { slot, id, base: baseVersion };
    }
    state.doc =
      op === 'put'
        ? {
            collection: collection.name,
            key,
            value: value as JsonValue,
            version: state.doc?.version ?? null,
            schemaVersion: collection.version,
            updatedAt: request.createdAt,
          }
        : undefined;
    state.changed = true;
    appends.push(toPendingWrite({ ...request, id }, clientId, baseVersion));
    planned.push({ slot, id, coalesced: replaced > 0 });
  }
  if (stale.length > 0) await Promise.all(stale.map((seq) => tx.deleteWrite(seq)));
  const puts: StoredDoc[] = [];
  const removals: Promise<void>[] = [];
  for (const state of states.values()) {
    if (!state.changed) continue;
    if (state.doc !== undefined) puts.push(state.doc);
    else removals.push(tx.deleteDoc(state.collection.name, state.key));
  }
  const kept: Omit<PendingWrite, 'seq'>[] = [];
  const keptAt: number[] = new Array(appends.length);
  for (const [i, write] of appends.entries()) {
    if (write === undefined) continue;
    keptAt[i] = kept.length;
    kept.push(write);
  }
  // Appended first: a document put with the very value of its pending write is then stored once (see the IndexedDB storage).
  const seqs = await tx.appendWrites(kept);
  await Promise.all([tx.putDocs(puts), ...removals]);
  return requests.map((request, i) => {
    const plan = planned[i] as (typeof planned)[number];
    const seq = seqs[keptAt[plan.slot.at] as number] as number;
    const receipt: WriteReceipt = { id: plan.id, seq, coalesced: plan.coalesced };
    const change: DocChange = {
      collection: request.collection.name,
      key: request.key,
      op: request.op,
      value: request.value,
      source: 'local',
    };
    return { receipt, change };
  });
}

async function readDocStates(tx: StorageTx, requests: readonly WriteRequest[]): Promise<Map<string, DocState>> {
  const states = new Map<string, DocState>();
  const byCollection = new Map<Collection, string[]>();
  const reads: Promise<void>[] = [];
  for (const { collection, key } of requests) {
    const id = docKey(collection.name, key);
    if (states.has(id)) continue;
    const state: DocState = { collection, key, doc: undefined, changed: false, replaceable: [], previous: undefined };
    states.set(id, state);
    const keys = byCollection.get(collection);
    if (keys === undefined) byCollection.set(collection, [key]);
    else keys.push(key);
  }
  for (const [collection, keys] of byCollection) {
    const stateOf = (key: string) => states.get(docKey(collection.name, key)) as DocState;
    reads.push(
      tx.getDocs(collection.name, keys).then((docs) => {
        for (const [i, key] of keys.entries()) stateOf(key).doc = docs[i];
      }),
    );
    if (collection.coalesce) {
      reads.push(
        tx.listWritesForDocs(collection.name, keys).then((lists) => {
          for (const [i, key] of keys.entries()) stateOf(key).replaceable = (lists[i] as PendingWrite[]).filter(isUnsent);
        }),
      );
    }
  }
  await Promise.all(reads);
  return states;
}

function toPendingWrite(request: WriteRequest, clientId: ClientId, baseVersion: number | null): Omit<PendingWrite, 'seq'> {
  const write: Omit<PendingWrite, 'seq'> = {
    v: 1,
    id: request.id,
    clientId,
    collection: request.collection.name,
    key: request.key,
    op: request.op,
    baseVersion,
    createdAt: request.createdAt,
    size: request.size,
    attempts: 0,
    leaseUntil: null,
    firstFailedAt: null,
    lastError: null,
  };
  // A delete carries no value at all (not `value: undefined`), so the stored record stays plain.
  return request.op === 'put' ? { ...write, value: request.value as JsonValue } : write;
}
