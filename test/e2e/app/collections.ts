// The e2e test app's collections: one "state" collection and one "append" collection.
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { type JsonValue, jsonValueSchema } from '../../../src/protocol/json-value.ts';

export const notes = defineCollection({ name: 'notes', schema: z.strictObject({ text: z.string() }) });

/** Every write matters and keeps its order: used to prove exactly-once and per-client order. */
export const events = defineCollection({
  name: 'events',
  kind: 'append',
  schema: z.strictObject({ tab: z.string(), n: z.number().int() }),
});

/** Any JSON value, as sent: proves that values (own `__proto__` keys included) cross page, worker, IndexedDB and server unchanged. */
export const values = defineCollection({ name: 'values', schema: jsonValueSchema });

export const collections = [notes, events, values];

/** Document types by collection name, for the typed page API (no zod on the page). */
export type AppDocs = {
  notes: { text: string };
  events: { tab: string; n: number };
  values: JsonValue;
};
