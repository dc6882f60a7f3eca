import type { BrowserContext, Page } from 'playwright-core';
import type { AckedWrite, DeviceSnapshot } from '../../support/chaos-check.ts';
import type { ChaosPlan, ChaosStep, Device, PlannedWrite } from '../../support/chaos-plan.ts';
import { until, WAIT_MS } from './app-page.ts';
import { killBrowser, launchPersistent } from './browser.ts';
import type { ChaosProxy } from './chaos-proxy.ts';
import type { ServerProcess } from './server-process.ts';

/** One Chromium profile, kept across trials (relaunched on the same directory after a SIGKILL). */
export interface Profile {
  context: BrowserContext;
  readonly userDataDir: string;
  kills: number;
}

export async function openProfile(): Promise<Profile> {
  const { context, userDataDir } = await launchPersistent();
  return { context, userDataDir, kills: 0 };
}

/** What a trial left for the checker, apart from the server's tables (read once the server is stopped). */
export interface TrialRecord {
  readonly seed: number;
  readonly userId: string;
  readonly acked: AckedWrite[];
  readonly appliedAnswers: string[];
  readonly sentWrites: { id: string; collection: string; key: string }[];
  readonly devices: DeviceSnapshot[];
  /** Whether both devices and the server's feed agreed before the snapshots were taken. */
  readonly converged: boolean;
}

interface Tabs {
  readonly profile: Profile;
  readonly db: string;
  /** In opening order: the first is the runner (Web Locks grant the sync lock first come, first served). */
  pages: Page[];
  readonly count: number;
}

/** Runs one trial's plan against the live server, proxy and two profiles, then lets everything settle. */
export async function runTrial(
  plan: ChaosPlan,
  trial: number,
  world: {
    readonly server: ServerProcess;
    readonly proxy: ChaosProxy;
    readonly profiles: Record<Device, Profile>;
    readonly database?: ChaosDatabase | undefined;
  },
): Promise<TrialRecord> {
  const { server, proxy } = world;
  proxy.reset();
  const session = await (await fetch(`${server.url}/v1/session`, { method: 'POST' })).json();
  const { userId, token } = session as { userId: string; token: string };
  const tabs: Record<Device, Tabs> = {
    A: { profile: world.profiles.A, db: `chaos-${trial}-a`, pages: [], count: plan.tabsA },
    B: { profile: world.profiles.B, db: `chaos-${trial}-b`, pages: [], count: 1 },
  };
  for (const t of Object.values(tabs)) {
    await openTabs(t, proxy.url);
    await t.pages[0]?.evaluate((v) => window.app.outbox.setAuth({ authorization: `Bearer ${v}` }), token);
  }
  const acked: AckedWrite[] = [];
  const write = async (w: PlannedWrite): Promise<Page> => {
    const page = tabs[w.device].pages[w.tab % tabs[w.device].pages.length] as Page;
    const receipt = await page.evaluate(
      ([c, k, op, v]) =>
        op === 'delete'
          ? window.app.outbox.delete(c as 'notes', k)
          : window.app.outbox.put(c as 'notes', k, v as { text: string }),
      [w.collection, w.key, w.op, w.value] as const,
    );
    const { device, collection, key, op, value } = w;
    acked.push({ device, id: receipt.id, seq: receipt.seq, collection, key, op, ...(value === undefined ? {} : { value }) });
    return page;
  };
  for (const step of plan.steps) await runStep(step, { tabs, write, server, proxy, url: proxy.url, database: world.database });
  proxy.stallPushes(false);
  await proxy.releaseStalled();
  const converged = await settle(tabs, server.url, token);
  const devices = [await snapshot('A', tabs.A), await snapshot('B', tabs.B)];
  for (const t of Object.values(tabs)) await Promise.all(t.pages.map((p) => p.close()));
  return {
    seed: plan.seed,
    userId,
    acked,
    appliedAnswers: proxy.applied.map((w) => w.id),
    sentWrites: [...proxy.sent].map(([id, w]) => ({ id, collection: w.collection, key: w.key })),
    devices,
    converged,
  };
}

interface StepContext {
  readonly tabs: Record<Device, Tabs>;
  readonly write: (w: PlannedWrite) => Promise<Page>;
  readonly server: ServerProcess;
  readonly proxy: ChaosProxy;
  readonly url: string;
  readonly database: ChaosDatabase | undefined;
}

/** The PostgreSQL the server runs on, when it is the store (`OUTBOX_CHAOS_STORE=postgres`). */
export interface ChaosDatabase {
  stop(mode: 'immediate'): Promise<void>;
  start(): Promise<void>;
  restarts: number;
}

async function runStep(step: ChaosStep, x: StepContext): Promise<void> {
  switch (step.kind) {
    case 'write': {
      const page = await x.write(step.write);
      // Right after the put resolved: the page goes away and comes back.
      if (step.reloadAfter) await reloadApp(page);
      return;
    }
    case 'burst':
      await Promise.all(step.writes.map((w) => x.write(w)));
      return;
    case 'arm':
      x.proxy.armPushFaults(step.faults);
      return;
    case 'kill-browser': {
      const t = x.tabs[step.device];
      await killBrowser(t.profile.context, t.profile.userDataDir);
      t.profile.kills += 1;
      t.profile.context = (await launchPersistent(t.profile.userDataDir)).context;
      t.pages = [];
      await openTabs(t, x.url);
      return;
    }
    case 'close-runner-mid-push': {
      const t = x.tabs.A;
      x.proxy.stallPushes(true);
      await x.write(step.write);
      await until(async () => (x.proxy.stalledCount > 0 ? true : undefined), 'a push held by the proxy').catch(() => {});
      const runner = t.pages.shift() as Page;
      await runner.close();
      x.proxy.stallPushes(false);
      // The server commits the held batch; the closed tab never hears the answer.
      await x.proxy.releaseStalled();
      t.pages.push(await openTab(t.profile.context, x.url, t.db));
      return;
    }
    case 'kill-server':
      await x.server.kill();
      for (const w of step.writesWhileDown) await x.write(w);
      await x.server.start();
      return;
    case 'restart-database':
      if (x.database === undefined) {
        for (const w of step.writesWhileDown) await x.write(w);
        return;
      }
      await x.database.stop('immediate');
      for (const w of step.writesWhileDown) await x.write(w);
      await x.database.start();
      x.database.restarts += 1;
      return;
  }
}

