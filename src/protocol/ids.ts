import { z } from 'zod';

declare const writeIdTag: unique symbol;
declare const clientIdTag: unique symbol;

/** Idempotency key of one write: 128 random bits as 32 lowercase hex digits. */
export type WriteId = string & { readonly [writeIdTag]: true };
/** Identity of one local database (one per user per origin): 128 random bits as 32 hex digits. */
export type ClientId = string & { readonly [clientIdTag]: true };

/** 32 lowercase hex digits. */
export const RANDOM_ID_PATTERN = /^[0-9a-f]{32}$/;

export const writeIdSchema = z
  .string()
  .regex(RANDOM_ID_PATTERN, 'must be 32 lowercase hex digits') as unknown as z.ZodType<WriteId>;
export const clientIdSchema = z
  .string()
  .regex(RANDOM_ID_PATTERN, 'must be 32 lowercase hex digits') as unknown as z.ZodType<ClientId>;

/** Largest key length, in UTF-16 code units (JavaScript's `string.length`, not code points). */
export const MAX_KEY_LENGTH = 512;
export const MAX_COLLECTION_NAME_LENGTH = 64;
/** Collection names: letters, digits, '-', '_', '.', starting with a letter. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why `key` is not a document key, or undefined when it is one: 1–{@link MAX_KEY_LENGTH}
 * UTF-16 code units, well-formed Unicode (no lone surrogate, which UTF-8 cannot carry), no
 * U+0000 (PostgreSQL text cannot hold it). The one rule the server and the client both apply.
 */
export function docKeyIssue(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} UTF-16 code units (is ${key.length})`;
  if (key.includes('\u0000')) return 'must not contain U+0000';
  if (LONE_SURROGATE.test(key)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return undefined;
}

/** Why `name` is not a collection name, or undefined when it is one ({@link COLLECTION_NAME_PATTERN}). */
export function collectionNameIssue(name: string): string | undefined {
  return COLLECTION_NAME_PATTERN.test(name) ? undefined : 'must start with a letter; letters, digits, - _ . only; at most 64';
}

const issueRefinement =
  (issueOf: (s: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const issue = issueOf(value);
    if (issue !== undefined) ctx.addIssue({ code: 'custom', message: issue, input: value });
  };

export const docKeySchema = z.string().superRefine(issueRefinement(docKeyIssue));
export const collectionNameSchema = z.string().superRefine(issueRefinement(collectionNameIssue));

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Random bytes drawn from crypto.getRandomValues 4 KiB at a time: one call per 256 ids instead of one per id. */
const pool = { bytes: new Uint8Array(4096), used: 4096 };

function pooledRandomBytes(count: number): Uint8Array {
  if (pool.used + count > pool.bytes.length) {
    crypto.getRandomValues(pool.bytes);
    pool.used = 0;
  }
  const out = pool.bytes.subarray(pool.used, pool.used + count);
  pool.used += count;
  return out;
}

/**
 * Makes a 128-bit random id (32 hex digits) from an injected random-bytes source; by default
 * crypto.getRandomValues (browsers and Node), drawn in bulk, since one call per id costs more
 * than the rest of a write's bookkeeping.
 */
export function randomId(fill?: (bytes: Uint8Array) => Uint8Array): string {
  const bytes = fill === undefined ? pooledRandomBytes(16) : fill(new Uint8Array(16));
  let out = '';
  for (let i = 0; i < 16; i++) out += HEX[bytes[i] as number];
  return out;
}
