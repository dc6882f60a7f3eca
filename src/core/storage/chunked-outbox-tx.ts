import type { PendingWrite } from '../../protocol/pending-write.ts';
import {
  CHUNK_BYTES,
  CHUNK_WRITES,
  estimatedBytes,
  isOutboxState,
  type OutboxChunk,
  type OutboxState,
  positionIn,
} from './outbox-chunk.ts';
import { type Held, HeldChunks } from './held-chunks.ts';
import { docHash, hash, IndexChanges, type IndexKeeper, PendingWriteIndex } from './pending-write-index.ts';
import { fromStoredWrite, type StoredWrite, toStoredWrite } from './stored-write.ts';

/** The requests the chunked outbox makes of one IndexedDB transaction (structural, so this file needs no `idb`). */
export interface ChunkRequests {
  /** The stored chunk with the largest `firstSeq` at or below `seq`. */
  owner(seq: number): Promise<OutboxChunk | undefined>;
  /** Stored chunks with `firstSeq` > `after`, in order, at most `count`. */
  after(after: number, count: number): Promise<OutboxChunk[]>;
  put(chunk: OutboxChunk): Promise<unknown>;
  delete(firstSeq: number): Promise<unknown>;
  getState(): Promise<unknown>;
  putState(state: OutboxState): Promise<unknown>;
}

/** Told when a stored write is replaced (`after`) or removed (`after` undefined). */
export type WriteChanged = (before: StoredWrite, after: StoredWrite | undefined) => void;

/** Told of each write appended, as stored (with its new seq). */
export type WriteAppended = (record: StoredWrite) => void;

interface Ready {
  readonly base: OutboxState;
  readonly index: PendingWriteIndex;
}

const NO_SEQS: readonly number[] = Object.freeze([]);

const readOnlyError = (): DOMException =>
  new DOMException('The transaction is read-only: the outbox cannot be changed in it.', 'ReadOnlyError');

/**
 * The outbox side of one transaction over the chunked `outbox` store (see outbox-chunk.ts).
 *
 * Chunks read or changed here are held in memory and written back once, when the transaction
 * finishes ({@link finish}); appended writes fill new chunks. Seqs come from the outbox state in
 * meta. Lookups by id and by document go through the connection's {@link PendingWriteIndex},
 * checked against the state's token first (see {@link IndexKeeper}), plus this transaction's own
 * changes. Each method behaves as the {@link import('./outbox-storage.ts').StorageTx} contract says.
 */
export class ChunkedOutboxTx {
  readonly #io: ChunkRequests;
  readonly #keeper: IndexKeeper;
  readonly #writable: boolean;
  readonly #newToken: () => string;
  #ready: Promise<Ready> | undefined;
  /** The shared index, once {@link #load} has checked it. */
  #index: PendingWriteIndex | undefined;
  #nextSeq = 0;
  readonly #chunks: HeldChunks;
  readonly #changes = new IndexChanges();
  readonly #counted: (change: number) => void;
  readonly #changed: WriteChanged;
  readonly #appended: WriteAppended;
  #commit: { readonly base: string; readonly token: string } | undefined;
  /** Puts of created chunks issued as soon as they filled up, awaited by {@link finish}. */
  readonly #early: Promise<unknown>[] = [];

  /**
   * @param counted called with +1 / -1 as writes are added or removed, for the stored counts.
   * @param newToken a fresh random token for the outbox state.
   * @param changed called as a stored write is replaced or removed (doc-value-links.ts).
   * @param appended called with each appended write as stored (doc-value-links.ts).
   */
  constructor(
    io: ChunkRequests,
    keeper: IndexKeeper,
    writable: boolean,
    counted: (change: number) => void,
    newToken: () => string,
    changed: WriteChanged = () => {},
    appended: WriteAppended = () => {},
  ) {
    this.#changed = changed;
    this.#appended = appended;
    this.#io = io;
    this.#counted = counted;
    this.#keeper = keeper;
    this.#writable = writable;
    this.#newToken = newToken;
    this.#chunks = new HeldChunks((seq) => io.owner(seq), writable);
  }

  async addWrite(write: Omit<PendingWrite, 'seq'>): Promise<number> {
    const [seq] = await this.appendWrites([write]);
    return seq as number;
  }

