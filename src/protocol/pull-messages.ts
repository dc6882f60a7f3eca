import { z } from 'zod';
import { collectionNameSchema, docKeySchema } from './ids.ts';
import { jsonValueSchema } from './json-value.ts';
import { PROTOCOL_VERSION } from './push-messages.ts';
import { writeOpSchema } from './pending-write.ts';

export const DEFAULT_PULL_LIMIT = 100;
export const MAX_PULL_LIMIT = 1000;

/** A cursor on the wire: `0` or a decimal integer without sign or leading zeros (the server also caps it at 2^63−1). */
export const PULL_CURSOR_PATTERN = /^(0|[1-9][0-9]{0,18})$/;
/** A page size on the wire: a decimal integer 1…9999 without sign or leading zeros (then capped at {@link MAX_PULL_LIMIT}). */
export const PULL_LIMIT_PATTERN = /^[1-9][0-9]{0,3}$/;

/**
 * `GET /v1/pull?cursor=…&limit=…` query, as strings exactly as sent. No cursor = from the beginning.
 * Nothing is coerced: `1e2`, `0x10`, `+5`, ` 5`, `5.0`, `05` are refused.
 */
export const pullQuerySchema = z.strictObject({
  cursor: z.string().regex(PULL_CURSOR_PATTERN, 'must be 0 or a decimal integer without sign or leading zeros').optional(),
  limit: z
    .string()
    .regex(PULL_LIMIT_PATTERN, 'must be a decimal integer without sign or leading zeros')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PULL_LIMIT))
    .optional(),
  /** `1`: this pull is a page of a full re-pull (after `cursor-expired`), so an old cursor is not refused. */
  resync: z.literal('1', { error: 'must be 1, or absent' }).optional(),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

/** The latest state of one changed document (the feed is compacted: one entry per document). */
export const changeSchema = z.strictObject({
  collection: collectionNameSchema,
  key: docKeySchema,
  op: writeOpSchema,
  value: jsonValueSchema.optional(),
  version: z.number().int().positive(),
  writtenAt: z.number().int().nonnegative(),
});
export type Change = z.infer<typeof changeSchema>;

/** `GET /v1/pull` 200 response. `cursor` is opaque; pass it back unchanged. */
export const pullResponseSchema = z.strictObject({
  protocol: z.literal(PROTOCOL_VERSION),
  changes: z.array(changeSchema),
  cursor: z.string(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** `POST /v1/session` 200 response: an anonymous user and its bearer token. */
export const sessionResponseSchema = z.strictObject({
  userId: z.string(),
  token: z.string(),
  expiresAt: z.number().int(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;
