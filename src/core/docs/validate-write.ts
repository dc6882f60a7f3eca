import { OutboxError } from '../../errors.ts';
import { MAX_KEY_LENGTH } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { Collection } from './define-collection.ts';

const encoder = new TextEncoder();

/** Throws `invalid-key` unless `key` is a non-empty string of at most {@link MAX_KEY_LENGTH} UTF-16 code units. */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    const shown = typeof key === 'string' ? JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key) : String(key);
    throw new OutboxError('invalid-key', { key: shown, max: MAX_KEY_LENGTH });
  }
}

/** Bytes of the UTF-8 JSON encoding of a value. */
export function jsonByteLength(value: JsonValue): number {
  return encoder.encode(JSON.stringify(value)).byteLength;
}

/**
 * Checks a value against the collection's schema and size limit; returns the parsed value
 * (what zod outputs, e.g. with defaults filled in) and its size in bytes.
 * Throws `invalid-value` with the first issue's path, or `too-large`.
 */
export function validateValue(collection: Collection, key: string, value: unknown): { value: JsonValue; size: number } {
  const parsed = collection.schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OutboxError(
      'invalid-value',
      {
        collection: collection.name,
        key,
        path: (issue?.path ?? []).map((p) => (typeof p === 'symbol' ? p.toString() : p)),
        issue: issue?.message ?? 'invalid',
      },
      { cause: parsed.error },
    );
  }
  let size: number;
  try {
    size = jsonByteLength(parsed.data);
  } catch (error) {
    throw new OutboxError(
      'invalid-value',
      { collection: collection.name, key, path: [], issue: 'not JSON-serialisable' },
      { cause: error },
    );
  }
  if (size > collection.maxDocBytes) {
    throw new OutboxError('too-large', { collection: collection.name, key, bytes: size, limit: collection.maxDocBytes });
  }
  return { value: parsed.data, size };
}
