import type { Collection } from '../docs/define-collection.ts';

/** Collections as apps declare them: a list, or a record by name (`{ prefs, messages }`). */
// biome-ignore lint/suspicious/noExplicitAny: a record of differently typed collections; each keeps its own schema type.
export type CollectionList = readonly Collection<any>[] | Readonly<Record<string, Collection<any>>>;

/** The collections of a {@link CollectionList} as a list. */
export function collectionList(collections: CollectionList): readonly Collection[] {
  return (Array.isArray(collections) ? collections : Object.values(collections)) as readonly Collection[];
}
