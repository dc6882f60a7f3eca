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

/** Largest key length, in UTF-16 code units. */
export const MAX_KEY_LENGTH = 512;
export const MAX_COLLECTION_NAME_LENGTH = 64;
/** Collection names: letters, digits, '-', '_', '.', starting with a letter. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export const docKeySchema = z.string().min(1).max(MAX_KEY_LENGTH);
export const collectionNameSchema = z
  .string()
  .regex(COLLECTION_NAME_PATTERN, 'must start with a letter; letters, digits, - _ . only; at most 64');

/** Makes a 128-bit random id from an injected random-bytes source (crypto.getRandomValues in browsers and Node). */
export function randomId(fill: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = fill(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
