import type { ClientId, WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { WriteReceipt } from '../../protocol/outbox-api.ts';
import type { PendingWrite, WriteOp } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from '../docs/define-collection.ts';
import { measureValue } from '../docs/validate-write.ts';
import { ByDoc } from '../storage/by-doc.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import { findReplayed } from './find-replayed.ts';

/** One validated put or delete, ready to join a group. */
export interface WriteRequest {
  readonly collection: Collection;
  readonly key: string;
  readonly op: WriteOp;
  /** The parsed value for a put; undefined for a delete. */
  readonly value: JsonValue | undefined;
  /** Bytes of the JSON-encoded value (0 for a delete); undefined until the group measures it against the collection's limit. */
  readonly size: number | undefined;
  readonly id: WriteId;
  readonly createdAt: number;
  /** A write replayed from a page's journal: skipped if it already landed (see `findReplayed`). */
  readonly replay?: boolean | undefined;
}

/** A write the group left out, alone (`too-large`, or a value that is not JSON): nothing of it was written. */
export interface RejectedWrite {
  readonly rejected: unknown;
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
  /** Whether its earlier unsent writes were looked up yet (coalescing collections, by the first slice that meets it). */
  listed: boolean;
  /** Earlier pending writes that were never sent, so a coalescing write may replace them. */
  replaceable: readonly PendingWrite[];
  /** The latest write of this group to this document (coalescing collections only). */
  previous: { readonly slot: Slot; readonly id: WriteId; readonly base: number | null } | undefined;
}

/** Whether a pending write has never been handed to a push (no lease, no attempt): only those may be replaced. */
export function isUnsent(write: PendingWrite): boolean {
  return write.leaseUntil === null && write.attempts === 0;
}

/** No writes (shared: most documents of a group have none to replace). */
const NO_WRITES: readonly PendingWrite[] = Object.freeze([]);

/** Most writes worked out and issued at a time: IndexedDB stores one slice while the next is worked out. */
export const SLICE_WRITES = 1024;
/** The first slice: small, so IndexedDB gets its first writes soon; each next slice doubles up to {@link SLICE_WRITES}. */
const FIRST_SLICE = 128;

/**
 * Applies a group of writes inside one readwrite transaction: each writes (or removes) its
 * document and appends a pending write, with the same outcome as applying them one by one.
 *
 * Built for a group to cost about one request per write, and for IndexedDB never to wait on
 * the library: the documents of the whole group are read together per collection (`getDocs`) up
 * front; the group is then worked out in slices (growing to {@link SLICE_WRITES}), and each slice's pending
 * writes are appended (`appendWrites`) and its documents written (`putDocs`) before the next slice
 * is worked out, so the database stores one slice while the library prepares the next. A document
 * is written once per slice, as the slice left it.
 *
 * A coalescing write keeps the id of the first write it replaces: those writes never reached the
 * server, so the id is still unused there, and every caller's `whenSynced(id)` follows the one
 * write that now carries the document. A write replaced within its slice is never appended; one
 * replaced from an earlier slice, or stored before, is deleted before the slice's appends, so an
 * id is never held twice. A receipt names the write that carries its write in the end.
 *
 * A put's size is measured here, slice by slice, so that work overlaps IndexedDB's too: a value
 * over its collection's limit (`too-large`) is left out alone, as if it had never been submitted,
 * and its neighbours go ahead.
 *
 * A write replayed from a page's journal that already landed ({@link findReplayed}) is not
 * applied again: it answers with the receipt of the write that carries it.
 *
 * Returns one receipt per request, in order, or the {@link RejectedWrite} that left it out.
 */
export async function enqueueWrites(
  tx: StorageTx,
  clientId: ClientId,
  requests: readonly WriteRequest[],
  sliceWrites = SLICE_WRITES,
): Promise<(WriteReceipt | RejectedWrite)[]> {
  // Replays that already landed answer with the write that carries them; only the rest are applied.
  const landed = await findReplayed(tx, requests);
  if (landed === undefined) return enqueueFresh(tx, clientId, requests, sliceWrites);
  const results = await enqueueFresh(
    tx,
    clientId,
    requests.filter((_, i) => !landed.has(i)),
    sliceWrites,
  );
  let next = 0;
  return requests.map((_, i) => landed.get(i) ?? (results[next++] as WriteReceipt | RejectedWrite));
}

async function enqueueFresh(
  tx: StorageTx,
  clientId: ClientId,
  requests: readonly WriteRequest[],
  sliceWrites: number,
): Promise<(WriteReceipt | RejectedWrite)[]> {
  const stateAt = await readDocStates(tx, requests);
  const rejected: (RejectedWrite | undefined)[] = [];
  /** The seq of every write appended so far, by its place in the group's appends. */
  const seqAt: number[] = [];
  const planned: { readonly slot: Slot; readonly id: WriteId; readonly coalesced: boolean }[] = [];
  const docWrites: Promise<unknown>[] = [];
  for (
    let from = 0, size = Math.min(FIRST_SLICE, sliceWrites);
    from < requests.length;
    from += size, size = Math.min(size * 2, sliceWrites)
  ) {
    const slice = requests.slice(from, from + size);
    await listReplaceable(tx, stateAt.slice(from, from + size));
    const first = seqAt.length;
    const stale: number[] = [];
    const appends: (Omit<PendingWrite, 'seq'> | undefined)[] = [];
    const touched = new Set<DocState>();
    for (const [j, request] of slice.entries()) {
      const { collection, key, op, value } = request;
      let size = request.size;
      if (size === undefined) {
        try {
          size = measureValue(collection, key, value as JsonValue);
        } catch (error) {
          rejected[from + j] = { rejected: error };
          continue;
        }
      }
      const state = stateAt[from + j] as DocState;
      let baseVersion = state.doc?.version ?? null;
      let id = request.id;
      let slot: Slot = { at: first + appends.length };
      let replaced = 0;
      if (collection.coalesce) {
        // The replaced writes never reached the server, so the new one is based on what the first of them was.
        const earliest = state.replaceable[0] ?? state.previous;
        if (earliest !== undefined) {
          baseVersion = 'base' in earliest ? earliest.base : earliest.baseVersion;
          id = earliest.id;
        }
        for (const write of state.replaceable) stale.push(write.seq);
        replaced = state.replaceable.length;
        state.replaceable = NO_WRITES;
        if (state.previous !== undefined) {
          slot = state.previous.slot;
          // Appended by an earlier slice: delete it as stored; else drop it from this slice's appends.
          if (slot.at < first) stale.push(seqAt[slot.at] as number);
          else appends[slot.at - first] = undefined;
          slot.at = first + appends.length;
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
      touched.add(state);
      appends.push(toPendingWrite(request, id, size, clientId, baseVersion));
      planned[from + j] = { slot, id, coalesced: replaced > 0 };
    }
    if (stale.length > 0) await Promise.all(stale.map((seq) => tx.deleteWrite(seq)));
    const kept: Omit<PendingWrite, 'seq'>[] = [];
    const keptAt: number[] = [];
    for (const [i, write] of appends.entries()) {
      if (write === undefined) continue;
      keptAt.push(first + i);
      kept.push(write);
    }
    // Appended first: a document put with the very value of its pending write is then stored once (see the IndexedDB storage).
    const seqs = await tx.appendWrites(kept);
    for (const [i, at] of keptAt.entries()) seqAt[at] = seqs[i] as number;
    // Holes where a write was replaced within the slice: keeps seqAt's length equal to the appends so far.
    seqAt.length = first + appends.length;
    const puts: StoredDoc[] = [];
    for (const state of touched) {
      if (state.doc !== undefined) puts.push(state.doc);
      else docWrites.push(observed(tx.deleteDoc(state.collection.name, state.key)));
    }
    docWrites.push(observed(tx.putDocs(puts)));
  }
  await Promise.all(docWrites);
  return requests.map((_, i) => {
    const plan = planned[i];
    if (plan === undefined) return rejected[i] as RejectedWrite;
    return { id: plan.id, seq: seqAt[plan.slot.at] as number, coalesced: plan.coalesced };
  });
}

/**
 * `request`, observed at once: a slice's document writes are awaited only after later slices ran, and
 * a failure meanwhile must not surface as an unhandled rejection (the final await still sees it).
 */
function observed<T>(request: Promise<T>): Promise<T> {
  request.catch(() => {});
  return request;
}

/**
 * The state of each request's document, by the request's place in the group (requests to one
 * document share one): its stored document, read together per collection for the whole group.
 */
async function readDocStates(tx: StorageTx, requests: readonly WriteRequest[]): Promise<DocState[]> {
  const states = new ByDoc<DocState>();
  const stateAt: DocState[] = new Array(requests.length);
  const byCollection = new Map<string, string[]>();
  for (const [i, { collection, key }] of requests.entries()) {
    let state = states.get(collection.name, key);
    if (state === undefined) {
      state = { collection, key, doc: undefined, listed: false, replaceable: NO_WRITES, previous: undefined };
      states.set(collection.name, key, state);
      const keys = byCollection.get(collection.name);
      if (keys === undefined) byCollection.set(collection.name, [key]);
      else keys.push(key);
    }
    stateAt[i] = state;
  }
  await Promise.all(
    [...byCollection].map(async ([collection, keys]) => {
      for (const doc of await tx.getDocs(collection, keys)) {
        if (doc !== undefined) (states.get(collection, doc.key) as DocState).doc = doc;
      }
    }),
  );
  return stateAt;
}

/** Looks up, for the documents of coalescing collections met for the first time, their earlier writes that were never sent. */
async function listReplaceable(tx: StorageTx, states: readonly DocState[]): Promise<void> {
  const unlisted = new Map<Collection, DocState[]>();
  for (const state of states) {
    if (state.listed || !state.collection.coalesce) continue;
    state.listed = true;
    const list = unlisted.get(state.collection);
    if (list === undefined) unlisted.set(state.collection, [state]);
    else list.push(state);
  }
  await Promise.all(
    [...unlisted].map(async ([collection, list]) => {
      const writes = await tx.listWritesForDocs(
        collection.name,
        list.map((state) => state.key),
      );
      for (const [i, state] of list.entries()) {
        const found = writes[i] as PendingWrite[];
        if (found.length > 0) state.replaceable = found.filter(isUnsent);
      }
    }),
  );
}

function toPendingWrite(
  request: WriteRequest,
  id: WriteId,
  size: number,
  clientId: ClientId,
  baseVersion: number | null,
): Omit<PendingWrite, 'seq'> {
  const { collection, key, op, createdAt } = request;
  const write: Omit<PendingWrite, 'seq'> = {
    v: 1,
    id,
    clientId,
    collection: collection.name,
    key,
    op,
    baseVersion,
    createdAt,
    size,
    attempts: 0,
    leaseUntil: null,
    firstFailedAt: null,
    lastError: null,
  };
  // A delete carries no value at all (not `value: undefined`), so the stored record stays plain.
  if (op === 'put') write.value = request.value as JsonValue;
  return write;
}