async function openTabs(t: Tabs, url: string): Promise<void> {
  // One after another, so the first tab's worker is the first to ask for the sync lock.
  while (t.pages.length < t.count) t.pages.push(await openTab(t.profile.context, url, t.db));
}

async function openTab(context: BrowserContext, url: string, db: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/?db=${encodeURIComponent(db)}`);
  await whenReady(page);
  return page;
}

async function reloadApp(page: Page): Promise<void> {
  await page.reload();
  await whenReady(page);
}

async function whenReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: WAIT_MS });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: WAIT_MS });
}

type LocalDoc = { collection: string; key: string; value: unknown };

async function localDocs(page: Page): Promise<LocalDoc[]> {
  return page.evaluate(async () => {
    const out: { collection: string; key: string; value: unknown }[] = [];
    for (const collection of ['events', 'notes'] as const) {
      let after: string | undefined;
      for (;;) {
        const listed = await window.app.outbox.list(collection, { limit: 1000, ...(after === undefined ? {} : { after }) });
        for (const d of listed.items) out.push({ collection, key: d.key, value: d.value });
        if (listed.next === null) break;
        after = listed.next;
      }
    }
    return out;
  });
}

async function serverFeed(serverUrl: string, token: string): Promise<LocalDoc[]> {
  const out = new Map<string, LocalDoc & { deleted: boolean }>();
  let cursor: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ limit: '1000', ...(cursor === undefined ? {} : { cursor }) });
    const res = await fetch(`${serverUrl}/v1/pull?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`pull ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as {
      changes: { collection: string; key: string; value?: unknown; deleted?: boolean; op?: string }[];
      cursor: string;
      hasMore: boolean;
    };
    for (const c of body.changes) {
      const deleted = c.deleted === true || c.op === 'delete';
      out.set(`${c.collection}\u0000${c.key}`, { collection: c.collection, key: c.key, value: c.value, deleted });
    }
    cursor = body.cursor;
    if (!body.hasMore) break;
  }
  return [...out.values()].filter((d) => !d.deleted).map(({ collection, key, value }) => ({ collection, key, value }));
}

const canonical = (docs: LocalDoc[]): string =>
  JSON.stringify([...docs].sort((a, b) => (a.collection + a.key < b.collection + b.key ? -1 : 1)));

/**
 * Ends the chaos and waits until every write is flushed, both devices hold what the server's
 * feed holds, and every tab is idle; false if that did not happen within the wait.
 */
async function settle(tabs: Record<Device, Tabs>, serverUrl: string, token: string): Promise<boolean> {
  const all = [...tabs.A.pages, ...tabs.B.pages];
  const outcome = await until(
    async () => {
      for (const t of Object.values(tabs)) {
        await t.pages[0]?.evaluate(() => window.app.outbox.flush({ timeoutMs: 10_000 })).catch(() => {});
      }
      // Visibility asks each runner for a push and a pull now.
      for (const p of all) await p.evaluate(() => window.app.outbox.setVisible(true)).catch(() => {});
      // The push and pull just asked for run now: wait for them, or the check below races them.
      await Promise.all(all.map((p) => whenIdle(p)));
      const idle = await Promise.all(
        all.map((p) =>
          p.evaluate(() => {
            const s = window.app.outbox.status.get();
            return s.phase === 'idle' && s.pending === 0;
          }),
        ),
      );
      if (idle.includes(false)) return undefined;
      const server = canonical(await serverFeed(serverUrl, token));
      for (const t of Object.values(tabs)) if (canonical(await localDocs(t.pages[0] as Page)) !== server) return undefined;
      return true;
    },
    'both devices converged on the server feed, every tab idle',
    60_000,
  ).catch(() => false);
  if (!outcome) {
    // For the one looking into a slow settle: what every tab's status said when the wait ended.
    const statuses = await Promise.all(
      all.map((p) => p.evaluate(() => window.app.outbox.status.get()).catch((e: unknown) => String(e))),
    );
    console.log(`chaos: not converged within 60 s; statuses ${JSON.stringify(statuses)}`);
  }
  return outcome;
}

function whenIdle(page: Page): Promise<unknown> {
  return page
    .waitForFunction(() => window.app.outbox.status.get().phase === 'idle', undefined, { timeout: 10_000, polling: 50 })
    .catch(() => {});
}

async function snapshot(device: Device, t: Tabs): Promise<DeviceSnapshot> {
  const first = t.pages[0] as Page;
  // A pull asked for by the last visibility signal may still be running.
  await Promise.all(t.pages.map((p) => whenIdle(p)));
  const docs = await localDocs(first);
  const statuses = await Promise.all(
    t.pages.map((p) =>
      p.evaluate(() => {
        const s = window.app.outbox.status.get();
        return { phase: s.phase, pending: s.pending, deadLetters: s.deadLetters };
      }),
    ),
  );
  const conflicts = (await first.evaluate(() => window.app.outbox.listConflicts())).map((c) => ({
    collection: c.collection,
    key: c.key,
  }));
  return { device, docs, statuses, conflicts };
}
