import { OutboxError } from '../../errors.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import { PROTOCOL_VERSION, type PushRequest, type PushResponse, type WireWrite } from '../../protocol/push-messages.ts';
import { claimBatch } from '../queue/claim-batch.ts';
import { deadLetterBatch } from '../queue/dead-letter-batch.ts';
import { expireRetention } from '../queue/expire-retention.ts';
import { releaseBatch } from '../queue/release-batch.ts';
import { checkResults, type SettleReport, settleResults } from '../queue/settle-results.ts';
import type { TransportOutcome } from '../retry/transport-outcome.ts';
import { BatchBisect, SPLITTABLE_REFUSAL_CODES } from './batch-bisect.ts';
import type { PassDeps, PassEnd } from './pass-deps.ts';

/** Most batches one pass sends before yielding to the loop (which starts another pass). */
const MAX_BATCHES_PER_PASS = 1_000;

/** What the loop does with the results of each step, to keep waiters, counts and watchers current. */
export interface PushHooks {
  settled(batch: readonly PendingWrite[], report: SettleReport): Promise<void>;
  deadLettered(letters: DeadLetter[]): Promise<void>;
}

/** The wire form of a batch: writes in ascending seq, as claimed. */
export function toPushRequest(clientId: PushRequest['clientId'], batch: readonly PendingWrite[]): PushRequest {
  const writes = batch.map((w): WireWrite => {
    const wire: WireWrite = {
      seq: w.seq,
      id: w.id,
      collection: w.collection,
      key: w.key,
      op: w.op,
      baseVersion: w.baseVersion,
      writtenAt: w.createdAt,
    };
    return w.op === 'put' && w.value !== undefined ? { ...wire, value: w.value } : wire;
  });
  return { protocol: PROTOCOL_VERSION, clientId, writes };
}

/**
 * Pushes the outbox batch by batch until it is empty or a request fails: expired writes go to
 * the dead-letter store first; a 413 halves the batch (a single write still refused becomes a
 * `too-large` dead letter); a 400 that refuses the batch whole for what its writes hold
 * ({@link SPLITTABLE_REFUSAL_CODES}) is bisected until the refused writes are alone, and only
 * they are dead-lettered; any other 4xx dead-letters the whole batch with the server's code.
 */
export async function pushPass(d: PassDeps, hooks: PushHooks): Promise<PassEnd> {
  const expired = await expireRetention(d.storage, d.now(), d.policy.retentionMs);
  if (expired.length > 0) await hooks.deadLettered(expired);
  const total = await d.storage.transact('readonly', (tx) => tx.countWrites());
  if (total > 0) d.event({ type: 'drain-started', at: d.now(), total });
  let maxCount = d.policy.maxBatchCount;
  const bisect = new BatchBisect();
  let exchanged = false;
  // Every settled or dead-lettered batch leaves the outbox, so the next claim starts after it.
  let afterSeq = 0;
  for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
    if (d.shouldStop()) return { kind: 'stopped' };
    const count = bisect.limit(maxCount);
    const claim = { now: d.now(), leaseMs: d.policy.leaseMs, maxCount: count, maxBytes: d.policy.maxBatchBytes, afterSeq };
    const { writes, blockedUntil } = await claimBatch(d.storage, claim);
    if (writes.length === 0)
      return blockedUntil === undefined ? { kind: 'done', exchanged, more: false } : { kind: 'blocked', until: blockedUntil };
    d.event({ type: 'push-started', at: d.now(), inFlight: writes.length });
    const outcome = await d.send(() => d.transport.push(toPushRequest(d.clientId, writes)));
    const step = await handleOutcome(d, hooks, writes, outcome, bisect);
    if (step === 'split') maxCount = Math.ceil(writes.length / 2);
    else if (step === 'bisect') continue;
    else if (step !== 'next') return step;
    else {
      exchanged = true;
      afterSeq = writes.at(-1)?.seq ?? afterSeq;
    }
  }
  return { kind: 'done', exchanged, more: true };
}

async function handleOutcome(
  d: PassDeps,
  hooks: PushHooks,
  batch: PendingWrite[],
  outcome: TransportOutcome<PushResponse>,
  bisect: BatchBisect,
): Promise<PassEnd | 'next' | 'split' | 'bisect'> {
  const now = d.now();
  switch (outcome.kind) {
    case 'ok':
      try {
        checkResults(batch, outcome.body.results, '/v1/push');
      } catch (e) {
        const error =
          e instanceof OutboxError ? { code: e.code, message: e.message } : { code: 'protocol-error', message: String(e) };
        await releaseBatch(d.storage, batch, error, now);
        return { kind: 'failed', error, retryAfterMs: undefined, network: false };
      }
      await hooks.settled(batch, await settleResults(d.storage, batch, outcome.body.results, d.context()));
      bisect.accepted(batch.length);
      return 'next';
    case 'transient':
      await releaseBatch(d.storage, batch, outcome.error, now);
      return { kind: 'failed', error: outcome.error, retryAfterMs: outcome.retryAfterMs, network: outcome.network };
    case 'auth':
      await releaseBatch(d.storage, batch, null, now);
      return { kind: 'auth', error: outcome.error };
    case 'too-large':
      if (batch.length > 1) {
        await releaseBatch(d.storage, batch, null, now);
        return 'split';
      }
      await hooks.deadLettered(await deadLetterBatch(d.storage, batch, 'too-large', tooLarge, now));
      return 'next';
    case 'permanent':
      if (SPLITTABLE_REFUSAL_CODES.has(outcome.error.code) && bisect.refused(batch.length)) {
        // The valid writes among them must not share the refused ones' fate: find those by halves.
        await releaseBatch(d.storage, batch, null, now);
        return 'bisect';
      }
      await hooks.deadLettered(await deadLetterBatch(d.storage, batch, 'rejected', () => outcome.error, now));
      return 'next';
  }
}

function tooLarge(write: PendingWrite) {
  const e = new OutboxError('batch-too-large', {
    writeId: write.id,
    collection: write.collection,
    key: write.key,
    bytes: write.size,
  });
  return { code: 'too-large', message: e.message };
}
