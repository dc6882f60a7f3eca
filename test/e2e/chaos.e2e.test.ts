import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addVerdicts, type ChaosHistory, type ChaosVerdict, checkChaosHistory, corruptHistory } from '../support/chaos-check.ts';
import { CHAOS_FAULTS, countPlan, planTrial } from '../support/chaos-plan.ts';
import { type PrivatePostgres, postgresBinDir, startPrivatePostgres } from '../server/support/private-postgres.ts';
import { type ChaosDatabase, openProfile, type Profile, runTrial, type TrialRecord } from './support/chaos-driver.ts';
import { ChaosProxy } from './support/chaos-proxy.ts';
import { E2E_APP_DIR } from './support/e2e-env.ts';
import { ServerProcess } from './support/server-process.ts';

/**
 * Sizes: `OUTBOX_CHAOS_TRIALS` (default 30), `OUTBOX_CHAOS_WRITES` (writes in the whole run;
 * default 24 per trial). `OUTBOX_SEED=<n>` replays a run: trial i uses seed n + i, so
 * `OUTBOX_SEED=<trial seed> OUTBOX_CHAOS_TRIALS=1` replays one trial.
 */
const TRIALS = Number(process.env.OUTBOX_CHAOS_TRIALS ?? 30);
const WRITES_PER_TRIAL =
  process.env.OUTBOX_CHAOS_WRITES === undefined ? 24 : Math.ceil(Number(process.env.OUTBOX_CHAOS_WRITES) / TRIALS);
const SEED = process.env.OUTBOX_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.OUTBOX_SEED);

/** `postgres`: the server runs on a private PostgreSQL cluster, restarted at random moments. */
const STORE = process.env.OUTBOX_CHAOS_STORE === 'postgres' ? 'postgres' : 'pglite';

let dataDir: string;
let database: (PrivatePostgres & ChaosDatabase) | undefined;
let server: ServerProcess;
let proxy: ChaosProxy;
const profiles: Partial<Record<'A' | 'B', Profile>> = {};
const records: TrialRecord[] = [];
let histories: ChaosHistory[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outbox-chaos-server-'));
  if (STORE === 'postgres') {
    const bin = postgresBinDir();
    if (bin === undefined) throw new Error('OUTBOX_CHAOS_STORE=postgres needs PostgreSQL server binaries (/usr/lib/postgresql)');
    database = Object.assign(await startPrivatePostgres(bin), { restarts: 0 });
  }
  server = new ServerProcess(dataDir, E2E_APP_DIR, database?.url);
  await server.start();
  proxy = new ChaosProxy(server.url);
  // Longer than the chaos databases' request timeout (test/e2e/app/app-policy.ts).
  proxy.delayMs = 2_000;
  await proxy.up();
  profiles.A = await openProfile();
  profiles.B = await openProfile();
});

afterAll(async () => {
  for (const p of Object.values(profiles)) {
    await p.context.close().catch(() => {});
    rmSync(p.userDataDir, { recursive: true, force: true });
  }
  await proxy?.down();
  await server?.stop();
  await database?.destroy();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

const zero: ChaosVerdict = {
  lost: 0,
  doubled: 0,
  misordered: 0,
  wrongValue: 0,
  diverged: 0,
  unexpectedConflicts: 0,
  deadLetters: 0,
  notIdle: 0,
};

describe('chaos: two devices of one user through faults and kills', () => {
  test(
    `every acknowledged write is on the server once, in order, with the last values, and both devices converge (${TRIALS} trials on ${STORE}, OUTBOX_SEED=${SEED})`,
    async () => {
      const world = { server, proxy, database, profiles: profiles as Record<'A' | 'B', Profile> };
      const planned: Record<string, number> = {};
      const faultsSeen: Record<string, number> = {};
      for (let trial = 0; trial < TRIALS; trial++) {
        const plan = planTrial(SEED + trial, WRITES_PER_TRIAL);
        for (const [k, n] of Object.entries(countPlan(plan))) planned[k] = (planned[k] ?? 0) + n;
        try {
          records.push(await runTrial(plan, trial, world));
        } catch (e) {
          throw new Error(`trial ${trial} failed; replay with OUTBOX_SEED=${plan.seed} OUTBOX_CHAOS_TRIALS=1`, { cause: e });
        }
        for (const f of proxy.pushes) faultsSeen[f] = (faultsSeen[f] ?? 0) + 1;
        if (process.env.OUTBOX_CHAOS_PROGRESS === '1') console.log(`trial ${trial + 1}/${TRIALS} (seed ${plan.seed}) done`);
      }
      await server.stop();
      const tables = await server.readTables(records.map((r) => r.userId));
      await server.start();
      histories = records.map((r) => {
        const t = tables.get(r.userId);
        if (t === undefined) throw new Error(`no tables for ${r.userId}`);
        return {
          acked: r.acked,
          appliedAnswers: r.appliedAnswers,
          sentWrites: r.sentWrites,
          serverWrites: t.processedWrites,
          serverDocs: t.docs,
          devices: r.devices,
          orderedCollections: ['events'],
          sharedKeys: planTrial(r.seed, WRITES_PER_TRIAL).sharedKeys,
        };
      });
      // The whole history of every trial, for a look at a failing one.
      if (process.env.OUTBOX_CHAOS_DUMP !== undefined) writeFileSync(process.env.OUTBOX_CHAOS_DUMP, JSON.stringify(histories));
      const verdicts = histories.map(checkChaosHistory);
      const total = verdicts.reduce(addVerdicts, zero);
      const failing = verdicts.flatMap((v, i) => {
        if (JSON.stringify(v) === JSON.stringify(zero)) return [];
        const h = histories[i] as ChaosHistory;
        // Enough to tell a device behind the feed from one ahead of it.
        const live = h.serverDocs.filter((d) => !d.deleted).length;
        const docs = Object.fromEntries(h.devices.map((d) => [d.device, d.docs.length]));
        return [{ seed: SEED + i, v, serverDocs: live, deviceDocs: docs, converged: records[i]?.converged }];
      });
      console.log(
        JSON.stringify({
          seed: SEED,
          trials: TRIALS,
          acknowledgedWrites: records.reduce((n, r) => n + r.acked.length, 0),
          planned,
          pushesByFault: faultsSeen,
          browserKills: { A: world.profiles.A.kills, B: world.profiles.B.kills },
          serverKills: server.kills,
          store: STORE,
          databaseRestarts: database?.restarts ?? 0,
          notConverged: records.filter((r) => !r.converged).length,
          total,
          failing,
        }),
      );
      expect(failing).toEqual([]);
      expect(total).toEqual(zero);
      for (const fault of CHAOS_FAULTS) if (TRIALS >= 30) expect(planned[fault], fault).toBeGreaterThan(0);
    },
    TRIALS * 60_000 + 60_000,
  );

  test('the same checks catch a deliberately injected loss, double and swap in a real history', () => {
    const real = histories.find((h) => h.acked.filter((w) => w.collection === 'events' && w.device === 'A').length >= 3);
    expect(real, 'a trial with three events').toBeDefined();
    const verdict = checkChaosHistory(corruptHistory(real as ChaosHistory));
    expect(verdict.lost).toBe(1);
    expect(verdict.doubled).toBe(1);
    expect(verdict.misordered).toBeGreaterThanOrEqual(1);
  });
});
