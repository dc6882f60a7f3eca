/**
 * The bench page. The harness either calls `window.benchRun(row, n, params)` through Playwright,
 * or (unattached control: nothing attached to Chromium) opens `?auto=1&row=…&n=…&runId=…` and
 * receives the outcome by `POST /bench/report`.
 */
import type { RowOutcome, RowParams, RowRunner } from './bench-types.ts';
import { pagePrepares, pageRows } from './page-rows.ts';

declare global {
  interface Window {
    benchPrepare(row: string, n: number, params: RowParams): Promise<void>;
    benchRun(row: string, n: number, params: RowParams): Promise<RowOutcome>;
    benchRows(): string[];
  }
}

async function benchRun(row: string, n: number, params: RowParams): Promise<RowOutcome> {
  const runner: RowRunner | undefined = pageRows[row];
  if (runner === undefined) throw new Error(`unknown bench row '${row}'`);
  return runner(n, params);
}

/** Untimed preparation of a row (a no-op for most); call before {@link benchRun} with the same params. */
async function benchPrepare(row: string, n: number, params: RowParams): Promise<void> {
  await pagePrepares[row]?.(n, params);
}

window.benchPrepare = benchPrepare;
window.benchRun = benchRun;
window.benchRows = () => Object.keys(pageRows);

async function autoRun(query: URLSearchParams): Promise<void> {
  const row = query.get('row') ?? '';
  const runId = query.get('runId') ?? '';
  const n = Number(query.get('n'));
  const serverOrigin = query.get('serverOrigin') ?? undefined;
  let report: unknown;
  try {
    await benchPrepare(row, n, { runId, serverOrigin });
    report = { runId, row, outcome: await benchRun(row, n, { runId, serverOrigin }) };
  } catch (error) {
    report = { runId, row, error: String(error instanceof Error ? (error.stack ?? error.message) : error) };
  }
  const res = await fetch('/bench/report', { method: 'POST', body: JSON.stringify(report) });
  await res.text();
}

const query = new URLSearchParams(location.search);
const state = document.getElementById('state');
if (query.get('auto') === '1') {
  if (state) state.textContent = 'running';
  void autoRun(query).then(() => {
    if (state) state.textContent = 'done';
  });
} else if (state) {
  state.textContent = 'ready';
}
