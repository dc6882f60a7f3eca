import type { DocChange } from '../../protocol/outbox-api.ts';
import type { Change, PullResponse } from '../../protocol/pull-messages.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import type { QueueContext } from './queue-context.ts';

/** Meta key of the opaque pull cursor. */
export const PULL_CURSOR_META_KEY = 'pullCursor';

/** The stored pull cursor, or undefined before the first pull. */
export function readPullCursor(storage: OutboxStorage): Promise<string | undefined> {
  return storage.transact('readonly', (tx) => tx.getMeta<string>(PULL_CURSOR_META_KEY));
}

/**
 * Applies one pull page atomically with its cursor: documents take the server's value and
 * version, except documents with pending local writes (their conflict is settled when those
 * writes are pushed), documents of collections the app does not declare, and documents whose
 * local version is already as new. Returns the changes to emit (source 'remote') after the commit.
 */
export function applyPullPage(
  storage: OutboxStorage,
  page: PullResponse,
  ctx: Pick<QueueContext, 'now' | 'collection'>,
): Promise<DocChange[]> {
  return storage.transact('readwrite', async (tx) => {
    const changes: DocChange[] = [];
    for (const change of page.changes) {
      const applied = await applyChange(tx, change, ctx);
      if (applied !== undefined) changes.push(applied);
    }
    await tx.putMeta(PULL_CURSOR_META_KEY, page.cursor);
    return changes;
  });
}

async function applyChange(
  tx: StorageTx,
  change: Change,
  ctx: Pick<QueueContext, 'now' | 'collection'>,
): Promise<DocChange | undefined> {
  const { collection: name, key } = change;
  const collection = ctx.collection(name);
  if (collection === undefined) return undefined;
  if ((await tx.listWritesForDoc(name, key)).length > 0) return undefined;
  const doc = await tx.getDoc(name, key);
  if (doc !== undefined && doc.version !== null && doc.version >= change.version) return undefined;
  if (change.op === 'delete' || change.value === undefined) {
    if (doc === undefined) return undefined;
    await tx.deleteDoc(name, key);
    return { collection: name, key, op: 'delete', value: undefined, source: 'remote' };
  }
  await tx.putDoc({
    collection: name,
    key,
    value: change.value,
    version: change.version,
    schemaVersion: collection.version,
    updatedAt: ctx.now,
  });
  return { collection: name, key, op: 'put', value: change.value, source: 'remote' };
}
