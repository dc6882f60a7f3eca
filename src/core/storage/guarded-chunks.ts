import type { ChunkRequests } from './chunked-outbox-tx.ts';
import type { OutboxChunk, OutboxState } from './outbox-chunk.ts';
import type { Quarantine } from './quarantine.ts';
import { asStoredWrite, describeValue, storedWriteProblem } from './record-guards.ts';
import type { StoredWrite } from './stored-write.ts';

/** The plain `outbox` and state requests of one transaction, before any record is checked (structural: no `idb` here). */
export interface RawChunkStore {
  /** Walks the stored records with key ≤ `seq` from the largest key down; stops at the first one `take` returns a chunk for. */
  walkDown(seq: number, take: (key: number, raw: unknown) => OutboxChunk | undefined): Promise<OutboxChunk | undefined>;
  /** Records with key > `after`, in key order, at most `count`, with their keys. */
  page(after: number, count: number): Promise<{ readonly keys: readonly number[]; readonly values: readonly unknown[] }>;
  put(chunk: OutboxChunk): Promise<unknown>;
  delete(key: number): Promise<unknown>;
  getState(): Promise<unknown>;
  putState(state: OutboxState): Promise<unknown>;
}

const CHUNK_FIELDS = new Set(['firstSeq', 'clientId', 'writes']);

/**
 * The chunk a stored record stands for, checked: the record itself when it is right (the hot
 * path: no copy); a copy with only its good writes when some are wrong; undefined when the
 * chunk itself is wrong. Each wrong write or chunk is reported, as it was read.
 */
export function checkChunk(key: number, raw: unknown, report: (reason: string, raw: unknown) => void): OutboxChunk | undefined {
  const problem = chunkProblem(key, raw);
  if (problem !== undefined) {
    report(`outbox chunk: ${problem}`, raw);
    return undefined;
  }
  const chunk = raw as OutboxChunk;
  let good: StoredWrite[] | undefined;
  let last = key - 1;
  for (const [i, write] of chunk.writes.entries()) {
    let wrong = storedWriteProblem(write);
    const seq = (write as { seq?: unknown } | null)?.seq as number;
    if (wrong === undefined && seq <= last) wrong = `seq ${seq} is out of order in the chunk at ${key}`;
    if (wrong === undefined) {
      last = seq;
      good?.push(asStoredWrite(write));
      continue;
    }
    report(`pending write ${i} in the chunk at ${key}: ${wrong}`, write);
    good ??= chunk.writes.slice(0, i);
  }
  if (good === undefined) return chunk;
  return good.length === 0 ? undefined : { firstSeq: key, clientId: chunk.clientId, writes: good };
}

function chunkProblem(key: number, raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `not an object (${describeValue(raw)})`;
  const r = raw as Record<string, unknown>;
  for (const name in r) if (!CHUNK_FIELDS.has(name)) return `unknown field '${name}'`;
  if (r.firstSeq !== key) return `'firstSeq' is ${describeValue(r.firstSeq)} under the key ${key}`;
  if (typeof r.clientId !== 'string') return `'clientId' is ${describeValue(r.clientId)}`;
  if (!Array.isArray(r.writes)) return `'writes' is ${describeValue(r.writes)}`;
  // Never stored (a transaction deletes a chunk it emptied), and it would own the seqs of the chunk before it.
  if (r.writes.length === 0) return `'writes' is empty`;
  return undefined;
}

/**
 * The chunked outbox's requests with every chunk checked as it is read ({@link checkChunk}): wrong
 * writes and chunks go to the quarantine, and in a readwrite transaction the stored chunk is
 * rewritten without them (or deleted) at once. Paging is kept whole: a page that lost chunks is
 * topped up from the store, so callers that stop at a short page still see every good chunk.
 */
export function guardedChunkRequests(raw: RawChunkStore, quarantine: Quarantine): ChunkRequests {
  const take = (key: number, value: unknown): OutboxChunk | undefined => {
    let reported = false;
    const chunk = checkChunk(key, value, (reason, record) => {
      reported = true;
      quarantine.report({
        code: 'record-quarantined',
        store: 'outbox',
        key,
        reason,
        raw: record,
        // Reading the seq of the chunk's key reads this chunk again.
        reread: (tx) => tx.getWrite(key),
      });
    });
    if (reported) quarantine.repair(() => (chunk === undefined ? raw.delete(key) : raw.put(chunk)));
    return chunk;
  };
  return {
    owner: (seq) => raw.walkDown(seq, take),
    async after(after, count) {
      const out: OutboxChunk[] = [];
      let cursor = after;
      // Bounded by the store: each round moves the cursor past the records it read.
      for (;;) {
        const want = count - out.length;
        const { keys, values } = await raw.page(cursor, want);
        for (const [i, value] of values.entries()) {
          const chunk = take(keys[i] as number, value);
          if (chunk !== undefined) out.push(chunk);
        }
        const lastKey = keys.at(-1);
        if (out.length >= count || values.length < want || lastKey === undefined) return out;
        cursor = lastKey;
      }
    },
    put: (chunk) => raw.put(chunk),
    delete: (firstSeq) => raw.delete(firstSeq),
    getState: () => raw.getState(),
    putState: (state) => raw.putState(state),
  };
}
