import { z } from 'zod';
import { clientIdSchema, collectionNameSchema, docKeySchema, writeIdSchema } from './ids.ts';
import { jsonValueSchema, writeValueSchema } from './json-value.ts';
import { writeOpSchema } from './pending-write.ts';

/** The wire protocol version this code speaks. Requests and responses carry it as `protocol`. */
export const PROTOCOL_VERSION = 1;

/** Server defaults; documented in docs/PROTOCOL.md. */
export const DEFAULT_MAX_WRITES_PER_PUSH = 1000;
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_DOC_BYTES = 1.5 * 1024 * 1024;

/** One write as sent to the server. */
export const wireWriteSchema = z.strictObject({
  /** Per-client sequence: strictly increasing within a client, may have gaps. */
  seq: z.number().int().positive(),
  id: writeIdSchema,
  collection: collectionNameSchema,
  key: docKeySchema,
  op: writeOpSchema,
  /** Any JSON value; one nested deeper than the limit passes here and is refused per write (`value-too-deep`). */
  value: writeValueSchema.optional(),
  baseVersion: z.number().int().nonnegative().nullable(),
  /** Client's epoch ms when the write was made. */
  writtenAt: z.number().int().nonnegative(),
});
export type WireWrite = z.infer<typeof wireWriteSchema>;

/** `POST /v1/push` body. Writes must be in ascending `seq` order. */
export const pushRequestSchema = z.strictObject({
  protocol: z.number().int(),
  clientId: clientIdSchema,
  writes: z.array(wireWriteSchema).min(1),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** The server's copy of a document at the time of a conflict. */
export const serverDocSchema = z.strictObject({
  version: z.number().int().nonnegative(),
  value: jsonValueSchema.nullable(),
  deleted: z.boolean(),
  writtenAt: z.number().int().nonnegative(),
});
export type ServerDoc = z.infer<typeof serverDocSchema>;

const appliedSchema = z.strictObject({
  id: writeIdSchema,
  seq: z.number().int().positive(),
  status: z.literal('applied'),
  version: z.number().int().positive(),
});
const conflictSchema = z.strictObject({
  id: writeIdSchema,
  seq: z.number().int().positive(),
  status: z.literal('conflict'),
  current: serverDocSchema,
});
const rejectedSchema = z.strictObject({
  id: writeIdSchema,
  seq: z.number().int().positive(),
  status: z.literal('rejected'),
  code: z.string(),
  message: z.string(),
});
/** A final result: what the server recorded the first time it processed a write. */
export const finalResultSchema = z.discriminatedUnion('status', [appliedSchema, conflictSchema, rejectedSchema]);
export type FinalResult = z.infer<typeof finalResultSchema>;

const duplicateSchema = z.strictObject({
  id: writeIdSchema,
  seq: z.number().int().positive(),
  status: z.literal('duplicate'),
  original: finalResultSchema,
});

/** One result per write, in request order. */
export const writeResultSchema = z.discriminatedUnion('status', [appliedSchema, conflictSchema, rejectedSchema, duplicateSchema]);
export type WriteResult = z.infer<typeof writeResultSchema>;

/** `POST /v1/push` 200 response. */
export const pushResponseSchema = z.strictObject({
  protocol: z.literal(PROTOCOL_VERSION),
  results: z.array(writeResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** Body of every 4xx/5xx answer. `path` points at the offending field when there is one. */
export const errorResponseSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    path: z.array(z.union([z.string(), z.number()])).optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
