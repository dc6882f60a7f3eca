import { OutboxError } from '../../errors.ts';
import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { WriteId } from '../../protocol/ids.ts';
import type { DocChange } from '../../protocol/outbox-api.ts';
import type { ErrorInfo, PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { PROTOCOL_VERSION, type ServerDoc, type WriteResult } from '../../protocol/push-messages.ts';
import { type DocRef, docChange } from '../docs/read-doc-changes.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import { applyResolution, followUpWrite } from './apply-resolution.ts';
import { deadLetterWrite } from './dead-letter-write.ts';
import { rememberAckedIds } from './recent-acked-ids.ts';
import type { QueueContext } from './queue-context.ts';
import { type ConflictResolution, localValue, remoteValue, resolveConflict } from './resolve-conflict.ts';

/** What settling one push changed. */
export interface SettleReport {
  /** Writes that are done: applied, duplicate of applied, or settled by a conflict policy with nothing left to send. */
  readonly acked: WriteId[];
  /** Writes that went to the dead-letter store (rejected, or a merge that failed). */
  readonly deadLettered: DeadLetter[];
  /** Writes replaced by a new write carrying the conflict decision (client-won, merged). */
  readonly replaced: Array<{ readonly from: WriteId; readonly to: WriteId }>;
  readonly conflicts: ConflictRecord[];
  /** The new snapshot of every document the settlement touched (acked, dead-lettered, conflict settled); emit them after the commit. */
  readonly changes: DocChange[];
}

/**
 * Checks that a push response answers the batch: one result per write, same ids and seqs, in order.
 * @throws OutboxError `protocol-error` when it does not.
 */
export function checkResults(batch: readonly PendingWrite[], results: readonly WriteResult[], url: string): void {
  const bad =
    results.length !== batch.length ? -1 : results.findIndex((r, i) => r.id !== batch[i]?.id || r.seq !== batch[i]?.seq);
  if (results.length === batch.length && bad === -1) return;
  throw new OutboxError('protocol-error', {
    url,
    path: bad === -1 ? ['results'] : ['results', String(bad)],
    issue:
      bad === -1
        ? `${results.length} results for ${batch.length} writes`
        : 'result does not match the write sent at that position',
    expected: PROTOCOL_VERSION,
  });
}

/**
 * Settles a push's per-write results in one transaction: applied and duplicates leave the
 * outbox and record the server version on the document (unless a later write to it is
 * pending); rejected writes become dead letters with the server's code; conflicts go through
 * the collection's policy and are recorded. A result for a write no longer in the outbox
 * (discarded meanwhile) is ignored. Call {@link checkResults} first.
 *
 * The requests are pipelined rather than awaited one at a time (a round trip per request would
 * cap the drain): one read of the pending writes and one of the document per distinct document,
 * then every change of the batch issued in batch order and awaited together. The outcome is the
 * same as settling the writes one by one, as the reads are replayed in memory in that order.
 */
export function settleResults(
  storage: OutboxStorage,
  batch: readonly PendingWrite[],
  results: readonly WriteResult[],
  ctx: QueueContext,
): Promise<SettleReport> {
  return storage.transact('readwrite', async (tx) => {
    const states = await readDocStates(tx, batch);
    const s: Settling = { tx, ctx, requests: [], letters: [], acked: [], replaced: [], conflicts: [] };
    const touched = new Map<string, DocState>();
    for (const [i, claimed] of batch.entries()) {
      const result = results[i];
      const state = states.get(docKey(claimed.collection, claimed.key));
      const write = state?.pending.get(claimed.seq);
      if (result === undefined || state === undefined || write === undefined) continue;
      state.pending.delete(write.seq);
      touched.set(docKey(write.collection, write.key), state);
      const final = result.status === 'duplicate' ? result.original : result;
      if (final.status === 'applied') {
        s.requests.push(tx.deleteWrite(write.seq));
        recordVersion(s, state, write, final.version);
        s.acked.push(write.id);
      } else if (final.status === 'rejected') {
        s.letters.push(deadLetterWrite(tx, write, 'rejected', { code: final.code, message: final.message }, ctx.now));
      } else {
        settleConflict(s, state, write, final.current);
      }
    }
    // A journal replay of a write that left the outbox must not land again.
    s.requests.push(rememberAckedIds(tx, [...s.acked, ...s.replaced.map((r) => r.from)]));
    // One Promise.all over every request, so a failing one never leaves another rejection unobserved.
    const [deadLettered] = await Promise.all([Promise.all(s.letters), ...s.requests]);
    const { acked, replaced, conflicts } = s;
    const changes = [...touched.values()].map((state) => docChange(state.ref, state.doc, pendingCount(state), 'remote'));
    return { acked, deadLettered, replaced, conflicts, changes };
  });
}

/** The batch being settled: its transaction, the requests issued so far and the report being built. */
interface Settling {
  readonly tx: StorageTx;
  readonly ctx: QueueContext;
  readonly requests: Promise<unknown>[];
  readonly letters: Promise<DeadLetter>[];
  readonly acked: WriteId[];
  readonly replaced: Array<{ readonly from: WriteId; readonly to: WriteId }>;
  readonly conflicts: ConflictRecord[];
}

/** What the transaction holds for one document, kept current as the batch is settled in order. */
interface DocState {
  readonly ref: DocRef;
  /** Its pending writes by seq (those of the batch included until they are settled). */
  readonly pending: Map<number, PendingWrite>;
  /** Follow-up writes added for it in this batch (pending too, seq not known yet). */
  added: number;
  doc: StoredDoc | undefined;
}

const docKey = (collection: string, key: string): string => `${collection}\u0000${key}`;

/** Reads, for every distinct document of the batch, its pending writes and its stored document, all at once. */
async function readDocStates(tx: StorageTx, batch: readonly PendingWrite[]): Promise<Map<string, DocState>> {
  const states = new Map<string, DocState>();
  const reads: Promise<void>[] = [];
  for (const { collection, key } of batch) {
    const id = docKey(collection, key);
    if (states.has(id)) continue;
    const state: DocState = { ref: { collection, key }, pending: new Map(), added: 0, doc: undefined };
    states.set(id, state);
    reads.push(
      tx.listWritesForDoc(collection, key).then((writes) => {
        for (const write of writes) state.pending.set(write.seq, write);
      }),
      tx.getDoc(collection, key).then((doc) => {
        state.doc = doc;
      }),
    );
  }
  await Promise.all(reads);
  return states;
}

const pendingCount = (state: DocState): number => state.pending.size + state.added;
const hasPending = (state: DocState): boolean => pendingCount(state) > 0;

/** Stores the acknowledged server version on the document, unless a later local write to it is still pending. */
function recordVersion(s: Settling, state: DocState, write: PendingWrite, version: number): void {
  const doc = state.doc;
  if (write.op !== 'put' || hasPending(state) || doc === undefined || (doc.version ?? -1) >= version) return;
  state.doc = { ...doc, version };
  s.requests.push(s.tx.putDoc(state.doc));
}

function settleConflict(s: Settling, state: DocState, write: PendingWrite, current: ServerDoc): void {
  const { tx, ctx } = s;
  const decided = decide(write, current, ctx);
  if ('error' in decided) {
    s.letters.push(deadLetterWrite(tx, write, 'conflict', decided.error, ctx.now));
    return;
  }
  const { resolution, collection } = decided;
  s.requests.push(tx.deleteWrite(write.seq));
  // A later pending write to the same document carries newer local intent and will meet the
  // same conflict itself; re-sending this one after it would put an older value on top.
  const superseded = hasPending(state);
  if (resolution.followUp && !superseded) {
    const next = followUpWrite(write, resolution, current, ctx);
    s.requests.push(tx.addWrite(next));
    state.added += 1;
    s.replaced.push({ from: write.id, to: next.id });
  } else {
    s.acked.push(write.id);
  }
  if (!superseded) {
    const applied = applyResolution(tx, { write, resolution, current, collection, doc: state.doc, now: ctx.now });
    state.doc = applied.doc;
    s.requests.push(applied.done);
  }
  const record: ConflictRecord = {
    v: 1,
    id: ctx.newId(),
    collection: write.collection,
    key: write.key,
    policy: resolution.policy,
    decision: resolution.decision,
    local: localValue(write),
    remote: remoteValue(current),
    remoteVersion: current.version,
    result: resolution.result,
    writeId: write.id,
    at: ctx.now,
  };
  s.requests.push(tx.putConflict(record));
  s.conflicts.push(record);
}

type Decided =
  | { resolution: ConflictResolution; collection: NonNullable<ReturnType<QueueContext['collection']>> }
  | { error: ErrorInfo };

/** Runs the policy and validates a merged value; any failure is an error for a dead letter. */
function decide(write: PendingWrite, current: ServerDoc, ctx: QueueContext): Decided {
  const collection = ctx.collection(write.collection);
  if (collection === undefined) {
    const e = new OutboxError('unknown-collection', { collection: write.collection });
    return { error: { code: e.code, message: e.message } };
  }
  try {
    const resolution = resolveConflict(collection.conflict, write, current);
    if (resolution.decision === 'merged' && resolution.result !== null) {
      const parsed = collection.schema.safeParse(resolution.result);
      if (!parsed.success) throw new Error(`merged value does not match the schema: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return { resolution, collection };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const e = new OutboxError('conflict-merge-failed', {
      collection: write.collection,
      key: write.key,
      writeId: write.id,
      reason,
    });
    return { error: { code: e.code, message: e.message } };
  }
}
