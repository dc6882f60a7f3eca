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

/** What the transaction knows about one document while it applies a group. */
interface DocState {
  doc: StoredDoc | undefined;
  /** Earlier pending writes that were never sent, so a coalescing write may replace them. */
  replaceable: PendingWrite[];
  /** The previous write to this document in this group, once it has its seq. */
  previous: { readonly seq: number; readonly id: WriteId; readonly base: number | null } | undefined;
  /** Writes to one document run one after another within the group (different documents stay pipelined). */
  tail: Promise<unknown>;
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
 * The requests are pipelined rather than awaited one at a time (a round trip per request would
 * cap throughput): first the documents, read together per collection (`getDocs`), plus, for
 * coalescing collections, the pending writes of each distinct document; then two puts per write.
 */
export async function enqueueWrites(
  tx: StorageTx,
  clientId: ClientId,
  requests: readonly WriteRequest[],
): Promise<EnqueuedWrite[]> {
  const states = await readDocStates(tx, requests);
  return Promise.all(
    requests.map((request) => {
      const state = states.get(docKey(request.collection.name, request.key));
      if (state === undefined) throw new Error('enqueueWrites: document state missing (bug)');
      // Only tx requests are awaited along this chain, so the transaction stays active.
      const applied = state.tail.then(() => applyWrite(tx, clientId, request, state));
      state.tail = applied.catch(() => undefined);
      return applied;
    }),
  );
}

async function readDocStates(tx: StorageTx, requests: readonly WriteRequest[]): Promise<Map<string, DocState>> {
  const states = new Map<string, DocState>();
  const byCollection = new Map<Collection, string[]>();
  const reads: Promise<void>[] = [];
  for (const { collection, key } of requests) {
    const id = docKey(collection.name, key);
    if (states.has(id)) continue;
    const state: DocState = { doc: undefined, replaceable: [], previous: undefined, tail: Promise.resolve() };
    states.set(id, state);
    const keys = byCollection.get(collection);
    if (keys === undefined) byCollection.set(collection, [key]);
    else keys.push(key);
    if (collection.coalesce) {
      reads.push(
        tx.listWritesForDoc(collection.name, key).then((writes) => {
          state.replaceable = writes.filter(isUnsent);
        }),
      );
    }
  }
  for (const [collection, keys] of byCollection) {
    reads.push(
      tx.getDocs(collection.name, keys).then((docs) => {
        for (const [i, key] of keys.entries()) (states.get(docKey(collection.name, key)) as DocState).doc = docs[i];
      }),
    );
  }
  await Promise.all(reads);
  return states;
}

/**
 * Issues this write's requests without waiting in between; resolves when its pending write has a seq.
 *
 * A coalescing write keeps the id of the first write it replaces: those writes never reached the
 * server, so the id is still unused there, and every caller's `whenSynced(id)` follows the one
 * write that now carries the document. Deletes are issued before the add, so the unique id index
 * never sees the id twice.
 */
async function applyWrite(tx: StorageTx, clientId: ClientId, request: WriteRequest, state: DocState): Promise<EnqueuedWrite> {
  const { collection, key, op, value } = request;
  const pending: Promise<unknown>[] = [];
  let replaced = 0;
  let baseVersion = state.doc?.version ?? null;
  let id = request.id;
  if (collection.coalesce) {
    // The replaced writes never reached the server, so the new one is based on what the first of them was.
    const first = state.replaceable[0] ?? state.previous;
    if (first !== undefined) {
      baseVersion = 'base' in first ? first.base : first.baseVersion;
      id = first.id;
    }
    for (const write of state.replaceable) pending.push(tx.deleteWrite(write.seq));
    replaced = state.replaceable.length;
    state.replaceable = [];
    if (state.previous !== undefined) {
      pending.push(tx.deleteWrite(state.previous.seq));
      replaced += 1;
    }
  }
  if (op === 'put') {
    const doc: StoredDoc = {
      collection: collection.name,
      key,
      value: value as JsonValue,
      version: state.doc?.version ?? null,
      schemaVersion: collection.version,
      updatedAt: request.createdAt,
    };
    pending.push(tx.putDoc(doc));
    state.doc = doc;
  } else {
    pending.push(tx.deleteDoc(collection.name, key));
    state.doc = undefined;
  }
  const seq = tx.addWrite(toPendingWrite({ ...request, id }, clientId, baseVersion));
  // One Promise.all over every request, so a failing one never leaves another rejection unobserved.
  const [newSeq] = await Promise.all([seq, ...pending]);
  state.previous = { seq: newSeq, id, base: baseVersion };
  const receipt: WriteReceipt = { id, seq: newSeq, coalesced: replaced > 0 };
  const change: DocChange = { collection: collection.name, key, op, value, source: 'local' };
  return { receipt, change };
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
