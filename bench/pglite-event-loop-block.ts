/**
 * How long one big push blocks the Node event loop on PGlite (WASM, same thread), and what
 * `--request-timeout-ms` does meanwhile.
 *
 *   node --import tsx bench/pglite-event-loop-block.ts [--reps 5] [--writes 1000] [--bytes 1000] [--timeout-ms 50]
 *
 * Starts the server on PGlite in memory with the given request timeout, then pushes `reps`
 * batches of `writes` new documents of about `bytes` bytes each over a real socket, one at a time.
 * A 1 ms interval timer records the longest gap between its ticks during each push (the longest
 * time no timer, socket or other request could run). Prints one line per push and the medians.
 */
import { parseArgs } from 'node:util';
import { issueToken } from '../server/auth/hmac-token.ts';
import { startServer } from '../server/start-server.ts';
import { randomId } from '../src/protocol/ids.ts';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    writes: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '1000' },
    'timeout-ms': { type: 'string', default: '50' },
  },
});
const [reps, writes, bytes, timeoutMs] = [values.reps, values.writes, values.bytes, values['timeout-ms']].map(Number) as [
  number,
  number,
  number,
  number,
];
const server = await startServer({
  dataDir: 'memory',
  log: () => undefined,
  rateLimit: false,
  limits: { requestTimeoutMs: timeoutMs, maxWritesPerPush: Math.max(1000, writes) },
});
const token = issueToken(server.secret, randomId(), 600_000);
const clientId = randomId();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gaps: number[] = [];
const totals: number[] = [];
let seq = 0;
for (let rep = 0; rep < reps; rep++) {
  const batch = Array.from({ length: writes }, () => ({
    seq: ++seq,
    id: randomId(),
    collection: 'notes',
    key: `doc-${seq}`,
    op: 'put',
    value: { text: 'x'.repeat(bytes) },
    baseVersion: null,
    writtenAt: Date.now(),
  }));
  const body = JSON.stringify({ protocol: 1, clientId, writes: batch });
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  const res = await fetch(`${server.url}/v1/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  const total = performance.now() - started;
  clearInterval(tick);
  gaps.push(longest);
  totals.push(total);
  console.log(
    `push ${rep + 1}: ${writes} writes × ~${bytes} B → ${res.status} after ${total.toFixed(0)} ms; longest event-loop stall ${longest.toFixed(0)} ms (request timeout ${timeoutMs} ms)`,
  );
}
console.log(`median: push ${median(totals).toFixed(0)} ms, longest stall ${median(gaps).toFixed(0)} ms`);
await server.close();
