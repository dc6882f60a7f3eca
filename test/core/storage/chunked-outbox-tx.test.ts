import { describe, expect, test } from 'vitest';
import { type ChunkRequests, ChunkedOutboxTx } from '../../../src/core/storage/chunked-outbox-tx.ts';
import { CHUNK_WRITES, type OutboxChunk, type OutboxState, toChunks } from '../../../src/core/storage/outbox-chunk.ts';
import { IndexKeeper } from '../../../src/core/storage/pending-write-index.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { makeWrite } from '../../contracts/storage-fixtures.ts';

/** Chunk requests over a plain map, counting what the transaction asks of the store. */
function countingStore(writes: PendingWrite[]) {
  const chunks = new Map<number, OutboxChunk>(toChunks(writes).map((c) => [c.firstSeq, structuredClone(c)]));
  let state: OutboxState = { nextSeq: (writes.at(-1)?.seq ?? 0) + 1, token: 'seeded' };
  const calls = { owner: 0, after: [] as number[], chunksRead: 0 };
  const sorted = () => [...chunks.keys()].sort((a, b) => a - b);
  const io: ChunkRequests = {
    owner: async (seq) => {
      calls.owner += 1;
      const key = sorted()
        .filter((k) => k <= seq)
        .at(-1);
      if (key === undefined) return undefined;
      calls.chunksRead += 1;
      return structuredClone(chunks.get(key));
    },
    after: async (after, count) => {
      calls.after.push(count);
      const page = sorted()
        .filter((k) => k > after)
        .slice(0, count);
      calls.chunksRead += page.length;
      return page.map((k) => structuredClone(chunks.get(k) as OutboxChunk));
    },
    put: async (chunk) => chunks.set(chunk.firstSeq, structuredClone(chunk)),
    delete: async (firstSeq) => chunks.delete(firstSeq),
    getState: async () => state,
    putState: async (next) => {
      state = next;
    },
  };
  return { io, calls, chunks };
}

/** A transaction over `io` with a fresh connection index (so any use of the index first rebuilds it). */
const openTx = (io: ChunkRequests, writable: boolean): ChunkedOutboxTx =>
  new ChunkedOutboxTx(
    io,
    new IndexKeeper(),
    writable,
    () => {},
    () => 'next',
  );

const seeded = (n: number): PendingWrite[] =>
  Array.from({ length: n }, (_, i) => ({ ...makeWrite('events', `e${i}`), seq: i + 1 }));

describe('ChunkedOutboxTx', () => {
  test('reading a write by seq (as a document pointing at its value does) reads its chunk and never rebuilds the index', async () => {
    const { io, calls } = countingStore(seeded(CHUNK_WRITES * 3));
    // A keeper that knows no token: any use of the index would first rebuild it from every chunk.
    const tx = openTx(io, false);
    expect((await tx.getWrite(CHUNK_WRITES + 5))?.seq).toBe(CHUNK_WRITES + 5);
    expect(calls.after).toEqual([]);
    expect(calls.chunksRead).toBe(1);
  });

  test('appended writes of big documents fill chunks that stay under the 64 KiB Chromium stores as a blob file', async () => {
    const { io, chunks } = countingStore([]);
    const tx = openTx(io, true);
    const text = 'x'.repeat(2_000);
    const big = Array.from({ length: 100 }, (_, i) => makeWrite('notes', `n${i}`, { value: { text }, size: 2_012 }));
    const small = Array.from({ length: 300 }, (_, i) => makeWrite('events', `e${i}`));
    await tx.appendWrites([...big, ...small]);
    await tx.finish();
    const stored = [...chunks.values()];
    expect(stored.flatMap((c) => c.writes).map((w) => w.key)).toEqual([...big, ...small].map((w) => w.key));
    for (const chunk of stored) expect(new TextEncoder().encode(JSON.stringify(chunk)).length).toBeLessThan(64 * 1024);
    // Small writes still share chunks of up to CHUNK_WRITES.
    expect(stored.some((c) => c.writes.length === CHUNK_WRITES)).toBe(true);
  });

  test('a write bigger than the byte budget gets a chunk of its own', async () => {
    const { io, chunks } = countingStore([]);
    const tx = openTx(io, true);
    const huge = makeWrite('notes', 'huge', { value: { text: 'y'.repeat(100_000) }, size: 100_012 });
    await tx.appendWrites([makeWrite('events', 'a'), huge, makeWrite('events', 'b')]);
    await tx.finish();
    expect([...chunks.values()].map((c) => c.writes.map((w) => w.key))).toEqual([['a'], ['huge'], ['b']]);
  });

  test('deleting every write of a chunk at once reads that chunk from the store once', async () => {
    const { io, calls, chunks } = countingStore(seeded(CHUNK_WRITES * 2));
    const tx = openTx(io, true);
    await Promise.all(Array.from({ length: CHUNK_WRITES }, (_, i) => tx.deleteWrite(i + 1)));
    await tx.finish();
    expect(calls.owner).toBe(1);
    expect([...chunks.keys()]).toEqual([CHUNK_WRITES + 1]);
  });

  test('asking for the oldest write reads one chunk, not a page of them', async () => {
    const { io, calls } = countingStore(seeded(CHUNK_WRITES * 10));
    const tx = openTx(io, false);
    await tx.getWriteById('not-there'); // loads the index (a full read, once per connection)
    calls.chunksRead = 0;
    const [oldest] = await tx.listWrites(CHUNK_WRITES * 3, 1);
    expect(oldest?.seq).toBe(CHUNK_WRITES * 3 + 1);
    expect(calls.chunksRead).toBeLessThanOrEqual(2);
  });

  test('a write put below every chunk while many chunks are changed is still written back', async () => {
    const writes = seeded(CHUNK_WRITES * 20).map((w) => ({ ...w, seq: w.seq + 1_000 }));
    const { io, chunks } = countingStore(writes);
    const tx = openTx(io, true);
    // One delete in each of 20 chunks: 20 changed chunks held, more than the clean ones kept.
    for (let c = 0; c < 20; c++) await tx.deleteWrite(1_001 + c * CHUNK_WRITES);
    const lone = { ...makeWrite('events', 'lone'), seq: 5 };
    await tx.putWrite(lone);
    await tx.finish();
    expect(chunks.get(5)?.writes.map((w) => w.id)).toEqual([lone.id]);
  });
});
