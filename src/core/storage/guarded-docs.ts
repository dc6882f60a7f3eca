import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { DocValueLinks } from './doc-value-links.ts';
import { collectionEnd, docId } from './idb-schema.ts';
import type { Quarantine } from './quarantine.ts';
import { asDocRecord, docRecordProblem } from './record-guards.ts';

/** The `docs` requests of one transaction (structural, so this file needs no `idb`). */
export interface DocStore {
  get(id: string): Promise<unknown>;
  getAll(range: IDBKeyRange, count?: number): Promise<unknown[]>;
  getAllKeys(range: IDBKeyRange, count?: number): Promise<IDBValidKey[]>;
  delete(id: string): Promise<unknown>;
}

/** The key range of every document of one collection with a key after `after` (see {@link docId}). */
export function docRange(collection: string, after?: string | undefined): IDBKeyRange {
  return IDBKeyRange.bound(docId(collection, after ?? ''), collectionEnd(collection), after !== undefined, true);
}

/** Documents per group above which {@link GuardedDocs.getDocs} first asks which of them exist, in one request. */
const KEY_SCAN_FROM = 16;

/**
 * The document reads of one IndexedDB transaction, each record checked as it is read
 * (record-guards.ts): a record of the wrong shape, or one pointing at a pending write that is not
 * there, reads as absent and goes to the quarantine.
 */
export class GuardedDocs {
  readonly #store: DocStore;
  readonly #links: DocValueLinks;
  readonly #quarantine: Quarantine;

  constructor(store: DocStore, links: DocValueLinks, quarantine: Quarantine) {
    this.#store = store;
    this.#links = links;
    this.#quarantine = quarantine;
  }

  /** The document a stored record stands for, or undefined (none, or quarantined). */
  async resolve(collection: string, key: string, raw: unknown): Promise<StoredDoc | undefined> {
    if (raw === undefined) return undefined;
    const problem = docRecordProblem(raw);
    if (problem === undefined) return this.#links.resolve(collection, key, asDocRecord(raw));
    this.broken(collection, key, raw, problem);
    return undefined;
  }

  /** Quarantines the document record `raw` of `key` in `collection`. */
  broken(collection: string, key: string, raw: unknown, reason: string): void {
    const id = docId(collection, key);
    this.#quarantine.report({
      code: 'record-quarantined',
      store: 'docs',
      key: id,
      reason: `document: ${reason}`,
      raw,
      reread: (tx) => tx.getDoc(collection, key),
    });
    this.#quarantine.repair(() => this.#store.delete(id));
  }

  async getDoc(collection: string, key: string): Promise<StoredDoc | undefined> {
    return this.resolve(collection, key, await this.#store.get(docId(collection, key)));
  }

  /**
   * Many documents of one collection. For a big group, one key-only read of the range the keys
   * span says which exist, so documents that do not exist yet (new chat messages, new records)
   * cost no read at all; if that range is crowded with other documents, one read per key.
   */
  async getDocs(collection: string, keys: readonly string[]): Promise<(StoredDoc | undefined)[]> {
    const read = (key: string) => this.getDoc(collection, key);
    if (keys.length < KEY_SCAN_FROM) return Promise.all(keys.map(read));
    let low = keys[0] as string;
    let high = low;
    for (const key of keys) {
      if (key < low) low = key;
      else if (key > high) high = key;
    }
    const limit = keys.length * 2;
    const range = IDBKeyRange.bound(docId(collection, low), docId(collection, high));
    const present = (await this.#store.getAllKeys(range, limit)) as string[];
    if (present.length >= limit) return Promise.all(keys.map(read));
    const docs: (StoredDoc | undefined)[] = new Array(keys.length).fill(undefined);
    if (present.length === 0) return docs;
    const prefix = docId(collection, '').length;
    const existing = new Set(present.map((id) => id.slice(prefix)));
    const reads: Promise<void>[] = [];
    for (const [i, key] of keys.entries()) {
      if (!existing.has(key)) continue;
      reads.push(
        read(key).then((doc) => {
          docs[i] = doc;
        }),
      );
    }
    await Promise.all(reads);
    return docs;
  }

  /**
   * A record does not hold its collection and key (doc-value-links.ts): its keys are read alongside,
   * from the same range. A page that lost quarantined records is topped up, so it is short only at the end.
   */
  async listDocs(collection: string, after: string | undefined, limit: number): Promise<StoredDoc[]> {
    const out: StoredDoc[] = [];
    const prefix = docId(collection, '').length;
    let from = after;
    // Bounded by the store: each round moves `from` past the records it read.
    while (out.length < limit) {
      const want = limit - out.length;
      const range = docRange(collection, from);
      const [records, ids] = await Promise.all([this.#store.getAll(range, want), this.#store.getAllKeys(range, want)]);
      const docs = await Promise.all(
        records.map((record, i) => this.resolve(collection, (ids[i] as string).slice(prefix), record)),
      );
      for (const doc of docs) if (doc !== undefined) out.push(doc);
      const last = ids.at(-1) as string | undefined;
      if (records.length < want || last === undefined) break;
      from = last.slice(prefix);
    }
    return out;
  }
}
