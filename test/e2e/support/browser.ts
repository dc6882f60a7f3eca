import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.ts';

/** Chromium's real Background Sync retry schedule, shrunk to test size (BROWSER-TESTING.md b). */
export const FAST_BACKGROUND_SYNC_ARGS = [
  '--force-fieldtrials=BackgroundSync/Test',
  '--force-fieldtrial-params=BackgroundSync.Test:initial_retry_delay_sec/2/retry_delay_factor/1/max_sync_attempts/3',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A Chromium on a real on-disk profile (for restarts and SIGKILL), reusing `userDataDir` when given. */
export async function launchPersistent(userDataDir?: string): Promise<{ context: BrowserContext; userDataDir: string }> {
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'outbox-e2e-udd-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...FAST_BACKGROUND_SYNC_ARGS],
  });
  return { context, userDataDir: dir };
}

/** The browser process of a profile: the one with `--user-data-dir=<dir>` and no `--type=`. */
function findBrowserPid(userDataDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmd.split('\0');
    if (args.some((a) => a === `--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type='))) {
      return Number(entry);
    }
  }
  return undefined;
}

/** SIGKILLs the browser and all its processes at once (Playwright spawns it as a group leader). */
export async function killBrowser(context: BrowserContext, userDataDir: string): Promise<void> {
  const pid = findBrowserPid(userDataDir);
  if (pid === undefined) throw new Error(`no browser process for ${userDataDir}`);
  process.kill(-pid, 'SIGKILL');
  await context.close().catch(() => {});
}
