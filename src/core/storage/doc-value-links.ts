import { OutboxError } from '../../errors.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { ByDoc } from './by-doc.ts';
import type { StoredWrite } from './stored-write.ts';

/**
 * A record of the IndexedDB `docs` store (schema version 4 on), under the key `<collection>/<key>`
 * (idb-schema.ts `docId`): the {@link StoredDoc} without `collection` and `key`, which its key
 * already says (Chromium would store both names and values again in every record).
 *
 * A document put together with its pending write, in one transaction, is stored once: the value
 * sits in the pending write, and the record holds `valueSeq`, the seq of that write, instead of
 * `value`. Every other document holds its `value` itself.
 */
export type DocRecord = Omit<StoredDoc, 'collection' | 'key'> | LinkedDocRecord;

/** A {@link DocRecord} whose value is held by the pending write `valueSeq`. */
export type LinkedDocRecord = Omit<StoredDoc, 'collection' | 'key' | 'value'> & { readonly valueSeq: number };

/** The `docs` requests the links make of one transaction (structural, so this file needs no `idb`). */
export interface DocRequests {
  get(collection: string, key: string): Promise<DocRecord | undefined>;
  put(collection: string, key: string, record: DocRecord): Promise<unknown>;
}

const isLinked = (record: DocRecord): record is LinkedDocRecord => 'valueSeq' in record;

/** The record to store for a document that holds its value itself. */
export function toPlainRecord(doc: StoredDoc): DocRecord {
  const { value, version, schemaVersion, updatedAt } = doc;
  return { value, version, schemaVersion, updatedAt };
}

/** The document a stored record stands for, with `value` (a fresh object). */
function toDoc(
  collection: string,
  key: string,
  record: Omit<StoredDoc, 'collection' | 'key' | 'value'>,
  value: JsonValue,
): StoredDoc {
  const { version, schemaVersion, updatedAt } = record;
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
  /** Per document, the latest put appended in this transaction that a document may link to (as stored). */
  readonly #appended = new ByDoc<StoredWrite>();
  /** Documents this transaction wrote, as it wrote them (null: deleted). */
  readonly #written = new ByDoc<DocRecord | null>();
  /** Values of writes this transaction removed or changed, as they were before. */
  readonly #former = new Map<number, JsonValue>();
  /** How many times each collection was cleared in this transaction. */
  readonly #clears = new Map<string, number>();
  readonly #unlinking: Promise<unknown>[] = [];

  readonly #broken: ((collection: string, key: string, record: DocRecord, reason: string) => void) | undefined;

  /**
   * @param writeOf reads a pending write of this transaction by seq.
   * @param broken told of a document whose pending write is missing (it then reads as absent); without it, such a read throws.
   */
  constructor(
    io: DocRequests,
    writeOf: (seq: number) => Promise<PendingWrite | undefined>,
    broken?: (collection: string, key: string, record: DocRecord, reason: string) => void,
  ) {
    this.#io = io;
    this.#writeOf = writeOf;
    this.#broken = broken;
  }

  /** Notes an appended write (as stored, with its seq): a document put next with the same value links to it. */
  appended(record: StoredWrite): void {
    if (record.op === 'put' && record.value !== undefined) this.#appended.set(record.collection, record.key, record);
    else this.#appended.delete(record.collection, record.key);
  }

  /** The record to store for `doc`: linked to its pending write when it carries the very same value. */
  toRecord(doc: StoredDoc): DocRecord {
    const link = this.#appended.get(doc.collection, doc.key);
    let record: DocRecord;
    if (link !== undefined && link.value === doc.value) {
      const { version, schemaVersion, updatedAt } = doc;
      record = { version, schemaVersion, updatedAt, valueSeq: link.seq };
    } else record = toPlainRecord(doc);
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

  /** The stored record of document `key` of `collection` as a document, its value read from the pending write it may point at. */
  async resolve(collection: string, key: string, record: DocRecord | undefined): Promise<StoredDoc | undefined> {
    if (record === undefined) return undefined;
    if (!isLinked(record)) return toDoc(collection, key, record, record.value);
    let value = this.#former.get(record.valueSeq);
    if (value === undefined) {
      const write = await this.#writeOf(record.valueSeq);
      if (write?.op === 'put' && write.value !== undefined) value = write.value;
    }
    if (value === undefined && this.#broken !== undefined) {
      this.#broken(collection, key, record, `points at pending write ${record.valueSeq}, which is missing`);
      return undefined;
    }
    if (value === undefined) {
      throw new OutboxError('storage-failed', {
        operation: 'read',
        reason: `document '${key}' of '${collection}' points at pending write ${record.valueSeq}, which is missing`,
      });
    }
    return toDoc(collection, key, record, value);
  }

  /**
   * Called by the outbox when a stored write is removed (`after` undefined) or replaced. A write
   * that no longer carries the same value takes its value out of any document linked to it.
   */
  writeChanged(before: StoredWrite, after: StoredWrite | undefined): void {
    if (before.op !== 'put' || before.value === undefined) return;
    if (after !== undefined && after.op === 'put' && after.value === before.value) return;
    const value = before.value;
    const { collection, key, seq } = before;
    if (!this.#former.has(seq)) this.#former.set(seq, value);
    if (this.#appended.get(collection, key)?.seq === seq) this.#appended.delete(collection, key);
    const written = this.#written.get(collection, key);
    if (written !== undefined) {
      if (written !== null && isLinked(written) && written.valueSeq === seq) this.#put(collection, key, written, value);
      return;
    }
    const clears = this.#clears.get(collection) ?? 0;
    const check = this.#io.get(collection, key).then((stored) => {
      // Written or cleared since this read was issued: that newer change decides the document.
      if (this.#written.has(collection, key) || (this.#clears.get(collection) ?? 0) !== clears) return;
      if (stored !== undefined && isLinked(stored) && stored.valueSeq === seq) this.#put(collection, key, stored, value);
    });
    check.catch(() => {});
    this.#unlinking.push(check);
  }

  /** Resolves once every document unlinked in this transaction is written; call before it ends. */
  async finish(): Promise<void> {
    while (this.#unlinking.length > 0) await Promise.all(this.#unlinking.splice(0));
  }

  /** Writes a linked record back holding `value` itself. */
  #put(collection: string, key: string, linked: LinkedDocRecord, value: JsonValue): void {
    const { version, schemaVersion, updatedAt } = linked;
    const record: DocRecord = { value, version, schemaVersion, updatedAt };
    this.#written.set(collection, key, record);
    const put = this.#io.put(collection, key, record);
    put.catch(() => {});
    this.#unlinking.push(put);
  }
}
