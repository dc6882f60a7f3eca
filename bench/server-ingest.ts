/**
 * Server ingest: writes/s the reference server accepts over HTTP, for batches of 100 and 500,
 * on PGlite (embedded, in memory) and PostgreSQL (a fresh schema at BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test; skipped with a note when unreachable).
 *
 *   node --import tsx bench/server-ingest.ts [--reps 5] [--writes 5000]
 *
 * Each repetition pushes `writes` new writes in sequential batches from one client over a real
 * socket (one request at a time, as a sync client does) to 1,000 documents of ~200 bytes.
 * One warm-up repetition per cell is discarded. Prints a table; writes bench/results/server-ingest.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { issueToken } from '../server/auth/hmac-token.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { randomId } from '../src/protocol/ids.ts';
import type { WireWrite } from '../src/protocol/push-messages.ts';
import { fmtSpread, type Spread, spread } from './harness/summarize.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RESULTS = fileURLToPath(new URL('./results/server-ingest.json', import.meta.url));
const BATCHES = [100, 500] as const;
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Cell {
  readonly store: 'pglite' | 'postgres';
  readonly batch: number;
  readonly writesPerSecond: Spread;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '5' }, writes: { type: 'string', default: '5000' } },
  });
  const reps = Math.max(3, Number(values.reps));
  const writes = Number(values.writes);
  log(`server ingest: ${writes} writes per repetition, ${reps} repetitions + 1 warm-up, batches ${BATCHES.join(' and ')}`);
  const cells: Cell[] = [];
  cells.push(...(await measureStore('pglite', { dataDir: 'memory' }, reps, writes)));
  const pg = await freshSchema();
  if (pg === null) log(`PostgreSQL at ${DATABASE_URL} unreachable: its rows are skipped`);
  else {
    try {
      cells.push(...(await measureStore('postgres', { dataDir: 'memory', databaseUrl: pg.url }, reps, writes)));
    } finally {
      await pg.drop();
    }
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  log('');
  log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  log('');
  log('| store | batch | writes/s, median (min–max) |');
  log('|---|---:|---:|');
  for (const c of cells) log(`| ${c.store} | ${c.batch} | ${fmtSpread(c.writesPerSecond)} |`);
  await mkdir(fileURLToPath(new URL('./results', import.meta.url)), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify({ startedAt: new Date().toISOString(), reps, writes, machine, cells }, null, 2)}\n`);
  log(`\nwrote ${RESULTS}`);
}

async function measureStore(
  store: Cell['store'],
  location: { dataDir: 'memory'; databaseUrl?: string },
  reps: number,
  writes: number,
): Promise<Cell[]> {
  const secret = randomBytes(32);
  const server = await startServer({ ...location, secret, rateLimit: false, log: () => undefined });
  try {
    const cells: Cell[] = [];
    for (const batch of BATCHES) {
      const samples: number[] = [];
      for (let rep = 0; rep <= reps; rep++) {
        const rate = await ingestOnce(server, secret, batch, writes);
        if (rep > 0) samples.push(rate);
      }
      cells.push({ store, batch, writesPerSecond: spread(samples)! });
      log(`${store} batch ${batch}: ${fmtSpread(spread(samples))} writes/s`);
    }
    return cells;
  } finally {
    await server.close();
  }
}

/** Pushes `total` writes in batches of `batch` from a new user and client; returns writes/s. */
async function ingestOnce(server: RunningServer, secret: Uint8Array, batch: number, total: number): Promise<number> {
  const headers = { authorization: `Bearer ${issueToken(secret, randomId(), 3_600_000)}`, 'content-type': 'application/json' };
  const clientId = randomId();
  const value = { title: 'x'.repeat(120), done: false, tags: ['a', 'b'], n: 0 };
  const bodies: string[] = [];
  for (let seq = 1; seq <= total; seq += batch) {
    const ws: WireWrite[] = [];
    for (let s = seq; s < seq + batch && s <= total; s++) {
      ws.push({
        seq: s,
        id: randomId() as WireWrite['id'],
        collection: 'todos',
        key: `k${s % 1000}`,
        op: 'put',
        value: { ...value, n: s },
        baseVersion: null,
        writtenAt: s,
      });
    }
    bodies.push(JSON.stringify({ protocol: 1, clientId, writes: ws }));
  }
  const started = performance.now();
  for (const body of bodies) {
    const res = await fetch(`${server.url}/v1/push`, { method: 'POST', headers, body });
    const answer = (await res.json()) as { results?: { status: string }[] };
    if (res.status !== 200 || answer.results?.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${res.status}`);
  }
  return (total * 1000) / (performance.now() - started);
}

async function freshSchema(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const sql = postgres(DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  const schema = `outbox_bench_${randomBytes(6).toString('hex')}`;
  try {
    await sql.unsafe(`CREATE SCHEMA ${schema}`);
  } catch {
    await sql.end({ timeout: 1 });
    return null;
  }
  return {
    url: `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema}`,
    drop: async () => {
      await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await sql.end({ timeout: 5 });
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
