import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';

/** The one collection the Outbox rows write to: the ~200-byte bench record (see rows/record.ts). */
export const items = defineCollection({
  name: 'items',
  schema: z.object({
    id: z.string(),
    n: z.number(),
    title: z.string(),
    done: z.boolean(),
    tags: z.array(z.string()),
    at: z.number(),
  }),
});

/** What the page puts in a bench worker's name: where its database lives and which server it syncs with. */
export interface BenchWorkerConfig {
  readonly dbName: string;
  readonly serverUrl: string;
}
