/** A write whose `put()`/`delete()` resolved: durable locally, so it must reach the server exactly once. */
export interface AckedWrite {
  readonly device: string;
  readonly id: string;
  /** The local outbox sequence of the receipt: the client's order. */
  readonly seq: number;
  readonly collection: string;
  readonly key: string;
  readonly op: 'put' | 'delete';
  readonly value?: unknown;
}

/** One device at the end: every live local document, its statuses (one per tab) and recorded conflicts. */
export interface DeviceSnapshot {
  readonly device: string;
  readonly docs: readonly { collection: string; key: string; value: unknown }[];
  readonly statuses: readonly { phase: string; pending: number; deadLetters: number }[];
  readonly conflicts: readonly { collection: string; key: string }[];
}

/** Everything one trial left behind. */
export interface ChaosHistory {
  /** In the order the driver saw them resolve. */
  readonly acked: readonly AckedWrite[];
  /** Write ids the server answered `applied`, every answer (seen by the proxy, delivered or not). */
  readonly appliedAnswers: readonly string[];
  /**
   * Every write sent to the server (seen by the proxy), acknowledged or not: a write the runner
   * made itself after a conflict on a shared key (the policy's result) is not a double.
   */
  readonly sentWrites: readonly { id: string; collection: string; key: string }[];
  /** The server's `processed_writes` rows of the user. */
  readonly serverWrites: readonly { writeId: string; seq: number }[];
  /** The server's `docs` rows of the user (`changeId`: the change feed position, a decimal bigint). */
  readonly serverDocs: readonly { collection: string; key: string; deleted: boolean; value: unknown; changeId: string }[];
  readonly devices: readonly DeviceSnapshot[];
  /** Collections whose writes must keep their per-client order on the server (append collections). */
  readonly orderedCollections: readonly string[];
  /** Keys (of any collection) written by more than one device on purpose: conflicts allowed there. */
  readonly sharedKeys: readonly string[];
}

/** What the checks found; every field 0 means the trial kept the promise. */
export interface ChaosVerdict {
  /** Acknowledged writes the server never processed. */
  lost: number;
  /**
   * Extra applications: a write id processed or answered `applied` more than once, or processed
   * writes nobody acknowledged (other than a conflict's resend on a shared key).
   */
  doubled: number;
  /** Adjacent pairs of one client's ordered writes that reached the server's feed in the other order. */
  misordered: number;
  /** Documents whose server value is not the last acknowledged one (for shared keys: not any device's last one). */
  wrongValue: number;
  /** Documents where a device's local copy differs from the server's (present, absent or value). */
  diverged: number;
  /** Conflicts recorded on keys no two devices wrote. */
  unexpectedConflicts: number;
  deadLetters: number;
  /** Tabs whose status is not idle with nothing pending. */
  notIdle: number;
}

const docId = (collection: string, key: string): string => `${collection}\u0000${key}`;
const text = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));

/** Checks one trial's history: a pure function, so a corrupted history can prove the checks bite. */
export function checkChaosHistory(h: ChaosHistory): ChaosVerdict {
  const v: ChaosVerdict = {
    lost: 0,
    doubled: 0,
    misordered: 0,
    wrongValue: 0,
    diverged: 0,
    unexpectedConflicts: 0,
    deadLetters: 0,
    notIdle: 0,
  };
  const ackedIds = new Set(h.acked.map((w) => w.id));
  const processed = countBy(h.serverWrites.map((w) => w.writeId));
  for (const id of ackedIds) if (!processed.has(id)) v.lost += 1;
  const shared = new Set(h.sharedKeys);
  const resends = new Set(h.sentWrites.filter((w) => shared.has(w.key)).map((w) => w.id));
  for (const [id, n] of processed) v.doubled += ackedIds.has(id) || resends.has(id) ? n - 1 : n;
  for (const n of countBy(h.appliedAnswers).values()) v.doubled += n - 1;

  const live = new Map<string, { value: unknown; changeId: bigint }>();
  for (const d of h.serverDocs)
    if (!d.deleted) live.set(docId(d.collection, d.key), { value: d.value, changeId: BigInt(d.changeId) });
  v.misordered = countMisordered(h, live);
  v.wrongValue = countWrongValues(h, live);

  for (const device of h.devices) {
    const local = new Map(device.docs.map((d) => [docId(d.collection, d.key), d.value]));
    for (const id of new Set([...local.keys(), ...live.keys()])) {
      if (text(local.get(id)) !== text(live.get(id)?.value)) v.diverged += 1;
    }
    v.unexpectedConflicts += device.conflicts.filter((c) => !shared.has(c.key)).length;
    for (const s of device.statuses) {
      v.deadLetters += s.deadLetters;
      if (s.phase !== 'idle' || s.pending !== 0) v.notIdle += 1;
    }
  }
  return v;
}

