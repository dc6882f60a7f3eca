import { OutboxError } from '../../errors.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { ByDoc } from './by-doc.ts';

/**
 * A document whose value is held by a pending write: the {@link StoredDoc} without `value`, plus
 * `valueSeq`, the seq of the pending put that carries the value.
 */
export type LinkedDocRecord = Omit<StoredDoc, 'value'> & { readonly valueSeq: number };

/**
 * A record of the IndexedDB `docs` store (schema version 3 on). A document put together with its
 * pending write, in one transaction, is stored once: the value sits in the pending write, and the
 * document record points at it with `valueSeq`. Every other document holds its `value` itself.
 */
export type DocRecord = StoredDoc | LinkedDocRecord;

/** The `docs` requests the links make of one transaction (structural, so this file needs no `idb`). */
export interface DocRequests {
  get(collection: string, key: string): Promise<DocRecord | undefined>;
  put(record: DocRecord): Promise<unknown>;
}

const isLinked = (record: DocRecord): record is LinkedDocRecord => 'valueSeq' in record;

/** The record as a plain document again, holding `value` itself. */
function unlinked(record: LinkedDocRecord, value: JsonValue): StoredDoc {
  const { collection, key, version, schemaVersion, updatedAt } = record;
  return { collection, key, value, version, schemaVersion, updatedAt };
}

/**
 * Stores each value once: one transaction's bookkeeping of documents that point at the pending
 * write holding their value (see {@link DocRecord}).
 *
 * Invariant: a record with `valueSeq: s` exists only while the pending write `s` exists with that
 * very value. A document is linked only when it is put with the same value (by reference) as a put
 * appended in this transaction. Changes to documents never break the invariant (the write keeps
 * its own value). Removing write `s`, or changing its value, does: {@link writeChanged} then
 * writes the document back with the value it points at, unless this transaction already wrote
 * that document since. Reads resolve `valueSeq` through the outbox, or through the values of
 * writes this transaction removed or changed, which a record read earlier may still point at.
 */
export class DocValueLinks {
  readonly #io: DocRequests;
  readonly #writeOf: (seq: number) => Promise<PendingWrite | undefined>;
  /** Per document, the latest put appended in this transaction that a document may link to. */
  readonly #appended = new ByDoc<{ readonly seq: number; readonly value: JsonValue }>();
  /** Documents this transaction wrote, as it wrote them (null: deleted). */
  readonly #written = new ByDoc<DocRecord | null>();
  /** Values of writes this transaction removed or changed, as they were before. */
  readonly #former = new Map<number, JsonValue>();
  /** How many times each collection was cleared in this transaction. */
  readonly #clears = new Map<string, number>();
  readonly #unlinking: Promise<unknown>[] = [];

  /** @param writeOf reads a pending write of this transaction by seq. */
  constructor(io: DocRequests, writeOf: (seq: number) => Promise<PendingWrite | undefined>) {
    this.#io = io;
    this.#writeOf = writeOf;
  }

  /** Notes appended writes (with their new seqs): a document put next with the same value links to them. */
  appended(writes: readonly Omit<PendingWrite, 'seq'>[], seqs: readonly number[]): void {
    for (const [i, write] of writes.entries()) {
      const { collection, key } = write;
      if (write.op === 'put' && write.value !== undefined)
        this.#appended.set(collection, key, { seq: seqs[i] as number, value: write.value });
      else this.#appended.delete(collection, key);
    }
  }

  /** The record to store for `doc`: linked to its pending write when it carries the very same value. */
  toRecord(doc: StoredDoc): DocRecord {
    const link = this.#appended.get(doc.collection, doc.key);
    let record: DocRecord = doc;
    if (link !== undefined && link.value === doc.value) {
      const { collection, key, version, schemaVersion, updatedAt } = doc;
      record = { collection, key, version, schemaVersion, updatedAt, valueSeq: link.seq };
    }
    this.#written.set(doc.collection, doc.key, record);
    return record;
  }

  /** Notes a deleted document. */
  deleted(collection: string, key: string): void {
    this.#written.set(collection, key, null);
  }

  /** Notes a cleared collection. */
  cleared(collection: string): void {
    this.#clears.set(collection, (this.#clears.get(collection) ?? 0) + 1);
    for (const key of [...this.#written.keysOf(collection)]) this.#written.set(collection, key, null);
  }

  /** A stored record as a document, its value read from the pending write it points at. */
  async resolve(record: DocRecord | undefined): Promise<StoredDoc | undefined> {
    if (record === undefined || !isLinked(record)) return record;
    let value = this.#former.get(record.valueSeq);
    if (value === undefined) {
      const write = await this.#writeOf(record.valueSeq);
      if (write?.op === 'put' && write.value !== undefined) value = write.value;
    }
    if (value === undefined) {
      throw new OutboxError('storage-failed', {
        operation: 'read',
        reason: `document '${record.key}' of '${record.collection}' points at pending write ${record.valueSeq}, which is missing`,
      });
    }
    return unlinked(record, value);
  }

  /**
   * Called by the outbox when a stored write is removed (`after` undefined) or replaced. A write
   * that no longer carries the same value takes its value out of any document linked to it.
   */
  writeChanged(before: PendingWrite, after: PendingWrite | undefined): void {
    if (before.op !== 'put' || before.value === undefined) return;
    if (after !== undefined && after.op === 'put' && after.value === before.value) return;
    const value = before.value;
    const { collection, key, seq } = before;
    if (!this.#former.has(seq)) this.#former.set(seq, value);
    if (this.#appended.get(collection, key)?.seq === seq) this.#appended.delete(collection, key);
    const written = this.#written.get(collection, key);
    if (written !== undefined) {
      if (written !== null && isLinked(written) && written.valueSeq === seq) this.#put(unlinked(written, value));
      return;
    }
    const clears = this.#clears.get(collection) ?? 0;
    const check = this.#io.get(collection, key).then((stored) => {
      // Written or cleared since this read was issued: that newer change decides the document.
      if (this.#written.has(collection, key) || (this.#clears.get(collection) ?? 0) !== clears) return;
      if (stored !== undefined && isLinked(stored) && stored.valueSeq === seq) this.#put(unlinked(stored, value));
    });
    check.catch(() => {});
    this.#unlinking.push(check);
  }

  /** Resolves once every document unlinked in this transaction is written; call before it ends. */
  async finish(): Promise<void> {
    while (this.#unlinking.length > 0) await Promise.all(this.#unlinking.splice(0));
  }

  #put(doc: StoredDoc): void {
    this.#written.set(doc.collection, doc.key, doc);
    const put = this.#io.put(doc);
    put.catch(() => {});
    this.#unlinking.push(put);
  }
}
