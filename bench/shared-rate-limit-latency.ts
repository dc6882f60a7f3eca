/**
 * What the rate limit shared through PostgreSQL costs a push: push latency on PostgreSQL with
 * the shared per-user bucket (one upsert in `rate_buckets` per request) against rate limiting off.
 *
 *   node --import tsx bench/shared-rate-limit-latency.ts [--pushes 400] [--writes 10] [--rounds 3]
 *
 * Uses TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a fresh schema.
 * Two servers (rate limit off; shared bucket) on one schema; one user pushes `pushes` batches of
 * `writes` new documents to each over a real socket, one at a time, alternating push by push so
 * both see the same machine load; `rounds` times. Prints the median and p95 per setting.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { issueToken } from '../server/auth/hmac-token.ts';
import { startServer } from '../server/start-server.ts';
import { randomId } from '../src/protocol/ids.ts';

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '400' },
    writes: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const [pushes, writes, rounds] = [values.pushes, values.writes, values.rounds].map(Number) as [number, number, number];
const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `outbox_bench_${randomBytes(6).toString('hex')}`;
const admin = postgres(base, { max: 1, onnotice: () => undefined });
await admin.unsafe(`CREATE SCHEMA ${schema}`);
const databaseUrl = `${base}${base.includes('?') ? '&' : '?'}search_path=${schema}`;
const secret = randomBytes(32);

/** One server per setting, both up at once; pushes alternate between them so both see the same machine load. */
async function measure(): Promise<{ off: number[]; shared: number[] }> {
  const off = await startServer({ databaseUrl, dataDir: 'memory', secret, rateLimit: false, log: () => undefined });
  const limit = { burst: 1_000_000, perSecond: 1_000_000 };
  const shared = await startServer({
    databaseUrl,
    dataDir: 'memory',
    secret,
    rateLimit: limit,
    sharedRateLimit: true,
    log: () => undefined,
  });
  const ms = { off: [] as number[], shared: [] as number[] };
  try {
    const clients = { off: randomId(), shared: randomId() };
    const token = issueToken(secret, randomId(), 600_000);
    for (let p = 0; p < pushes * 2; p++) {
      const name = p % 2 === 0 ? 'off' : 'shared';
      const url = name === 'off' ? off.url : shared.url;
      const n = Math.floor(p / 2);
      const batch = Array.from({ length: writes }, (_, i) => {
        const seq = n * writes + i + 1;
        return {
          seq,
          id: randomId(),
          collection: 'notes',
          key: `k${seq}`,
          op: 'put',
          value: { seq },
          baseVersion: null,
          writtenAt: seq,
        };
      });
      const started = performance.now();
      const res = await fetch(`${url}/v1/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, clientId: clients[name], writes: batch }),
      });
      await res.text();
      if (res.status !== 200) throw new Error(`push answered ${res.status}`);
      ms[name].push(performance.now() - started);
    }
  } finally {
    await Promise.all([off.close(), shared.close()]);
  }
  return ms;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? Number.NaN;
const results = { off: [] as number[], shared: [] as number[] };
try {
  for (let r = 0; r < rounds; r++) {
    const ms = await measure();
    results.off.push(...ms.off);
    results.shared.push(...ms.shared);
  }
} finally {
  await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
for (const [name, xs] of Object.entries(results)) {
  console.log(
    `${name.padEnd(7)} pushes ${xs.length}  median ${quantile(xs, 0.5).toFixed(2)} ms  p95 ${quantile(xs, 0.95).toFixed(2)} ms`,
  );
}
