import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { QuarantinedRecord } from '../../protocol/quarantined-record.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { StorageTx } from './outbox-storage.ts';
import {
  metaEntry,
  QUARANTINE_META_KEY,
  type QuarantineEntry,
  type QuarantineStamp,
  quarantinedCount,
  quarantinedList,
  toRecord,
} from './quarantine.ts';

/** Everything a memory database holds. Records are stored as private copies. */
export interface MemoryState {
  /** collection → key → document. */
  readonly docs: Map<string, Map<string, StoredDoc>>;
  readonly writes: Map<number, PendingWrite>;
  /** Index `by-id` (unique): write id → seq. */
  readonly writeIds: Map<string, number>;
  /** Index `by-doc`: collection \u0000 key → seqs. */
  readonly writesByDoc: Map<string, Set<number>>;
  /** Index `by-collection`: collection → seqs. */
  readonly writesByCollection: Map<string, Set<number>>;
  readonly deadLetters: Map<string, DeadLetter>;
  readonly conflicts: Map<string, ConflictRecord>;
  readonly meta: Map<string, unknown>;
  /** Key generator of the outbox: the last seq handed out. Never goes back, like IndexedDB's. */
  lastSeq: number;
}

export function createMemoryState(): MemoryState {
  return {
    docs: new Map(),
    writes: new Map(),
    writeIds: new Map(),
    writesByDoc: new Map(),
    writesByCollection: new Map(),
    deadLetters: new Map(),
    conflicts: new Map(),
    meta: new Map(),
    lastSeq: 0,
  };
}

const docIndexKey = (collection: string, key: string): string => `${collection}\u0000${key}`;
const bySeq = (a: PendingWrite, b: PendingWrite): number => a.seq - b.seq;

/**
 * One memory transaction. Every change is made in place and its inverse pushed on an undo log;
 * `rollback()` replays the log backwards, so a transaction whose function throws leaves nothing.
 * Values go in and come out through `structuredClone`, as with IndexedDB.
 */
export class MemoryStorageTx implements StorageTx {
  readonly #state: MemoryState;
  readonly #undo: (() => void)[] = [];
  readonly #writable: boolean;
  readonly #stamp: QuarantineStamp;
  /** Entries set aside in this transaction, listed when it commits; for a readonly one, by meta key (moved then too). */
  readonly #quarantined = new Map<string, QuarantineEntry>();
  #active = true;

  constructor(state: MemoryState, writable: boolean, stamp: QuarantineStamp) {
    this.#state = state;
    this.#writable = writable;
    this.#stamp = stamp;
  }

