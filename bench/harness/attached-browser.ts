import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/chromium.ts';
import type { PageReport } from './bench-server.ts';
import { waitForQuiet } from './wait-for-quiet.ts';

/** Chromium driven by Playwright, on a fresh on-disk profile (incognito would keep IndexedDB in memory). */
export interface AttachedBrowser {
  readonly context: BrowserContext;
  readonly version: string;
  /** Opens a fresh tab on the bench page, runs one row, closes the tab. */
  runRow(row: string, n: number, params: RunParams, hooks?: RowHooks): Promise<PageReport>;
  close(): Promise<void>;
}

/** Optional measurements taken around a row's timed run by the harness (CDP), merged into the outcome's extras. */
export interface RowHooks {
  before?(page: Page): Promise<void>;
  after?(page: Page): Promise<Record<string, number>>;
}

/** What a row run gets: its id (fresh databases) and, for reference-server rows, that server's origin. */
export interface RunParams {
  readonly runId: string;
  readonly serverOrigin?: string | undefined;
}

/** Generous bound for one run: 60 s plus 50 ms per operation (Workbox replay runs at 30–100/s, depending on the machine's disk). */
export const timeoutMs = (n: number): number => 60_000 + n * 50;

/** Rejects when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Launches Debian's Chromium (never a downloaded one) with a fresh profile directory. */
export async function launchAttached(origin: string): Promise<AttachedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'outbox-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const version = context.browser()?.version() ?? 'unknown';

  const runRow = async (row: string, n: number, params: RunParams, hooks?: RowHooks): Promise<PageReport> => {
    const { runId } = params;
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => typeof window.benchRun === 'function');
      const prepare = page.evaluate(([r, count, p]) => window.benchPrepare(r, count, p), [row, n, params] as const);
      await withTimeout(prepare, timeoutMs(n), `preparing row ${row}`);
      const quiet = await waitForQuiet(profile);
      await hooks?.before?.(page);
      const run = page.evaluate(([r, count, p]) => window.benchRun(r, count, p), [row, n, params] as const);
      const outcome = await withTimeout(run, timeoutMs(n), `row ${row}`);
      const more = (await hooks?.after?.(page)) ?? {};
      const waited = quiet.measured ? { quietWaitMs: quiet.waitedMs, quietTimedOut: quiet.quiet ? 0 : 1 } : {};
      return { runId, row, outcome: { ...outcome, extra: { ...outcome.extra, ...more, ...waited } } };
    } catch (error) {
      return { runId, row, error: error instanceof Error ? error.message : String(error) };
    } finally {
      await page.close();
    }
  };

  return {
    context,
    version,
    runRow,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
