/**
 * Values per document, by collection, then key: no joined `collection + key` string to build and
 * hash for every lookup (a group of 10,000 writes makes several lookups per write).
 */
export class ByDoc<T> {
  readonly #collections = new Map<string, Map<string, T>>();

  get(collection: string, key: string): T | undefined {
    return this.#collections.get(collection)?.get(key);
  }

  has(collection: string, key: string): boolean {
    return this.#collections.get(collection)?.has(key) ?? false;
  }

  set(collection: string, key: string, value: T): void {
    const keys = this.#collections.get(collection);
    if (keys === undefined) this.#collections.set(collection, new Map([[key, value]]));
    else keys.set(key, value);
  }

  delete(collection: string, key: string): void {
    this.#collections.get(collection)?.delete(key);
  }

  /** Every key held for one collection. */
  keysOf(collection: string): IterableIterator<string> {
    return (this.#collections.get(collection) ?? new Map<string, T>()).keys();
  }
}
