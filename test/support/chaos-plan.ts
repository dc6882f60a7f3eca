import type { PushFault } from '../e2e/support/chaos-proxy.ts';
import { seeded } from './seeded-random.ts';

/** The two devices of one user: `A` has several tabs of one profile, `B` is a second profile. */
export type Device = 'A' | 'B';

/** One write a tab makes. `events` is an append collection (own key per write), `notes` a state one. */
export interface PlannedWrite {
  readonly device: Device;
  readonly tab: number;
  readonly collection: 'events' | 'notes';
  readonly key: string;
  readonly op: 'put' | 'delete';
  readonly value?: { tab: string; n: number } | { text: string } | undefined;
}

/** Faults the proxy can be armed with (the next pushes get them, in order). */
export const CHAOS_FAULTS: readonly Exclude<PushFault, 'none'>[] = [
  'reset-before',
  'fail-before',
  'too-many-requests',
  'delay-past-timeout',
  'drop-after',
];

/** One step of a trial, run in order by the driver. */
export type ChaosStep =
  | { readonly kind: 'write'; readonly write: PlannedWrite; readonly reloadAfter: boolean }
  /** Writes from several tabs at once (their puts race; each is awaited before the next step). */
  | { readonly kind: 'burst'; readonly writes: readonly PlannedWrite[] }
  | { readonly kind: 'arm'; readonly faults: readonly Exclude<PushFault, 'none'>[] }
  | { readonly kind: 'kill-browser'; readonly device: Device }
  /** The runner tab of A is closed while the proxy holds its push; the server then commits it. */
  | { readonly kind: 'close-runner-mid-push'; readonly write: PlannedWrite }
  | { readonly kind: 'kill-server'; readonly writesWhileDown: readonly PlannedWrite[] }
  /** PostgreSQL stopped at once (`-m immediate`) and started again; a no-op on PGlite. */
  | { readonly kind: 'restart-database'; readonly writesWhileDown: readonly PlannedWrite[] };

export interface ChaosPlan {
  readonly seed: number;
  readonly tabsA: number;
  readonly steps: readonly ChaosStep[];
  /** Notes keys both devices write: the only keys where a conflict is expected. */
  readonly sharedKeys: readonly string[];
}

/** Notes keys written by both devices (conflicts on purpose). */
export const SHARED_NOTE_KEYS = ['s-0', 's-1'] as const;

/**
 * The whole trial as a pure function of its seed: which tab of which device writes what, which
 * fault is armed and which kill happens when. A failing seed replays the same plan.
 */
export function planTrial(seed: number, writes: number): ChaosPlan {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const tabsA = random() < 0.5 ? 2 : 3;
  const counters = { A: 0, B: 0 };
  const newWrite = (device: Device, tab: number): PlannedWrite => {
    const n = counters[device]++;
    const label = `${device}${tab}`;
    if (random() < 0.5) return { device, tab, collection: 'events', key: `${device}-${n}`, op: 'put', value: { tab: label, n } };
    const own = `${device.toLowerCase()}-${Math.floor(random() * 3)}`;
    const key = random() < 0.35 ? pick(SHARED_NOTE_KEYS) : own;
    if (random() < 0.2) return { device, tab, collection: 'notes', key, op: 'delete' };
    return { device, tab, collection: 'notes', key, op: 'put', value: { text: `${label}#${n}` } };
  };
  const anyTab = (): { device: Device; tab: number } =>
    random() < 0.65 ? { device: 'A', tab: Math.floor(random() * tabsA) } : { device: 'B', tab: 0 };
  const steps: ChaosStep[] = [];
  const once = { killA: false, killB: false, closeRunner: false, killServer: false, restartDb: false };
  let made = 0;
  while (made < writes) {
    const r = random();
    if (r < 0.12) {
      steps.push({ kind: 'arm', faults: Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(CHAOS_FAULTS)) });
    } else if (r < 0.15 && !once.killA) {
      once.killA = true;
      steps.push({ kind: 'kill-browser', device: 'A' });
    } else if (r < 0.17 && !once.killB) {
      once.killB = true;
      steps.push({ kind: 'kill-browser', device: 'B' });
    } else if (r < 0.2 && !once.closeRunner) {
      once.closeRunner = true;
      made += 1;
      steps.push({ kind: 'close-runner-mid-push', write: newWrite('A', Math.floor(random() * tabsA)) });
    } else if (r < 0.23 && !once.killServer) {
      once.killServer = true;
      const down = Math.floor(random() * 3);
      made += down;
      steps.push({ kind: 'kill-server', writesWhileDown: Array.from({ length: down }, () => newWrite('A', 0)) });
    } else if (r < 0.25 && !once.restartDb) {
      once.restartDb = true;
      const down = Math.floor(random() * 3);
      made += down;
      steps.push({ kind: 'restart-database', writesWhileDown: Array.from({ length: down }, () => newWrite('B', 0)) });
    } else if (r < 0.35) {
      const tabs = [
        ...Array.from({ length: tabsA }, (_, tab) => ({ device: 'A' as const, tab })),
        { device: 'B' as const, tab: 0 },
      ];
      made += tabs.length;
      steps.push({ kind: 'burst', writes: tabs.map((t) => newWrite(t.device, t.tab)) });
    } else {
      const t = anyTab();
      made += 1;
      steps.push({ kind: 'write', write: newWrite(t.device, t.tab), reloadAfter: random() < 0.06 });
    }
  }
  return { seed, tabsA, steps, sharedKeys: [...SHARED_NOTE_KEYS] };
}

/** How many steps of each kind a plan holds (writes counted one by one, faults by kind). */
export function countPlan(plan: ChaosPlan): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (name: string, n = 1): void => {
    out[name] = (out[name] ?? 0) + n;
  };
  for (const step of plan.steps) {
    if (step.kind === 'write') {
      add('writes');
      if (step.reloadAfter) add('reload-after-put');
    } else if (step.kind === 'burst') add('writes', step.writes.length);
    else if (step.kind === 'arm') for (const f of step.faults) add(f);
    else if (step.kind === 'kill-browser') add('kill-browser');
    else if (step.kind === 'close-runner-mid-push') {
      add('writes');
      add('close-runner-mid-push');
    } else {
      add('writes', step.writesWhileDown.length);
      add(step.kind);
    }
  }
  return out;
}