/** Per device, its ordered writes by local sequence: the server's change ids must rise in that order. */
function countMisordered(h: ChaosHistory, live: Map<string, { changeId: bigint }>): number {
  const ordered = new Set(h.orderedCollections);
  let misordered = 0;
  for (const device of new Set(h.acked.map((w) => w.device))) {
    const writes = h.acked.filter((w) => w.device === device && ordered.has(w.collection)).sort((a, b) => a.seq - b.seq);
    let previous: bigint | undefined;
    for (const w of writes) {
      const at = live.get(docId(w.collection, w.key))?.changeId;
      if (at === undefined) continue;
      if (previous !== undefined && at < previous) misordered += 1;
      previous = at;
    }
  }
  return misordered;
}

/** The last acknowledged write of each document (per device for shared keys) against the server's value. */
function countWrongValues(h: ChaosHistory, live: Map<string, { value: unknown }>): number {
  const lastByDevice = new Map<string, Map<string, AckedWrite>>();
  for (const w of h.acked) {
    const id = docId(w.collection, w.key);
    const perDevice = lastByDevice.get(id) ?? new Map<string, AckedWrite>();
    const previous = perDevice.get(w.device);
    if (previous === undefined || previous.seq <= w.seq) perDevice.set(w.device, w);
    lastByDevice.set(id, perDevice);
  }
  let wrong = 0;
  for (const [id, perDevice] of lastByDevice) {
    const candidates = [...perDevice.values()].map((w) => (w.op === 'delete' ? 'absent' : text(w.value)));
    if (!candidates.includes(text(live.get(id)?.value))) wrong += 1;
  }
  return wrong;
}

function countBy(items: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(item, (out.get(item) ?? 0) + 1);
  return out;
}

/** Adds verdicts field by field (totals over trials). */
export function addVerdicts(a: ChaosVerdict, b: ChaosVerdict): ChaosVerdict {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof ChaosVerdict)[]) out[k] += b[k];
  return out;
}

/** The history with one acknowledged write lost, one applied twice and two ordered writes swapped on the server. */
export function corruptHistory(h: ChaosHistory): ChaosHistory {
  const ordered = new Set(h.orderedCollections);
  const appends = h.acked.filter((w) => ordered.has(w.collection));
  // The swap: the first two ordered writes of one device (by its local order).
  const device = appends[0]?.device;
  const own = appends.filter((w) => w.device === device).sort((x, y) => x.seq - y.seq);
  const [first, second] = own;
  const third = appends.find((w) => w !== first && w !== second);
  if (first === undefined || second === undefined || third === undefined) {
    throw new Error('a history to corrupt needs two ordered writes of one device and a third');
  }
  const docs = h.serverDocs.map((d) => ({ ...d }));
  const at = (w: AckedWrite) => docs.find((d) => d.collection === w.collection && d.key === w.key);
  const a = at(first);
  const b = at(second);
  if (a === undefined || b === undefined) throw new Error('the ordered writes to swap are not on the server');
  [a.changeId, b.changeId] = [b.changeId, a.changeId];
  const serverWrites = h.serverWrites.filter((w) => w.writeId !== third.id);
  const doubledOne = h.serverWrites.find((w) => w.writeId === second.id);
  return {
    ...h,
    serverWrites:
      doubledOne === undefined ? serverWrites : [...serverWrites, { ...doubledOne, writeId: `${doubledOne.writeId}-resent` }],
    serverDocs: docs,
  };
}
