import type { DocChange } from '../../protocol/outbox-api.ts';
import { META_SCHEMA_VERSIONS } from '../docs/run-migrations.ts';
import { isVersionMap } from '../storage/meta-guards.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import type { QueueContext } from './queue-context.ts';

/**
 * Meta key, `true` while a full re-pull runs: the server answered `cursor-expired` (it has
 * forgotten deletions newer than the stored cursor), so the pull starts over from the beginning
 * and ends with {@link sweepAbsentDocs}. A re-pull cut short starts over on the next pass.
 */
export const PULL_RESYNC_META_KEY = 'pullResync';

const PAGE = 200;

/** Map key of a document the full re-pull saw on the server. */
export const seenKey = (collection: string, key: string): string => `${collection}\u0000${key}`;

const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

/** Whether a full re-pull is under way. */
export function readPullResync(storage: OutboxStorage): Promise<boolean> {
  return storage.transact('readonly', async (tx) => (await tx.getMeta(PULL_RESYNC_META_KEY, isBoolean)) === true);
}

/** Marks a full re-pull as begun (`true`) or finished (`false`). */
export function writePullResync(storage: OutboxStorage, active: boolean): Promise<void> {
  return storage.transact('readwrite', (tx) => tx.putMeta(PULL_RESYNC_META_KEY, active));
}

/**
 * The end of a full re-pull: removes every local document of a declared collection that the
 * server no longer has (`seen` holds every document the re-pull returned), except documents
 * with pending writes (their writes will recreate them on the server) and documents the server
 * never had (version null). One transaction per page; returns the changes to emit (source 'remote').
 */
export async function sweepAbsentDocs(
  storage: OutboxStorage,
  seen: ReadonlySet<string>,
  ctx: Pick<QueueContext, 'collection'>,
): Promise<DocChange[]> {
  const recorded = await storage.transact('readonly', (tx) => tx.getMeta(META_SCHEMA_VERSIONS, isVersionMap));
  const names = Object.keys(recorded ?? {}).filter((name) => ctx.collection(name) !== undefined);
  const removed: DocChange[] = [];
  for (const name of names) {
    let after: string | undefined;
    for (;;) {
      const page = await storage.transact('readwrite', async (tx) => {
        const docs = await tx.listDocs(name, after, PAGE);
        const absent = docs.filter((doc) => doc.version !== null && !seen.has(seenKey(name, doc.key)));
        const pending = await tx.listWritesForDocs(
          name,
          absent.map((doc) => doc.key),
        );
        const gone = absent.filter((_, i) => (pending[i]?.length ?? 0) === 0);
        await Promise.all(gone.map((doc) => tx.deleteDoc(name, doc.key)));
        return { last: docs.at(-1)?.key, full: docs.length === PAGE, gone };
      });
      for (const doc of page.gone) {
        removed.push({
          collection: name,
          key: doc.key,
          op: 'delete',
          value: undefined,
          version: null,
          pendingWrites: 0,
          source: 'remote',
        });
      }
      if (!page.full || page.last === undefined) break;
      after = page.last;
    }
  }
  return removed;
}
