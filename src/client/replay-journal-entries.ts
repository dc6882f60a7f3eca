import type { OutboxError } from '../outbox-error.ts';
import type { JournalEntry } from './journaled-writes.ts';
import type { WorkerConnection } from './worker-connection.ts';

/**
 * Sends a journal a previous page left to the worker, which replays it; then drops what settled
 * from the stored journal and reports the entries the worker refused for good. Loaded only when
 * there is a journal to replay (a page went away with writes unfinished), so the page bundle
 * does not carry it. The call is posted before this returns: writes made after are queued after it.
 */
export function replayJournalEntries(
  c: WorkerConnection,
  text: string,
  journal: { read(): JournalEntry[]; write(entries: JournalEntry[]): void },
  report: (error: OutboxError) => void,
  // Passed in rather than imported, so this chunk shares no module with the page bundle.
  Err: typeof OutboxError,
): void {
  c.call('replayJournal', (r) => r.replayJournal(text)).then(
    ({ done, refused }) => {
      journal.write(done === 'all' ? [] : journal.read().filter((e) => !done.includes(e.id)));
      for (const f of refused) report(new Err(f.code as never, { id: f.id }, { message: f.message }));
    },
    () => {
      // Not sent (the worker died): the journal stays for the next start.
    },
  );
}
