import type { DocChange } from '../../protocol/outbox-api.ts';
import type { Change, PullResponse } from '../../protocol/pull-messages.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from '../docs/define-collection.ts';
import { isString } from '../storage/meta-guards.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import { acceptPulledValue } from './accept-pulled-value.ts';
import type { QueueContext } from './queue-context.ts';

/** Meta key of the opaque pull cursor. */
export const PULL_CURSOR_META_KEY = 'pullCursor';

/** The stored pull cursor, or undefined before the first pull. */
export function readPullCursor(storage: OutboxStorage): Promise<string | undefined> {
  return storage.transact('readonly', (tx) => tx.getMeta(PULL_CURSOR_META_KEY, isString));
}

/**
 * Applies one pull page atomically with its cursor: documents take the server's value and
 * version, except documents with pending local writes (their conflict is settled when those
 * writes are pushed), documents of collections the app does not declare, and documents whose
 * local version is already as new. A pulled value is migrated to the collection's schema version
 * and validated (accept-pulled-value.ts); one that fails is not stored but quarantined with the
 * code `pulled-doc-invalid`, and the page goes on. Returns the changes to emit (source 'remote') after the commit.
 *
 * Pipelined: one read of the pending writes and one of the document per distinct document, all
 * at once; then every change issued in page order and awaited together.
 */
export function applyPullPage(
  storage: OutboxStorage,
  page: PullResponse,
  ctx: Pick<QueueContext, 'now' | 'collection'>,
): Promise<DocChange[]> {
  return storage.transact('readwrite', async (tx) => {
    const states = await readDocStates(tx, page.changes, ctx);
    const changes: DocChange[] = [];
    const requests: Promise<void>[] = [];
    for (const change of page.changes) {
      const state = states.get(docKey(change.collection, change.key));
      const applied = state === undefined ? undefined : applyChange(tx, change, state, ctx, requests);
      if (applied !== undefined) changes.push(applied);
    }
    requests.push(tx.putMeta(PULL_CURSOR_META_KEY, page.cursor));
    await Promise.all(requests);
    return changes;
  });
}

/** What the transaction holds for one document of the page. */
interface DocState {
  readonly collection: Collection;
  pending: boolean;
  doc: StoredDoc | undefined;
}

const docKey = (collection: string, key: string): string => `${collection}\u0000${key}`;

/** Reads, for every distinct document of a declared collection, whether writes to it are pending and its stored document. */
async function readDocStates(
  tx: StorageTx,
  changes: readonly Change[],
  ctx: Pick<QueueContext, 'collection'>,
): Promise<Map<string, DocState>> {
  const states = new Map<string, DocState>();
  const reads: Promise<void>[] = [];
  for (const { collection: name, key } of changes) {
    const id = docKey(name, key);
    const collection = ctx.collection(name);
    if (collection === undefined || states.has(id)) continue;
    const state: DocState = { collection, pending: false, doc: undefined };
    states.set(id, state);
    reads.push(
      tx.listWritesForDoc(name, key).then((writes) => {
        state.pending = writes.length > 0;
      }),
      tx.getDoc(name, key).then((doc) => {
        state.doc = doc;
      }),
    );
  }
  await Promise.all(reads);
  return states;
}

function applyChange(
  tx: StorageTx,
  change: Change,
  state: DocState,
  ctx: Pick<QueueContext, 'now'>,
  requests: Promise<void>[],
): DocChange | undefined {
  const { collection: name, key } = change;
  const doc = state.doc;
  if (state.pending) return undefined;
  if (doc !== undefined && doc.version !== null && doc.version >= change.version) return undefined;
  if (change.op === 'delete' || change.value === undefined) {
    if (doc === undefined) return undefined;
    requests.push(tx.deleteDoc(name, key));
    state.doc = undefined;
    return { collection: name, key, op: 'delete', value: undefined, version: null, pendingWrites: 0, source: 'remote' };
  }
  const accepted = acceptPulledValue(state.collection, key, change.value);
  if (!accepted.ok) {
    // Not stored, and the pull goes on: the local copy stays as it was, and the change is kept for the app to see.
    requests.push(
      tx.quarantine({ code: 'pulled-doc-invalid', store: 'pull', key: `${name}/${key}`, reason: accepted.reason, raw: change }),
    );
    return undefined;
  }
  state.doc = {
    collection: name,
    key,
    value: accepted.value,
    version: change.version,
    schemaVersion: state.collection.version,
    updatedAt: ctx.now,
  };
  requests.push(tx.putDoc(state.doc));
  return { collection: name, key, op: 'put', value: accepted.value, version: change.version, pendingWrites: 0, source: 'remote' };
}
