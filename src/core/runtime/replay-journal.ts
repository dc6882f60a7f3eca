import { z } from 'zod';
import { isOutboxError, OutboxError } from '../../errors.ts';
import { writeIdSchema } from '../../protocol/ids.ts';
import { type JsonValue, jsonValueSchema } from '../../protocol/json-value.ts';
import type { OutboxApi, WriteReceipt } from '../../protocol/outbox-api.ts';

/** One entry of a page's journal (src/client/journaled-writes.ts): read back from localStorage, so checked. */
const journalSchema = z.array(
  z.object({
    id: writeIdSchema,
    c: z.string(),
    k: z.string(),
    // Not z.json(): its records leave own `__proto__` keys out of the value.
    v: jsonValueSchema.optional(),
    d: z.literal(1).optional(),
    at: z.number().finite(),
  }),
);

/** Failures that say nothing about the entry itself: it stays in the journal for the next start. */
const RETRY_LATER = ['quota-exceeded', 'database-closed', 'storage-failed', 'version-error', 'upgrade-blocked'];

/** What a replay settled: ids the page may drop from its journal ('all' for a journal that does not parse), and the entries refused for good. */
export interface ReplayReport {
  readonly done: string[] | 'all';
  readonly refused: { readonly id: string; readonly code: string; readonly message: string }[];
}

/**
 * Replays a page's journal of writes whose commit the page never heard of: each entry becomes a
 * put/delete with its own id and time, marked as a replay, so the store skips those that already
 * landed. Every call is made before the first await, so writes the page sends after this call
 * are queued after the replayed ones. An entry refused for good (its collection is gone, its value
 * no longer valid) is reported in `refused` and done; a journal that does not parse is refused whole
 * (`journal-invalid`).
 */
export async function replayJournal(api: Pick<OutboxApi, 'put' | 'delete'>, journal: string): Promise<ReplayReport> {
  let entries: z.infer<typeof journalSchema>;
  try {
    entries = journalSchema.parse(JSON.parse(journal));
  } catch (cause) {
    const e = new OutboxError('journal-invalid', { issue: cause instanceof Error ? cause.message.slice(0, 200) : String(cause) });
    return { done: 'all', refused: [{ id: '', code: e.code, message: e.message }] };
  }
  const calls = entries.map((e): Promise<WriteReceipt> => {
    const options = { id: e.id, replay: { createdAt: e.at } };
    return e.d === 1 ? api.delete(e.c, e.k, options) : api.put(e.c, e.k, e.v as JsonValue, options);
  });
  const outcomes = await Promise.allSettled(calls);
  const report = { done: [] as string[], refused: [] as { id: string; code: string; message: string }[] };
  for (const [i, outcome] of outcomes.entries()) {
    const id = (entries[i] as (typeof entries)[number]).id;
    if (outcome.status === 'rejected') {
      const error = outcome.reason;
      if (RETRY_LATER.some((code) => isOutboxError(error, code as never))) continue;
      const code = isOutboxError(error) ? error.code : 'storage-failed';
      report.refused.push({ id, code, message: error instanceof Error ? error.message : String(error) });
    }
    report.done.push(id);
  }
  return report;
}
