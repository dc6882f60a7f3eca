/** Where a row's timed code runs. */
export type RowPlace = 'page' | 'worker' | 'page→worker';

/** One throughput row of the table. */
export interface RowSpec {
  /** Id known to the page (bench/pages/page-rows.ts). */
  readonly id: string;
  readonly label: string;
  readonly group: 'baseline' | 'peer' | 'outbox' | 'drain' | 'takeover';
  readonly place: RowPlace;
  /** Touches the network: also measured with nothing attached to Chromium, and those figures are quoted. */
  readonly network: boolean;
  /** Operations per run for a given N (most rows: N). */
  readonly count?: ((n: number) => number) | undefined;
  /** Pushes to the reference server (PGlite) instead of the bench server's in-memory endpoint. */
  readonly referenceServer?: boolean | undefined;
  /** Measured in the first repetition only, attached only (the 10 × N heap row: minutes per run at this drain rate). */
  readonly once?: boolean | undefined;
  /** Drain row: page cost (long tasks, busy time) and worker heap are measured around it. */
  readonly drain?: boolean | undefined;
}

/** Takeovers timed per run of the takeover row, whatever N. */
const TAKEOVERS_PER_RUN = 5;

/** The ratio baseline: raw IndexedDB, one put per transaction, awaited. */
export const BASELINE_ROW = 'raw-put-per-tx';

/** Every throughput row, in table order. */
export const ROWS: readonly RowSpec[] = [
  {
    id: 'raw-put-per-tx',
    label: 'raw IndexedDB, one put per transaction (awaited) — baseline',
    group: 'baseline',
    place: 'page',
    network: false,
  },
  {
    id: 'raw-one-tx',
    label: 'raw IndexedDB, all N puts in one transaction — the limit',
    group: 'baseline',
    place: 'page',
    network: false,
  },
  {
    id: 'raw-outbox-records',
    label:
      "raw IndexedDB, the records of N Outbox puts (documents + pending writes in chunks), one transaction — the Outbox's floor",
    group: 'baseline',
    place: 'worker',
    network: false,
  },
  {
    id: 'workbox-push-request',
    label: 'workbox-background-sync Queue.pushRequest (awaited)',
    group: 'peer',
    place: 'page',
    network: false,
  },
  { id: 'idb-keyval-set', label: 'idb-keyval set (awaited)', group: 'peer', place: 'page', network: false },
  { id: 'dexie-add', label: 'Dexie table.add (awaited)', group: 'peer', place: 'page', network: false },
  { id: 'dexie-bulk-add', label: 'Dexie table.bulkAdd (one call)', group: 'peer', place: 'page', network: false },
  { id: 'outbox-put-awaited', label: 'Outbox put(), awaited one by one', group: 'outbox', place: 'page→worker', network: false },
  { id: 'outbox-put-concurrent', label: 'Outbox put(), N concurrent', group: 'outbox', place: 'page→worker', network: false },
  {
    id: 'worker-put-awaited',
    label: 'Outbox LocalStore.put, awaited one by one',
    group: 'outbox',
    place: 'worker',
    network: false,
  },
  { id: 'worker-put-concurrent', label: 'Outbox LocalStore.put, N concurrent', group: 'outbox', place: 'worker', network: false },
  {
    id: 'outbox-drain-memory',
    label: 'drain: Outbox → in-memory server',
    group: 'drain',
    place: 'worker',
    network: true,
    drain: true,
  },
  {
    id: 'outbox-drain-memory-10x',
    label: 'drain: Outbox → in-memory server, 10 × N queued',
    group: 'drain',
    place: 'worker',
    network: true,
    drain: true,
    count: (n) => n * 10,
    once: true,
  },
  {
    id: 'outbox-drain-pglite',
    label: 'drain: Outbox → reference server (PGlite)',
    group: 'drain',
    place: 'worker',
    network: true,
    drain: true,
    referenceServer: true,
  },
  {
    id: 'workbox-replay',
    label: 'drain: Workbox replayRequests() → in-memory server',
    group: 'drain',
    place: 'page',
    network: true,
  },
  {
    id: 'outbox-takeover',
    label: "takeover: the runner's worker dies mid-push → another worker's flush() resolves (takeovers/s; ms each below)",
    group: 'takeover',
    place: 'page→worker',
    network: false,
    // Each takeover starts two workers on a fresh database: a few are enough for a median.
    count: () => TAKEOVERS_PER_RUN,
  },
];
