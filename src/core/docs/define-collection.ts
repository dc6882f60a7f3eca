import type { z } from 'zod';
import { OutboxError } from '../../errors.ts';
import type { ConflictPolicyName } from '../../protocol/conflict-record.ts';
import { collectionNameIssue } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import { DEFAULT_MAX_DOC_BYTES } from '../../protocol/push-messages.ts';

/** What a custom merge sees. `local` is the value of the write that conflicted (null for a delete). */
export interface MergeInput<T> {
  readonly key: string;
  readonly local: T | null;
  readonly remote: T | null;
  readonly remoteVersion: number;
}

/** How a conflict on this collection is settled. */
export type ConflictPolicy<T> = Exclude<ConflictPolicyName, 'merge'> | { readonly merge: (input: MergeInput<T>) => T | null };

/**
 * - `state`: the document is the latest state (preferences, progress, drafts). Writes coalesce by default.
 * - `append`: every write matters (chat messages, events). Writes never coalesce and keep their order.
 */
export type CollectionKind = 'state' | 'append';

export interface CollectionOptions<S extends z.ZodType<JsonValue>> {
  /** The protocol's collection name rule: `^[A-Za-z][A-Za-z0-9_.-]{0,63}$`. */
  readonly name: string;
  readonly schema: S;
  readonly kind?: CollectionKind | undefined;
  /** Replace an earlier unsent write to the same key. Default: true for `state`, false (and not allowed) for `append`. */
  readonly coalesce?: boolean | undefined;
  /** Default: 'last-writer-wins' for `state`, 'client-wins' for `append`. */
  readonly conflict?: ConflictPolicy<z.infer<S>> | undefined;
  /** Largest JSON-encoded document in bytes. Default 1.5 MiB ({@link DEFAULT_MAX_DOC_BYTES}). */
  readonly maxDocBytes?: number | undefined;
  /** Schema version of the documents; default 1. Raise it together with `migrate`. */
  readonly version?: number | undefined;
  /** Turns a document stored under an older version into the current shape. Throwing aborts the whole migration. */
  readonly migrate?: ((value: JsonValue, fromVersion: number) => z.infer<S>) | undefined;
}

/** A declared collection, with every default filled in. */
export interface Collection<S extends z.ZodType<JsonValue> = z.ZodType<JsonValue>> {
  readonly name: string;
  readonly schema: S;
  readonly kind: CollectionKind;
  readonly coalesce: boolean;
  readonly conflict: ConflictPolicy<z.infer<S>>;
  readonly maxDocBytes: number;
  readonly version: number;
  readonly migrate: ((value: JsonValue, fromVersion: number) => z.infer<S>) | undefined;
}

/** The document type of a collection. */
export type DocOf<C> = C extends Collection<infer S> ? z.infer<S> : never;

/**
 * Declares a collection once: its schema and how its writes behave. Throws `invalid-config`
 * when the name breaks the protocol's rule (the server would refuse every write to it).
 *
 * @example
 * const prefs = defineCollection({ name: 'prefs', schema: z.object({ theme: z.enum(['light', 'dark']) }) });
 * const messages = defineCollection({ name: 'messages', kind: 'append', schema: messageSchema });
 */
export function defineCollection<S extends z.ZodType<JsonValue>>(options: CollectionOptions<S>): Collection<S> {
  // The server's rule, checked here so a bad name fails at declaration, not at the first push.
  const issue = typeof options.name === 'string' ? collectionNameIssue(options.name) : 'must be a string';
  if (issue !== undefined) {
    throw new OutboxError('invalid-config', {
      path: ['defineCollection', 'name'],
      issue: `${JSON.stringify(options.name)} ${issue}`,
    });
  }
  const kind = options.kind ?? 'state';
  return Object.freeze({
    name: options.name,
    schema: options.schema,
    kind,
    coalesce: options.coalesce ?? kind === 'state',
    conflict: options.conflict ?? (kind === 'state' ? 'last-writer-wins' : 'client-wins'),
    maxDocBytes: options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES,
    version: options.version ?? 1,
    migrate: options.migrate,
  });
}
