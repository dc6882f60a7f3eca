import { isDeeperThan, type JsonValue, MAX_VALUE_DEPTH } from '../../src/protocol/json-value.ts';
import type { FinalResult, ServerDoc, WireWrite, WriteResult } from '../../src/protocol/push-messages.ts';
import { errorMessages } from '../../src/error-messages.ts';

/** The server's row for one document, as the push logic sees it. */
export interface DocState {
  readonly collection: string;
  readonly key: string;
  readonly version: number;
  readonly value: JsonValue | null;
  readonly deleted: boolean;
  readonly writtenAt: number;
  /** Client that made the latest write. */
  readonly lastClientId: string;
  /** The version just before the current run of consecutive writes by `lastClientId` began. */
  readonly streakBase: number;
}

/** What the store read (under the client's row lock) before deciding. */
export interface BatchInput {
  readonly clientId: string;
  readonly highestSeq: number;
  /** Highest seq of this client whose processed-write records were pruned past the retention horizon (0: none). */
  readonly prunedSeq?: number | undefined;
  readonly writes: readonly WireWrite[];
  /** Final results already recorded for this user, by write id. */
  readonly processed: ReadonlyMap<string, FinalResult>;
  /** Current rows of the documents the batch touches, by {@link docKey}. */
  readonly docs: ReadonlyMap<string, DocState>;
  readonly maxDocBytes: number;
}

/** What the store must write, in the same transaction, and answer. */
export interface BatchDecision {
  readonly results: WriteResult[];
  /** Newly processed writes and their final results, to record. */
  readonly recorded: { readonly write: WireWrite; readonly result: FinalResult }[];
  /** Final state of every document changed by the batch. */
  readonly changedDocs: DocState[];
  readonly highestSeq: number;
}

/** Map key of a document. */
export const docKey = (collection: string, key: string): string => JSON.stringify([collection, key]);

/** UTF-8 size of a value as JSON. */
export const jsonBytes = (value: JsonValue | undefined): number =>
  value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * The push semantics of docs/PROTOCOL.md as a pure function: for each write in order,
 * duplicate → stale → too deep → too large → conflict → apply. No I/O; the store runs it inside the transaction.
 */
export function decideBatch(input: BatchInput): BatchDecision {
  const docs = new Map(input.docs);
  const changed = new Set<string>();
  const processed = new Map(input.processed);
  const results: WriteResult[] = [];
  const recorded: BatchDecision['recorded'] = [];
  let highestSeq = input.highestSeq;
  for (const write of input.writes) {
    const original = processed.get(write.id);
    if (original !== undefined) {
      results.push({ id: write.id, seq: write.seq, status: 'duplicate', original });
      continue;
    }
    // At or below the pruned seq an unknown id may be a write processed long ago: never apply it again.
    if (write.seq <= (input.prunedSeq ?? 0)) {
      results.push(expiredResult(write, input.prunedSeq ?? 0));
      continue;
    }
    if (write.seq <= highestSeq) {
      results.push(staleResult(write, highestSeq));
      continue;
    }
    const k = docKey(write.collection, write.key);
    const result = decideWrite(write, docs.get(k), input);
    if (result.status === 'applied') {
      docs.set(k, nextDoc(write, docs.get(k), input.clientId));
      // Re-inserting moves the document to the end: change ids follow each document's last write.
      changed.delete(k);
      changed.add(k);
    }
    processed.set(write.id, result);
    recorded.push({ write, result });
    results.push(result);
    highestSeq = write.seq;
  }
  return { results, recorded, changedDocs: [...changed].map((k) => docs.get(k)!), highestSeq };
}

function expiredResult(write: WireWrite, prunedSeq: number): WriteResult {
  const code = 'write-expired';
  const message = errorMessages[code]({ writeId: write.id, seq: write.seq, prunedSeq });
  return { id: write.id, seq: write.seq, status: 'rejected', code, message };
}

function staleResult(write: WireWrite, highest: number): WriteResult {
  const code = 'stale-sequence';
  const message = errorMessages[code]({ writeId: write.id, seq: write.seq, highest });
  return { id: write.id, seq: write.seq, status: 'rejected', code, message };
}

function decideWrite(write: WireWrite, doc: DocState | undefined, input: BatchInput): FinalResult {
  // Before the size: JSON.stringify recurses, so only a value within the depth limit is measured.
  if (isDeeperThan(write.value, MAX_VALUE_DEPTH)) {
    const code = 'value-too-deep';
    const d = { collection: write.collection, key: write.key, limit: MAX_VALUE_DEPTH };
    return { id: write.id, seq: write.seq, status: 'rejected', code, message: errorMessages[code](d) };
  }
  const bytes = jsonBytes(write.value);
  if (bytes > input.maxDocBytes) {
    const code = 'document-too-large';
    const d = { collection: write.collection, key: write.key, bytes, limit: input.maxDocBytes };
    return { id: write.id, seq: write.seq, status: 'rejected', code, message: errorMessages[code](d) };
  }
  if (isConflict(doc, write.baseVersion, input.clientId)) {
    return { id: write.id, seq: write.seq, status: 'conflict', current: serverDoc(doc) };
  }
  return { id: write.id, seq: write.seq, status: 'applied', version: (doc?.version ?? 0) + 1 };
}

/**
 * A write conflicts unless it is based on the current version, or every change since its
 * base was made by this same client (its own earlier, not yet acknowledged writes).
 * A base above the current version is always a conflict (the client knows a version the server never had).
 */
export function isConflict(doc: DocState | undefined, baseVersion: number | null, clientId: string): boolean {
  const base = baseVersion ?? 0;
  const version = doc?.version ?? 0;
  if (base === version) return false;
  if (doc === undefined || base > version) return true;
  return !(doc.lastClientId === clientId && base >= doc.streakBase);
}

function serverDoc(doc: DocState | undefined): ServerDoc {
  if (doc === undefined) return { version: 0, value: null, deleted: true, writtenAt: 0 };
  return { version: doc.version, value: doc.deleted ? null : doc.value, deleted: doc.deleted, writtenAt: doc.writtenAt };
}

function nextDoc(write: WireWrite, doc: DocState | undefined, clientId: string): DocState {
  const version = doc?.version ?? 0;
  const sameStreak = doc !== undefined && doc.lastClientId === clientId;
  return {
    collection: write.collection,
    key: write.key,
    version: version + 1,
    value: write.op === 'delete' ? null : (write.value ?? null),
    deleted: write.op === 'delete',
    writtenAt: write.writtenAt,
    lastClientId: clientId,
    streakBase: sameStreak ? doc.streakBase : version,
  };
}