  /** Appends writes in order: seqs from the outbox state, into chunks created by this transaction. */
  async appendWrites(writes: readonly Omit<PendingWrite, 'seq'>[]): Promise<number[]> {
    if (!this.#writable) throw readOnlyError();
    await this.#load();
    const seqs: number[] = new Array(writes.length);
    const checks: Promise<void>[] = [];
    for (const [i, write] of writes.entries()) {
      const seq = this.#nextSeq++;
      const bytes = estimatedBytes(write);
      let tail = this.#chunks.created.at(-1);
      // A write that would take the chunk over its byte budget starts the next one.
      if (tail !== undefined && !tail.full && (tail.bytes ?? 0) + bytes > CHUNK_BYTES) this.#putEarly(tail);
      if (tail === undefined || tail.full) tail = this.#chunks.create(seq, write.clientId);
      const record = toStoredWrite(write, seq, tail.chunk.clientId);
      tail.chunk.writes.push(record);
      tail.hi = seq;
      tail.bytes = (tail.bytes ?? 0) + bytes;
      if (tail.chunk.writes.length >= CHUNK_WRITES || tail.bytes >= CHUNK_BYTES) this.#putEarly(tail);
      seqs[i] = seq;
      // Ids are unique: another write may only share this one's id hash, which a read settles.
      const idHash = hash(record.id);
      const others = this.#candidatesByHash('id', idHash);
      this.#changes.add(record, idHash);
      this.#appended(record);
      if (others.length > 0 && (others.length > 1 || others[0] !== seq)) {
        checks.push(this.#refuseDuplicate(record, others));
      }
    }
    this.#counted(writes.length);
    await Promise.all(checks);
    return seqs;
  }

  /**
   * Stores a chunk that just filled up at once, so IndexedDB writes it while the rest of the group
   * is worked out instead of after it; appends go to a new chunk. A later change in this
   * transaction marks it dirty again.
   */
  #putEarly(held: Held): void {
    const put = this.#io.put(held.chunk);
    put.catch(() => {});
    this.#early.push(put);
    held.dirty = false;
    held.full = true;
  }

  async #refuseDuplicate(record: StoredWrite, candidates: readonly number[]): Promise<void> {
    const others = candidates.filter((seq) => seq !== record.seq);
    const found = await this.#find(Promise.resolve(others), (w) => w.id === record.id && w.seq !== record.seq);
    if (found.length > 0) throw new DOMException(`A pending write with id ${record.id} already exists.`, 'ConstraintError');
  }

