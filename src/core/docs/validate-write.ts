import { OutboxError } from '../../errors.ts';
import { docKeyIssue, MAX_KEY_LENGTH } from '../../protocol/ids.ts';
import { isDeeperThan, type JsonValue, MAX_VALUE_DEPTH } from '../../protocol/json-value.ts';
import type { Collection } from './define-collection.ts';
import { parseDocValue } from './parse-doc-value.ts';

/** Throws `invalid-key` unless `key` is a document key by the protocol's rule (`docKeyIssue`: 1–512 UTF-16 code units, well-formed, no U+0000). */
export function assertValidKey(key: unknown): asserts key is string {
  const issue = typeof key === 'string' ? docKeyIssue(key) : `is a ${typeof key}, not a string`;
  if (issue !== undefined) {
    const shown = typeof key === 'string' ? JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key) : String(key);
    throw new OutboxError('invalid-key', { key: shown, max: MAX_KEY_LENGTH, issue });
  }
}

/** Throws `value-too-deep` when `value` nests arrays and objects deeper than {@link MAX_VALUE_DEPTH} (or holds a cycle). */
export function assertValueDepth(collection: string, key: string, value: unknown): void {
  if (isDeeperThan(value, MAX_VALUE_DEPTH)) {
    throw new OutboxError('value-too-deep', { collection, key, limit: MAX_VALUE_DEPTH });
  }
}

/** Bytes of the UTF-8 JSON encoding of a value. */
export function jsonByteLength(value: JsonValue): number {
  return utf8Length(JSON.stringify(value));
}

const NON_ASCII = /[\u0080-\uffff]/;

/** Bytes of a string encoded as UTF-8 (a lone surrogate counts 3, as TextEncoder writes U+FFFD), without encoding it. */
export function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Checks a value against the depth limit, then the collection's schema; returns the parsed value
 * (what zod outputs, a copy, e.g. with defaults filled in, own `__proto__` keys kept). Throws
 * `value-too-deep`, or `invalid-value` with the first issue's path.
 */
export function parseValue(collection: Collection, key: string, value: unknown): JsonValue {
  // Before the schema: a recursive schema walks as deep as the value does.
  assertValueDepth(collection.name, key, value);
  const parsed = parseDocValue(collection.schema, value);
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
  return parsed.data;
}

/** The size in bytes of a parsed value, within the collection's limit. Throws `too-large`, or `invalid-value` if it is not JSON. */
export function measureValue(collection: Collection, key: string, value: JsonValue): number {
  let size: number;
  try {
    size = jsonByteLength(value);
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
  return size;
}
