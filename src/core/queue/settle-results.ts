import { OutboxError } from '../../errors.ts';
import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { WriteId } from '../../protocol/ids.ts';
import type { DocChange } from '../../protocol/outbox-api.ts';
import type { ErrorInfo, PendingWrite } from '../../protocol/pending-write.ts';
import { PROTOCOL_VERSION, type ServerDoc, type WriteResult } from '../../protocol/push-messages.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import { applyResolution, followUpWrite } from './apply-resolution.ts';
import { deadLetterWrite } from './dead-letter-write.ts';
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
  /** Documents changed by conflict decisions; emit them (source 'remote') after the commit. */
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
 */
export function settleResults(
  storage: OutboxStorage,
  batch: readonly PendingWrite[],
  results: readonly WriteResult[],
  ctx: QueueContext,
): Promise<SettleReport> {
  return storage.transact('readwrite', async (tx) => {
    const report: SettleReport = { acked: [], deadLettered: [], replaced: [], conflicts: [], changes: [] };
    for (const [i, claimed] of batch.entries()) {
      const result = results[i];
      const write = await tx.getWrite(claimed.seq);
      if (result === undefined || write === undefined) continue;
      const final = result.status === 'duplicate' ? result.original : result;
      if (final.status === 'applied') {
        await tx.deleteWrite(write.seq);
        await recordVersion(tx, write, final.version);
        report.acked.push(write.id);
      } else if (final.status === 'rejected') {
        report.deadLettered.push(
          await deadLetterWrite(tx, write, 'rejected', { code: final.code, message: final.message }, ctx.now),
        );
      } else {
        await settleConflict(tx, write, final.current, ctx, report);
      }
    }
    return report;
  });
}

/** Stores the acknowledged server version on the document, unless a later local write to it is still pending. */
async function recordVersion(tx: StorageTx, write: PendingWrite, version: number): Promise<void> {
  if (write.op !== 'put' || (await tx.listWritesForDoc(write.collection, write.key)).length > 0) return;
  const doc = await tx.getDoc(write.collection, write.key);
  if (doc !== undefined && (doc.version ?? -1) < version) await tx.putDoc({ ...doc, version });
}

async function settleConflict(tx: StorageTx, write: PendingWrite, current: ServerDoc, ctx: QueueContext, report: SettleReport) {
  const decided = decide(write, current, ctx);
  if ('error' in decided) {
    report.deadLettered.push(await deadLetterWrite(tx, write, 'conflict', decided.error, ctx.now));
    return;
  }
  const { resolution, collection } = decided;
  await tx.deleteWrite(write.seq);
  // A later pending write to the same document carries newer local intent and will meet the
  // same conflict itself; re-sending this one after it would put an older value on top.
  const superseded = (await tx.listWritesForDoc(write.collection, write.key)).length > 0;
  if (resolution.followUp && !superseded) {
    const next = followUpWrite(write, resolution, current, ctx);
    await tx.addWrite(next);
    report.replaced.push({ from: write.id, to: next.id });
  } else {
    report.acked.push(write.id);
  }
  if (!superseded) await applyResolution(tx, write, resolution, current, collection, ctx.now, report.changes);
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
  await tx.putConflict(record);
  report.conflicts.push(record);
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