  async putWrite(write: PendingWrite): Promise<void> {
    if (!this.#writable) throw readOnlyError();
    await this.#load();
    const found = await this.#chunks.owner(write.seq);
    // Through #live either way: a chunk dropped while clean would otherwise be changed and never written back.
    const held = this.#chunks.live(found ?? this.#chunks.holdFresh(write.seq, write.clientId));
    const record = toStoredWrite(write, write.seq, held.chunk.clientId);
    const { at, found: exists } = positionIn(held.chunk, write.seq);
    if (exists) {
      const before = held.chunk.writes[at] as StoredWrite;
      this.#changes.remove(before);
      held.chunk.writes[at] = record;
      this.#changed(before, record);
    } else {
      held.chunk.writes.splice(at, 0, record);
      this.#counted(1);
    }
    this.#changes.add(record);
    held.hi = Math.max(held.hi, write.seq);
    held.dirty = true;
    this.#nextSeq = Math.max(this.#nextSeq, write.seq + 1);
  }

  async getWrite(seq: number): Promise<PendingWrite | undefined> {
    const held = await this.#chunks.owner(seq);
    if (held === undefined) return undefined;
    const live = this.#chunks.live(held);
    const { at, found } = positionIn(live.chunk, seq);
    return found ? fromStoredWrite(live.chunk.writes[at] as StoredWrite, live.chunk.clientId) : undefined;
  }

  async getWriteById(id: string): Promise<PendingWrite | undefined> {
    const [write] = await this.#find(this.#candidates('id', id), (w) => w.id === id);
    return write;
  }

  async deleteWrite(seq: number): Promise<void> {
    if (!this.#writable) throw readOnlyError();
    await this.#load();
    const held = await this.#chunks.owner(seq);
    if (held === undefined) return;
    const live = this.#chunks.live(held);
    const { at, found } = positionIn(live.chunk, seq);
    if (!found) return;
    const [removed] = live.chunk.writes.splice(at, 1);
    this.#changes.remove(removed as StoredWrite);
    this.#counted(-1);
    live.dirty = true;
    this.#changed(removed as StoredWrite, undefined);
  }

  async listWrites(afterSeq: number, limit: number): Promise<PendingWrite[]> {
    if (limit <= 0) return [];
    await this.#load();
    if (this.#chunks.fresh.length > 0) {
      // Chunks not yet stored sit between stored ones: list everything, then merge (tests and repairs only).
      const all = await this.#listInOrder(afterSeq, Number.POSITIVE_INFINITY);
      for (const { chunk } of this.#chunks.fresh) {
        for (const w of chunk.writes) if (w.seq > afterSeq) all.push(fromStoredWrite(w, chunk.clientId));
      }
      return all.sort((a, b) => a.seq - b.seq).slice(0, limit);
    }
    return this.#listInOrder(afterSeq, limit);
  }

  async #listInOrder(afterSeq: number, limit: number): Promise<PendingWrite[]> {
    const out: PendingWrite[] = [];
    const take = (chunk: OutboxChunk): boolean => {
      for (const write of chunk.writes) {
        if (write.seq <= afterSeq) continue;
        out.push(fromStoredWrite(write, chunk.clientId));
        if (out.length >= limit) return true;
      }
      return false;
    };
    // Chunks that were stored when the transaction began (the one that may start at or below afterSeq,
    // then those after it), then the ones it created, which sort after them all (and may be stored by now).
    const createdFrom = this.#chunks.created[0]?.chunk.firstSeq ?? Number.POSITIVE_INFINITY;
    const first = await this.#io.owner(afterSeq + 1);
    if (first === undefined || first.firstSeq < createdFrom) {
      if (first !== undefined && take(this.#chunks.view(first))) return out;
      let cursor = first?.firstSeq ?? afterSeq;
      // Bounded by the store: each page moves the cursor past the chunks it read.
      for (let count = Math.min(16, Math.ceil(limit / CHUNK_WRITES)); ; count = Math.min(count * 2, 16)) {
        const page = (await this.#io.after(cursor, count)).filter((chunk) => chunk.firstSeq < createdFrom);
        for (const chunk of page) if (take(this.#chunks.view(chunk))) return out;
        const last = page.at(-1);
        if (page.length < count || last === undefined) break;
        cursor = last.firstSeq;
      }
    }
    for (const held of this.#chunks.created) if (take(held.chunk)) return out;
    return out;
  }

  async listWritesForDoc(collection: string, key: string): Promise<PendingWrite[]> {
    const writes = await this.#find(
      this.#candidates('doc', collection, key),
      (w) => w.collection === collection && w.key === key,
    );
    return writes.sort((a, b) => a.seq - b.seq);
  }

  /** Many documents' writes: one look at the index for all, reads only where it has candidates. */
  async listWritesForDocs(collection: string, keys: readonly string[]): Promise<PendingWrite[][]> {
    await this.#load();
    const out: PendingWrite[][] = new Array(keys.length);
    const reads: Promise<void>[] = [];
    for (const [i, key] of keys.entries()) {
      const candidates = this.#candidatesNow('doc', collection, key);
      if (candidates.length === 0) {
        out[i] = [];
        continue;
      }
      reads.push(
        this.#find(Promise.resolve(candidates), (w) => w.collection === collection && w.key === key).then((writes) => {
          out[i] = writes.sort((a, b) => a.seq - b.seq);
        }),
      );
    }
    await Promise.all(reads);
    return out;
  }

  /** Every write, or those of one collection: a scan (counting all of them is O(1) through the stored counts). */
  async countWrites(collection?: string): Promise<number> {
    let count = 0;
    let after = 0;
    // Bounded by the outbox: each page moves past the writes it counted.
    for (let page = await this.listWrites(after, 1000); page.length > 0; page = await this.listWrites(after, 1000)) {
      for (const write of page) if (collection === undefined || write.collection === collection) count += 1;
      after = (page.at(-1) as PendingWrite).seq;
    }
    return count;
  }

  /** Writes the changed chunks and, if the outbox changed, a new state; call last in a readwrite transaction. */
  async finish(): Promise<void> {
    if (this.#ready === undefined) return;
    const { base } = await this.#ready;
    const requests: Promise<unknown>[] = this.#early.splice(0);
    for (const held of this.#chunks.all()) {
      if (!held.dirty) continue;
      requests.push(held.chunk.writes.length === 0 ? this.#io.delete(held.chunk.firstSeq) : this.#io.put(held.chunk));
    }
    if (!this.#changes.empty || this.#nextSeq !== base.nextSeq) {
      const token = this.#newToken();
      requests.push(this.#io.putState({ nextSeq: this.#nextSeq, token }));
      this.#keeper.committing(base.token, token, this.#changes);
      this.#commit = { base: base.token, token };
    }
    await Promise.all(requests);
  }

  /** Tells the connection's index how the transaction ended (a commit's changes are folded in when its token is next read). */
  ended(committed: boolean): void {
    if (this.#commit !== undefined && !committed) this.#keeper.aborted(this.#commit.base);
  }

  #load(): Promise<Ready> {
    this.#ready ??= this.#loadState();
    return this.#ready;
  }

  async #loadState(): Promise<Ready> {
    const stored = await this.#io.getState();
    if (isOutboxState(stored)) {
      const index = this.#keeper.at(stored.token);
      if (index !== undefined) {
        this.#nextSeq = stored.nextSeq;
        this.#index = index;
        return { base: stored, index };
      }
    }
    // Another connection changed the outbox (or the state is missing): rebuild the index from the chunks.
    const { index, maxSeq } = await PendingWriteIndex.fromChunks((after, count) => this.#io.after(after, count));
    const base = isOutboxState(stored) ? stored : { nextSeq: maxSeq + 1, token: `recovered:${this.#newToken()}` };
    this.#keeper.rebuilt(index, base.token);
    this.#nextSeq = base.nextSeq;
    this.#index = index;
    return { base, index };
  }

  /** Seqs that may hold a write with this id or to this document: the shared index's, minus this transaction's removals, plus its additions. */
  #candidates(by: 'id', id: string): Promise<readonly number[]>;
  #candidates(by: 'doc', collection: string, key: string): Promise<readonly number[]>;
  async #candidates(by: 'id' | 'doc', a: string, b?: string): Promise<readonly number[]> {
    await this.#load();
    return by === 'id' ? this.#candidatesNow('id', a) : this.#candidatesNow('doc', a, b as string);
  }

  /** {@link #candidates} once the state is loaded. */
  #candidatesNow(by: 'id', id: string): readonly number[];
  #candidatesNow(by: 'doc', collection: string, key: string): readonly number[];
  #candidatesNow(by: 'id' | 'doc', a: string, b?: string): readonly number[] {
    if ((this.#index as PendingWriteIndex).empty && this.#changes.added.empty) return NO_SEQS;
    // Hashed once for both indexes, the connection's and this transaction's.
    return this.#candidatesByHash(by, by === 'id' ? hash(a) : docHash(a, b as string));
  }

  /** {@link #candidatesNow} by a precomputed hash. */
  #candidatesByHash(by: 'id' | 'doc', h: number): readonly number[] {
    const index = this.#index as PendingWriteIndex;
    const added = this.#changes.added;
    if (index.empty && added.empty) return NO_SEQS;
    const shared = index.candidatesByHash(by, h);
    const own = added.candidatesByHash(by, h);
    if (own.length === 0 && shared.length === 0) return NO_SEQS;
    const seqs = new Set(shared.filter((seq) => !this.#changes.removed(seq)));
    for (const seq of own) seqs.add(seq);
    return [...seqs];
  }

  /** Reads the candidate writes and keeps those that match (the index is keyed by hashes). */
  async #find(candidates: Promise<readonly number[]>, matches: (write: PendingWrite) => boolean): Promise<PendingWrite[]> {
    const seqs = await candidates;
    if (seqs.length === 0) return [];
    const writes = await Promise.all(seqs.map((seq) => this.getWrite(seq)));
    return writes.filter((w): w is PendingWrite => w !== undefined && matches(w));
  }
}