  /**
   * The transaction committed: lists what it set aside, and takes the meta values a readonly one
   * found wrong out of meta (a readwrite one did so already, on its undo log). Nothing here can fail.
   */
  commit(): void {
    if (this.#quarantined.size === 0) return;
    const meta = this.#state.meta;
    if (!this.#writable) for (const key of this.#quarantined.keys()) meta.delete(key);
    const list = quarantinedList(meta.get(QUARANTINE_META_KEY), this.#stamp);
    const added = [...this.#quarantined.values()].map((entry) => toRecord(entry, this.#stamp));
    meta.set(QUARANTINE_META_KEY, structuredClone([...list, ...added]));
  }

  /** Ends the transaction; later calls on it fail like calls on a finished IndexedDB transaction. */
  finish(): void {
    this.#active = false;
  }

  /** Undoes every change made in this transaction, newest first. */
  rollback(): void {
    for (let i = this.#undo.length - 1; i >= 0; i--) this.#undo[i]?.();
    this.#undo.length = 0;
  }

  #check(write: boolean): void {
    if (!this.#active) throw new DOMException('The transaction has finished.', 'TransactionInactiveError');
    if (write && !this.#writable) throw new DOMException('The transaction is read-only.', 'ReadOnlyError');
  }

  #set<K, V>(map: Map<K, V>, key: K, value: V): void {
    const had = map.has(key);
    const old = map.get(key);
    this.#undo.push(() => (had ? map.set(key, old as V) : map.delete(key)));
    map.set(key, value);
  }

  #delete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    const old = map.get(key) as V;
    this.#undo.push(() => map.set(key, old));
    map.delete(key);
  }

  #indexAdd(index: Map<string, Set<number>>, key: string, seq: number): void {
    let set = index.get(key);
    if (set === undefined) {
      set = new Set();
      this.#set(index, key, set);
    }
    const target = set;
    target.add(seq);
    this.#undo.push(() => target.delete(seq));
  }

  #indexRemove(index: Map<string, Set<number>>, key: string, seq: number): void {
    const set = index.get(key);
    if (set?.delete(seq)) this.#undo.push(() => set.add(seq));
  }

  async getDoc(collection: string, key: string): Promise<StoredDoc | undefined> {
    this.#check(false);
    const doc = this.#state.docs.get(collection)?.get(key);
    return doc === undefined ? undefined : structuredClone(doc);
  }

  async putDocs(docs: readonly StoredDoc[]): Promise<void> {
    for (const doc of docs) await this.putDoc(doc);
  }

  async appendWrites(writes: readonly Omit<PendingWrite, 'seq'>[]): Promise<number[]> {
    const seqs: number[] = [];
    for (const write of writes) seqs.push(await this.addWrite(write));
    return seqs;
  }

  listWritesForDocs(collection: string, keys: readonly string[]): Promise<PendingWrite[][]> {
    return Promise.all(keys.map((key) => this.listWritesForDoc(collection, key)));
  }

  getDocs(collection: string, keys: readonly string[]): Promise<(StoredDoc | undefined)[]> {
    return Promise.all(keys.map((key) => this.getDoc(collection, key)));
  }

  async putDoc(doc: StoredDoc): Promise<void> {
    this.#check(true);
    const copy = structuredClone(doc);
    let docs = this.#state.docs.get(doc.collection);
    if (docs === undefined) {
      docs = new Map();
      this.#set(this.#state.docs, doc.collection, docs);
    }
    this.#set(docs, doc.key, copy);
  }

  async deleteDoc(collection: string, key: string): Promise<void> {
    this.#check(true);
    const docs = this.#state.docs.get(collection);
    if (docs !== undefined) this.#delete(docs, key);
  }

  async listDocs(collection: string, after: string | undefined, limit: number): Promise<StoredDoc[]> {
    this.#check(false);
    const docs = this.#state.docs.get(collection);
    if (docs === undefined) return [];
    const keys = [...docs.keys()].filter((k) => after === undefined || k > after).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return keys.slice(0, Math.max(0, limit)).map((k) => structuredClone(docs.get(k) as StoredDoc));
  }

  async countDocs(collection: string): Promise<number> {
    this.#check(false);
    return this.#state.docs.get(collection)?.size ?? 0;
  }

  async clearDocs(collection: string): Promise<number> {
    this.#check(true);
    const docs = this.#state.docs.get(collection);
    if (docs === undefined) return 0;
    const count = docs.size;
    for (const key of [...docs.keys()]) this.#delete(docs, key);
    return count;
  }

  async addWrite(write: Omit<PendingWrite, 'seq'>): Promise<number> {
    this.#check(true);
    if (this.#state.writeIds.has(write.id)) {
      throw new DOMException(`A write with id '${write.id}' already exists (index by-id is unique).`, 'ConstraintError');
    }
    // Not rolled back on abort: a seq handed out is never handed out again.
    const seq = ++this.#state.lastSeq;
    this.#insertWrite({ ...structuredClone(write), seq });
    return seq;
  }

  #insertWrite(copy: PendingWrite): void {
    this.#set(this.#state.writes, copy.seq, copy);
    this.#set(this.#state.writeIds, copy.id, copy.seq);
    this.#indexAdd(this.#state.writesByDoc, docIndexKey(copy.collection, copy.key), copy.seq);
    this.#indexAdd(this.#state.writesByCollection, copy.collection, copy.seq);
  }

  async putWrite(write: PendingWrite): Promise<void> {
    this.#check(true);
    const owner = this.#state.writeIds.get(write.id);
    if (owner !== undefined && owner !== write.seq) {
      throw new DOMException(`A write with id '${write.id}' already exists (index by-id is unique).`, 'ConstraintError');
    }
    this.#removeWrite(write.seq);
    this.#insertWrite(structuredClone(write));
    if (write.seq > this.#state.lastSeq) this.#state.lastSeq = write.seq;
  }

  async getWrite(seq: number): Promise<PendingWrite | undefined> {
    this.#check(false);
    const write = this.#state.writes.get(seq);
    return write === undefined ? undefined : structuredClone(write);
  }

  async getWriteById(id: string): Promise<PendingWrite | undefined> {
    this.#check(false);
    const seq = this.#state.writeIds.get(id);
    return seq === undefined ? undefined : structuredClone(this.#state.writes.get(seq));
  }

  async deleteWrite(seq: number): Promise<void> {
    this.#check(true);
    this.#removeWrite(seq);
  }

  #removeWrite(seq: number): void {
    const old = this.#state.writes.get(seq);
    if (old === undefined) return;
    this.#delete(this.#state.writes, seq);
    this.#delete(this.#state.writeIds, old.id);
    this.#indexRemove(this.#state.writesByDoc, docIndexKey(old.collection, old.key), seq);
    this.#indexRemove(this.#state.writesByCollection, old.collection, seq);
  }

  async listWrites(afterSeq: number, limit: number): Promise<PendingWrite[]> {
    this.#check(false);
    const out: PendingWrite[] = [];
    for (const write of this.#state.writes.values()) if (write.seq > afterSeq) out.push(write);
    return out
      .sort(bySeq)
      .slice(0, Math.max(0, limit))
      .map((w) => structuredClone(w));
  }

  async listWritesForDoc(collection: string, key: string): Promise<PendingWrite[]> {
    this.#check(false);
    const seqs = this.#state.writesByDoc.get(docIndexKey(collection, key));
    if (seqs === undefined) return [];
    return [...seqs].sort((a, b) => a - b).map((seq) => structuredClone(this.#state.writes.get(seq) as PendingWrite));
  }

  async countWrites(collection?: string): Promise<number> {
    this.#check(false);
    if (collection === undefined) return this.#state.writes.size;
    return this.#state.writesByCollection.get(collection)?.size ?? 0;
  }

  async putDeadLetter(letter: DeadLetter): Promise<void> {
    this.#check(true);
    this.#set(this.#state.deadLetters, letter.id, structuredClone(letter));
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    this.#check(false);
    const letter = this.#state.deadLetters.get(id);
    return letter === undefined ? undefined : structuredClone(letter);
  }

  async deleteDeadLetter(id: string): Promise<void> {
    this.#check(true);
    this.#delete(this.#state.deadLetters, id);
  }

  async listDeadLetters(): Promise<DeadLetter[]> {
    this.#check(false);
    // Same order as the IndexedDB index by-deadAt: deadAt, then primary key.
    return [...this.#state.deadLetters.values()]
      .sort((a, b) => a.deadAt - b.deadAt || compareStrings(a.id, b.id))
      .map((l) => structuredClone(l));
  }

  async countDeadLetters(): Promise<number> {
    this.#check(false);
    return this.#state.deadLetters.size;
  }

  async putConflict(conflict: ConflictRecord): Promise<void> {
    this.#check(true);
    this.#set(this.#state.conflicts, conflict.id, structuredClone(conflict));
  }

  async deleteConflict(id: string): Promise<void> {
    this.#check(true);
    this.#delete(this.#state.conflicts, id);
  }

  async listConflicts(): Promise<ConflictRecord[]> {
    this.#check(false);
    return [...this.#state.conflicts.values()]
      .sort((a, b) => a.at - b.at || compareStrings(a.id, b.id))
      .map((c) => structuredClone(c));
  }

  async countConflicts(): Promise<number> {
    this.#check(false);
    return this.#state.conflicts.size;
  }

  async getMeta<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined> {
    this.#check(false);
    const raw = this.#state.meta.get(key);
    if (raw === undefined || isValid === undefined || isValid(raw)) return structuredClone(raw) as T | undefined;
    const entryKey = this.#writable ? `${this.#quarantined.size}` : key;
    this.#quarantined.set(entryKey, metaEntry(key, structuredClone(raw)));
    if (this.#writable) this.#delete(this.#state.meta, key);
    return undefined;
  }

  async quarantine(entry: QuarantineEntry): Promise<void> {
    this.#check(true);
    this.#quarantined.set(`${this.#quarantined.size}`, structuredClone(entry));
  }

  async listQuarantined(): Promise<QuarantinedRecord[]> {
    this.#check(false);
    return structuredClone(quarantinedList(this.#state.meta.get(QUARANTINE_META_KEY), this.#stamp));
  }

  async countQuarantined(): Promise<number> {
    this.#check(false);
    return quarantinedCount(this.#state.meta.get(QUARANTINE_META_KEY));
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    this.#check(true);
    this.#set(this.#state.meta, key, structuredClone(value));
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
