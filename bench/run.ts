/**
 * `npm run bench`: builds the bench pages, serves them on loopback, drives Debian's Chromium, runs
 * every row round-robin, prints Markdown tables and writes bench/results/latest.json.
 * See docs/BENCHMARKS.md for what each row measures and the last full run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchAttached } from './harness/attached-browser.ts';
import { drainProbes } from './harness/cdp-probes.ts';
import { BENCH_USAGE, parseBenchOptions } from './harness/bench-options.ts';
import { startBenchServer } from './harness/bench-server.ts';
import { buildBenchPages } from './harness/build-bench-pages.ts';
import { machineInfo } from './harness/machine-info.ts';
import { isolatedRunner, measureRows, sharedRunner } from './harness/measure-rows.ts';
import { bundleTable, measureBundles } from './harness/bundle-sizes.ts';
import { drainCostTable, summarizeRows, takeoverTable, throughputTable } from './harness/report-table.ts';
import { ingestTable, runServerIngest } from './harness/server-ingest-run.ts';
import { judgeTargets, targetsTable } from './harness/targets.ts';
import { startReferenceServer } from './harness/reference-server.ts';
import { ROWS } from './harness/row-catalog.ts';

const RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.help) {
    log(BENCH_USAGE);
    return;
  }
  const startedAt = new Date().toISOString();
  const warmUp = options.warmupN ? `, warm-up at N=${options.warmupN}` : '';
  log(
    `outbox bench: N=${options.n}, ${options.reps} repetition(s)${warmUp}${options.isolate ? ', each run in a fresh profile' : ', one shared profile'}`,
  );
  const root = await buildBenchPages();
  const server = await startBenchServer(root);
  const reference = await startReferenceServer(server.origin);
  const browser = await launchAttached(server.origin);
  try {
    const rows = ROWS.filter((r) => options.only.length === 0 || options.only.some((o) => r.id.includes(o)));
    const runner = options.isolate ? isolatedRunner(() => launchAttached(server.origin), options.warmupN) : sharedRunner(browser);
    const samples = await measureRows(
      rows,
      options,
      runner,
      server,
      (spec) => (spec.drain ? drainProbes() : undefined),
      reference.origin,
      log,
    );
    const summaries = summarizeRows(samples);
    const machine = machineInfo(browser.version);
    await browser.close();
    const partial = options.only.length > 0;
    const bundles = partial ? [] : await measureBundles();
    const ingest = partial ? [] : await runServerIngest(options.quick, log);
    const targets = judgeTargets(summaries);
    log('');
    log(
      `machine: ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Chromium ${machine.chromium}, Node ${machine.node}`,
    );
    log(`command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd());
    log('');
    log(throughputTable(summaries));
    log('');
    log(drainCostTable(summaries));
    if (summaries.some((r) => r.extras.takeoverMsMedian !== undefined)) log(`\n${takeoverTable(summaries)}`);
    if (bundles.length > 0) log(`\n${bundleTable(bundles)}`);
    if (ingest.length > 0) log(`\n${ingestTable(ingest)}`);
    log('');
    log(targetsTable(targets));
    await mkdir(fileURLToPath(new URL('./results', import.meta.url)), { recursive: true });
    const result = {
      startedAt,
      finishedAt: new Date().toISOString(),
      options,
      machine,
      rows: summaries,
      bundles,
      ingest,
      targets,
    };
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    log(`\nwrote ${RESULTS}`);
  } finally {
    await browser.close().catch(() => {});
    await reference.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
