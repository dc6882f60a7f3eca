import type { OutboxChunk } from './outbox-chunk.ts';

/** A chunk as one transaction sees it. `hi` is the highest seq it has held, so every seq in [firstSeq, hi] is its own. */
export interface Held {
  readonly chunk: OutboxChunk;
  hi: number;
  dirty: boolean;
  /** For a chunk this transaction created: its writes' estimated bytes, and whether it takes no more. */
  bytes?: number;
  full?: boolean;
}

/** Clean chunks kept for reuse within one transaction; more are dropped (they can be read again). */
const CLEAN_CHUNKS_KEPT = 16;

/**
 * The outbox chunks one transaction holds in memory: those it read and may change, those it
 * created for its appended writes, and the rare ones `putWrite` created below the first chunk.
 * Changed chunks stay held until the transaction writes them back; at most
 * {@link CLEAN_CHUNKS_KEPT} unchanged ones are kept, so a long scan does not hold the outbox.
 */
export class HeldChunks {
  readonly #owner: (seq: number) => Promise<OutboxChunk | undefined>;
  readonly #writable: boolean;
  readonly #held = new Map<number, Held>();
  /** Chunks this transaction created for its appended writes, in order. */
  readonly created: Held[] = [];
  /** Chunks created by `putWrite` for a seq that no chunk owned (below the first one): rare, listed the slow way. */
  readonly fresh: Held[] = [];
  /** The store lookups of {@link owner}, one after another. */
  #lookups: Promise<unknown> = Promise.resolve();

  /** @param owner reads the stored chunk with the largest `firstSeq` at or below a seq. */
  constructor(owner: (seq: number) => Promise<OutboxChunk | undefined>, writable: boolean) {
    this.#owner = owner;
    this.#writable = writable;
  }

  /** Every chunk held now (changed ones included). */
  all(): IterableIterator<Held> {
    return this.#held.values();
  }

  /** A new, empty chunk for appended writes from `clientId`, starting at `firstSeq`. */
  create(firstSeq: number, clientId: string): Held {
    const held: Held = { chunk: { firstSeq, clientId, writes: [] }, hi: firstSeq, dirty: true, bytes: 0, full: false };
    this.created.push(held);
    this.#held.set(firstSeq, held);
    return held;
  }

  /** The chunk that owns `seq` as this transaction sees it, if any. */
  async owner(seq: number): Promise<Held | undefined> {
    const held = this.#heldOwner(seq);
    if (held !== undefined) return held;
    // No need of the outbox index here (chunks this transaction created only exist once it was
    // loaded): reading a write by seq, as a document's value does, never rebuilds it.
    if (this.created.length > 0 && seq >= (this.created[0] as Held).chunk.firstSeq) {
      let owner: Held | undefined;
      for (const created of this.created) if (created.chunk.firstSeq <= seq) owner = created;
      return owner;
    }
    // One store lookup at a time: pipelined callers (settling a batch deletes hundreds of seqs at
    // once) then find the chunk the first lookup fetched instead of each reading it again.
    const lookup = this.#lookups.then(async () => {
      const found = this.#heldOwner(seq);
      if (found !== undefined) return found;
      const stored = await this.#owner(seq);
      return stored === undefined ? undefined : this.#hold(stored);
    });
    this.#lookups = lookup.catch(() => undefined);
    return lookup;
  }

  /** The held version of a stored chunk (holding it if this transaction may change it). */
  view(stored: OutboxChunk): OutboxChunk {
    const held = this.#held.get(stored.firstSeq);
    if (held !== undefined) return held.chunk;
    return this.#writable ? this.#hold(stored).chunk : stored;
  }

  /** An empty chunk at `firstSeq` for writes from `clientId`, for a seq no chunk owns. */
  holdFresh(firstSeq: number, clientId: string): Held {
    const held = this.#hold({ firstSeq, clientId, writes: [] });
    if (!this.fresh.includes(held)) this.fresh.push(held);
    return held;
  }

  /**
   * The chunk to change: `held` itself, or the copy held now if `held` was dropped meanwhile
   * (a clean copy has the same content, so either is right; only one may be changed).
   */
  live(held: Held): Held {
    const current = this.#held.get(held.chunk.firstSeq);
    if (current !== undefined) return current;
    this.#held.set(held.chunk.firstSeq, held);
    return held;
  }

  /** The held chunk whose seqs span `seq`, if any. */
  #heldOwner(seq: number): Held | undefined {
    for (const held of this.#held.values()) if (held.chunk.firstSeq <= seq && seq <= held.hi) return held;
    return undefined;
  }

  #hold(chunk: OutboxChunk): Held {
    const known = this.#held.get(chunk.firstSeq);
    if (known !== undefined) return known;
    const held: Held = { chunk, hi: chunk.writes.at(-1)?.seq ?? chunk.firstSeq, dirty: false };
    this.#held.set(chunk.firstSeq, held);
    this.#dropCleanChunks(held);
    return held;
  }

  /** Drops the oldest clean chunks beyond {@link CLEAN_CHUNKS_KEPT}; never `keep` (the one just held) nor a fresh one. */
  #dropCleanChunks(keep: Held): void {
    if (this.#held.size <= CLEAN_CHUNKS_KEPT + this.created.length) return;
    for (const [firstSeq, held] of this.#held) {
      if (this.#held.size <= CLEAN_CHUNKS_KEPT + this.created.length) return;
      if (!held.dirty && held !== keep && !this.fresh.includes(held)) this.#held.delete(firstSeq);
    }
  }
}
