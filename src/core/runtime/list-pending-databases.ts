import { readCounts } from '../queue/read-counts.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';

/** An outbox database on this device that still holds unsynced writes. */
export interface PendingDatabase {
  /** The IndexedDB database name (one per user, e.g. `outbox-demo-<userId>`). */
  readonly name: string;
  /** Writes waiting to be pushed. */
  readonly pending: number;
  /** Writes that failed for good and wait for the user (retry, edit or discard). */
  readonly deadLetters: number;
}

/** What {@link listPendingDatabases} needs: the device's database names and a way to open one. */
export interface PendingDatabasesDeps {
  /** `indexedDB.databases()`, or a twin. */
  readonly databases: () => Promise<readonly { readonly name?: string | undefined }[]>;
  readonly openStorage: (name: string) => Promise<OutboxStorage>;
}

/**
 * The outbox databases whose name starts with `prefix` that hold pending writes or dead
 * letters, by name. Each is opened, counted in one readonly transaction, and closed again;
 * nothing is pushed. How an app learns, when users switch, whose writes are still on the
 * device (e.g. to tell the user, or to drain them when that user signs in again).
 */
export async function listPendingDatabases(prefix: string, deps: PendingDatabasesDeps): Promise<PendingDatabase[]> {
  const names = (await deps.databases())
    .map((d) => d.name)
    .filter((name): name is string => name?.startsWith(prefix) === true)
    .sort();
  const found: PendingDatabase[] = [];
  for (const name of names) {
    const storage = await deps.openStorage(name);
    try {
      const { pending, deadLetters } = await readCounts(storage);
      if (pending > 0 || deadLetters > 0) found.push({ name, pending, deadLetters });
    } finally {
      storage.close();
    }
  }
  return found;
}
