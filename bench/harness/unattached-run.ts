import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/chromium.ts';
import type { RunParams } from './attached-browser.ts';
import type { BenchServer, PageReport } from './bench-server.ts';
import { waitForQuiet } from './wait-for-quiet.ts';

/**
 * The control for network-bound rows: Chromium started with nothing attached (no Playwright, no CDP,
 * so no network tracking), on a fresh profile, opening `?auto=1…`; the page posts its outcome to the
 * bench server. The whole process group is killed afterwards.
 */
export async function runUnattached(
  server: BenchServer,
  row: string,
  n: number,
  params: RunParams,
  timeoutMs: number,
): Promise<PageReport> {
  const { runId } = params;
  const profile = await mkdtemp(join(tmpdir(), 'outbox-bench-bare-'));
  const query = new URLSearchParams({ auto: '1', row, n: String(n), runId });
  if (params.serverOrigin !== undefined) query.set('serverOrigin', params.serverOrigin);
  const url = `${server.origin}/?${query}`;
  // The attached browsers (their profiles are outbox-bench-…) finish what their last run left behind first.
  await waitForQuiet('outbox-bench-');
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, url], {
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await server.waitForReport(runId, timeoutMs);
  } catch (error) {
    return { runId, row, error: error instanceof Error ? error.message : String(error) };
  } finally {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(profile, { recursive: true, force: true });
  }
}
