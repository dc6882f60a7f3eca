import { z } from 'zod';
import { collectionNameSchema, docKeySchema } from './ids.ts';
import { jsonValueSchema } from './json-value.ts';
import { PROTOCOL_VERSION } from './push-messages.ts';
import { writeOpSchema } from './pending-write.ts';

export const DEFAULT_PULL_LIMIT = 100;
export const MAX_PULL_LIMIT = 1000;

/** `GET /v1/pull?cursor=…&limit=…` query. No cursor = from the beginning. */
export const pullQuerySchema = z.strictObject({
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
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
