/** What the index needs of a pending write: where it is, and the two things it is looked up by. */
export interface IndexedWrite {
  readonly seq: number;
  readonly id: string;
  readonly collection: string;
  readonly key: string;
}

type Bucket = number | number[];

/** Chunks read per request while rebuilding an index. */
const REBUILD_PAGE = 16;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`, continuing from `h`. */
function fnv(h: number, text: string): number {
  let next = h;
  for (let i = 0; i < text.length; i++) next = Math.imul(next ^ text.charCodeAt(i), FNV_PRIME);
  return next;
}

/** 32-bit FNV-1a of a string: small integer keys keep the index compact (two small maps per pending write). */
export function hash(text: string): number {
  return fnv(FNV_OFFSET, text) >>> 0;
}

/** The hash a document is indexed by: that of `<collection>\0<key>`, without building the string. */
export function docHash(collection: string, key: string): number {
  return fnv(Math.imul(fnv(FNV_OFFSET, collection), FNV_PRIME), key) >>> 0;
}

function addTo(map: Map<number, Bucket>, h: number, seq: number): void {
  const bucket = map.get(h);
  if (bucket === undefined) map.set(h, seq);
  else if (typeof bucket === 'number') map.set(h, [bucket, seq]);
  else bucket.push(seq);
}

function removeFrom(map: Map<number, Bucket>, h: number, seq: number): void {
  const bucket = map.get(h);
  if (bucket === seq) map.delete(h);
  else if (Array.isArray(bucket)) {
    const rest = bucket.filter((s) => s !== seq);
    if (rest.length === 1) map.set(h, rest[0] as number);
    else if (rest.length === 0) map.delete(h);
    else map.set(h, rest);
  }
}

const NONE: readonly number[] = Object.freeze([]);

function seqsIn(bucket: Bucket | undefined): readonly number[] {
  if (bucket === undefined) return NONE;
  return typeof bucket === 'number' ? [bucket] : bucket;
}

/**
 * The outbox's lookups by write id and by document, kept in memory by each connection (the
 * outbox stores writes in chunks, and IndexedDB indexes over them would cost as much as the
 * writes themselves). Keys are 32-bit hashes, so an answer is a list of *candidate* seqs: the
 * caller reads each candidate and keeps those whose id or document really match. Memory is two
 * small integer map entries per pending write.
 */
export class PendingWriteIndex {
  readonly #byId = new Map<number, Bucket>();
  readonly #byDoc = new Map<number, Bucket>();

  /**
   * Builds the index of every write in the stored chunks, read {@link REBUILD_PAGE} at a time
   * through `after` (chunks with `firstSeq` above a seq, in order); also returns the highest seq seen.
   */
  static async fromChunks(
    after: (
      firstSeq: number,
      count: number,
    ) => Promise<readonly { readonly firstSeq: number; readonly writes: readonly IndexedWrite[] }[]>,
  ): Promise<{ index: PendingWriteIndex; maxSeq: number }> {
    const index = new PendingWriteIndex();
    let maxSeq = 0;
    let cursor = 0;
    // Bounded by the store: each page moves the cursor past the chunks it read.
    for (;;) {
      const page = await after(cursor, REBUILD_PAGE);
      for (const chunk of page) {
        for (const write of chunk.writes) {
          index.add(write);
          maxSeq = Math.max(maxSeq, write.seq);
        }
      }
      const last = page.at(-1);
      if (page.length < REBUILD_PAGE || last === undefined) break;
      cursor = last.firstSeq;
    }
    return { index, maxSeq };
  }

  /** @param idHash {@link hash} of the write's id, when the caller has it already. */
  add(write: IndexedWrite, idHash = hash(write.id)): void {
    addTo(this.#byId, idHash, write.seq);
    addTo(this.#byDoc, docHash(write.collection, write.key), write.seq);
  }

  remove(write: IndexedWrite): void {
    removeFrom(this.#byId, hash(write.id), write.seq);
    removeFrom(this.#byDoc, docHash(write.collection, write.key), write.seq);
  }

  /** Whether it holds no write at all (lookups can be skipped). */
  get empty(): boolean {
    return this.#byId.size === 0;
  }

  /** Seqs that may hold the write with this id. */
  idCandidates(id: string): readonly number[] {
    return this.candidatesByHash('id', hash(id));
  }

  /** Seqs that may hold writes to this document. */
  docCandidates(collection: string, key: string): readonly number[] {
    return this.candidatesByHash('doc', docHash(collection, key));
  }

  /** Candidates by a precomputed {@link hash} of an id, or {@link docHash} of a document. */
  candidatesByHash(by: 'id' | 'doc', h: number): readonly number[] {
    return seqsIn((by === 'id' ? this.#byId : this.#byDoc).get(h));
  }
}

/** One transaction's changes to the index, applied to the shared index once the transaction has committed. */
export class IndexChanges {
  readonly added = new PendingWriteIndex();
  readonly #addedWrites = new Map<number, IndexedWrite>();
  readonly #removed = new Map<number, IndexedWrite>();

  /** @param idHash {@link hash} of the write's id, when the caller has it already. */
  add(write: IndexedWrite, idHash?: number): void {
    // A seq put again in the same transaction (a lease, then an attempt) keeps one entry.
    const earlier = this.#addedWrites.get(write.seq);
    if (earlier !== undefined) this.added.remove(earlier);
    this.added.add(write, idHash);
    this.#addedWrites.set(write.seq, write);
  }

  remove(write: IndexedWrite): void {
    const added = this.#addedWrites.get(write.seq);
    if (added !== undefined) {
      this.added.remove(added);
      this.#addedWrites.delete(write.seq);
    }
    // The first removal of a seq is the shared index's version of it.
    if (!this.#removed.has(write.seq)) this.#removed.set(write.seq, write);
  }

  /** Whether this transaction removed or replaced the write at `seq`, so the shared index's entry for it no longer counts. */
  removed(seq: number): boolean {
    return this.#removed.has(seq);
  }

  get empty(): boolean {
    return this.#addedWrites.size === 0 && this.#removed.size === 0;
  }

  /** Removals first: a replaced write (same seq) is removed as it was and added as it is now. */
  applyTo(index: PendingWriteIndex): void {
    for (const write of this.#removed.values()) index.remove(write);
    for (const write of this.#addedWrites.values()) index.add(write);
  }
}

/**
 * Keeps one connection's {@link PendingWriteIndex} in step with the database. Every transaction
 * that changes the outbox stores a new random token in meta; an index is valid for the token it
 * was built or last updated at. A transaction reads the token, and:
 * - if it matches, uses the index as is;
 * - if it is the token one of this connection's own commits wrote, applies that commit's changes
 *   (the commit is visible in the database, its `complete` event just has not reached us yet);
 * - otherwise (another tab or worker wrote) rebuilds the index from the outbox.
 */
export class IndexKeeper {
  #index: PendingWriteIndex | undefined;
  #token: string | undefined;
  /** Commits of this connection not yet folded into the index: base token → new token and changes. */
  readonly #commits = new Map<string, { readonly token: string; readonly changes: IndexChanges }>();

  /** The index as of `token`, or undefined when it must be rebuilt. */
  at(token: string): PendingWriteIndex | undefined {
    // Bounded: each step consumes one recorded commit.
    while (this.#index !== undefined && this.#token !== token && this.#token !== undefined) {
      const commit = this.#commits.get(this.#token);
      if (commit === undefined) break;
      this.#commits.delete(this.#token);
      commit.changes.applyTo(this.#index);
      this.#token = commit.token;
    }
    return this.#token === token ? this.#index : undefined;
  }

  /** Installs an index rebuilt from the outbox as it was at `token`. */
  rebuilt(index: PendingWriteIndex, token: string): void {
    this.#index = index;
    this.#token = token;
  }

  /**
   * Records a transaction's changes as it writes its new token (it may still abort). Once it has
   * committed, the next {@link at} that reads its token folds them in, off the committing writes' path.
   */
  committing(base: string, token: string, changes: IndexChanges): void {
    this.#commits.set(base, { token, changes });
  }

  /** The transaction aborted: its changes never happened. */
  aborted(base: string): void {
    this.#commits.delete(base);
  }
}
