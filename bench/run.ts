/**
 * `npm run bench`: builds the bench pages, serves them on loopback, drives Debian's Chromium, runs
 * every row round-robin, prints Markdown tables and writes bench/results/latest.json.
 * See docs/BENCHMARKS.md for what each row measures and the last full run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchAttached } from './harness/attached-browser.ts';
import { drainProbes } from './harness/cdp-probes.ts';
import { parseBenchOptions } from './harness/bench-options.ts';
import { startBenchServer } from './harness/bench-server.ts';
import { buildBenchPages } from './harness/build-bench-pages.ts';
import { machineInfo } from './harness/machine-info.ts';
import { measureRows } from './harness/measure-rows.ts';
import { summarizeRows, throughputTable } from './harness/report-table.ts';
import { startReferenceServer } from './harness/reference-server.ts';
import { ROWS } from './harness/row-catalog.ts';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  log(`outbox bench: N=${options.n}, ${options.reps} repetition(s)${options.warmupN ? `, warm-up at N=${options.warmupN}` : ''}`);
  const root = await buildBenchPages();
  const server = await startBenchServer(root);
  const reference = await startReferenceServer(server.origin);
  const browser = await launchAttached(server.origin);
  try {
    const rows = ROWS.filter((r) => options.only.length === 0 || options.only.some((o) => r.id.includes(o)));
    const samples = await measureRows(
      rows,
      options,
      browser,
      server,
      (spec) => (spec.drain ? drainProbes() : undefined),
      reference.origin,
      log,
    );
    const summaries = summarizeRows(samples);
    const machine = machineInfo(browser.version);
    log('');
    log(
      `machine: ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Chromium ${machine.chromium}, Node ${machine.node}`,
    );
    log('');
    log(throughputTable(summaries));
    await mkdir(fileURLToPath(new URL('./results', import.meta.url)), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify({ startedAt, options, machine, rows: summaries }, null, 2)}\n`);
    log(`\nwrote ${RESULTS}`);
  } finally {
    await browser.close();
    await reference.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
