import { describe, expect, test } from 'vitest';
import { type ChaosHistory, checkChaosHistory, corruptHistory } from './chaos-check.ts';
import { countPlan, planTrial } from './chaos-plan.ts';

const ev = (device: string, n: number, seq: number) => ({
  device,
  id: `${device}-w${n}`,
  seq,
  collection: 'events',
  key: `${device}-${n}`,
  op: 'put' as const,
  value: { tab: `${device}0`, n },
});

/** Three events of A, one of B, a note A wrote twice and a shared note both wrote — all delivered. */
function cleanHistory(): ChaosHistory {
  const acked = [
    ev('A', 0, 1),
    ev('A', 1, 2),
    { device: 'A', id: 'A-n', seq: 3, collection: 'notes', key: 'a-0', op: 'put' as const, value: { text: 'one' } },
    { device: 'A', id: 'A-n', seq: 4, collection: 'notes', key: 'a-0', op: 'put' as const, value: { text: 'two' } },
    ev('A', 2, 5),
    ev('B', 0, 1),
    { device: 'A', id: 'A-s', seq: 6, collection: 'notes', key: 's-0', op: 'put' as const, value: { text: 'from A' } },
    { device: 'B', id: 'B-s', seq: 2, collection: 'notes', key: 's-0', op: 'put' as const, value: { text: 'from B' } },
  ];
  const serverDocs = [
    { collection: 'events', key: 'A-0', deleted: false, value: { tab: 'A0', n: 0 }, changeId: '1' },
    { collection: 'events', key: 'A-1', deleted: false, value: { tab: 'A0', n: 1 }, changeId: '2' },
    { collection: 'notes', key: 'a-0', deleted: false, value: { text: 'two' }, changeId: '3' },
    { collection: 'events', key: 'A-2', deleted: false, value: { tab: 'A0', n: 2 }, changeId: '10' },
    { collection: 'events', key: 'B-0', deleted: false, value: { tab: 'B0', n: 0 }, changeId: '4' },
    { collection: 'notes', key: 's-0', deleted: false, value: { text: 'from B' }, changeId: '12' },
  ];
  const ids = [...new Set(acked.map((w) => w.id))];
  const docs = serverDocs.map(({ collection, key, value }) => ({ collection, key, value }));
  const idle = { phase: 'idle', pending: 0, deadLetters: 0 };
  return {
    acked,
    appliedAnswers: ids,
    sentWrites: acked.map(({ id, collection, key }) => ({ id, collection, key })),
    serverWrites: ids.map((writeId, seq) => ({ writeId, seq })),
    serverDocs,
    devices: [
      { device: 'A', docs, statuses: [idle, idle], conflicts: [{ collection: 'notes', key: 's-0' }] },
      { device: 'B', docs, statuses: [idle], conflicts: [] },
    ],
    orderedCollections: ['events'],
    sharedKeys: ['s-0'],
  };
}

const zero = {
  lost: 0,
  doubled: 0,
  misordered: 0,
  wrongValue: 0,
  diverged: 0,
  unexpectedConflicts: 0,
  deadLetters: 0,
  notIdle: 0,
};

describe('checkChaosHistory', () => {
  test('finds nothing wrong in a history that kept every promise', () => {
    expect(checkChaosHistory(cleanHistory())).toEqual(zero);
  });

  test('counts an acknowledged write the server never processed as lost', () => {
    const h = cleanHistory();
    const verdict = checkChaosHistory({ ...h, serverWrites: h.serverWrites.filter((w) => w.writeId !== 'A-w1') });
    expect(verdict).toEqual({ ...zero, lost: 1 });
  });

  test('counts a second application of one id, a second applied answer, and a processed write nobody acknowledged as doubled', () => {
    const h = cleanHistory();
    const again = { writeId: 'A-w0', seq: 99 };
    expect(checkChaosHistory({ ...h, serverWrites: [...h.serverWrites, again] }).doubled).toBe(1);
    expect(checkChaosHistory({ ...h, appliedAnswers: [...h.appliedAnswers, 'A-w2'] }).doubled).toBe(1);
    expect(checkChaosHistory({ ...h, serverWrites: [...h.serverWrites, { writeId: 'stranger', seq: 7 }] }).doubled).toBe(1);
  });

  test('takes a write the runner resent after a conflict on a shared key for no double, and one on any other key for one', () => {
    const h = cleanHistory();
    const serverWrites = [...h.serverWrites, { writeId: 'resend', seq: 9 }];
    const onShared = [...h.sentWrites, { id: 'resend', collection: 'notes', key: 's-0' }];
    expect(checkChaosHistory({ ...h, serverWrites, sentWrites: onShared })).toEqual(zero);
    const onOwn = [...h.sentWrites, { id: 'resend', collection: 'notes', key: 'a-0' }];
    expect(checkChaosHistory({ ...h, serverWrites, sentWrites: onOwn })).toEqual({ ...zero, doubled: 1 });
  });

  test("counts one client's ordered writes reaching the feed out of order as misordered", () => {
    const h = cleanHistory();
    const serverDocs = h.serverDocs.map((d) =>
      d.key === 'A-2' ? { ...d, changeId: '2' } : d.key === 'A-1' ? { ...d, changeId: '10' } : d,
    );
    expect(checkChaosHistory({ ...h, serverDocs })).toEqual({ ...zero, misordered: 1 });
  });

  test('compares change ids as numbers, not text', () => {
    const h = cleanHistory();
    const serverDocs = h.serverDocs.map((d) => (d.key === 'A-1' ? { ...d, changeId: '9' } : d));
    expect(checkChaosHistory({ ...h, serverDocs }).misordered).toBe(0);
  });

  test("counts a state key whose server value is not the last acknowledged one as a wrong value, and takes either device's last value for a shared key", () => {
    const h = cleanHistory();
    const stale = h.serverDocs.map((d) => (d.key === 'a-0' ? { ...d, value: { text: 'one' } } : d));
    const docs = stale.filter((d) => !d.deleted).map(({ collection, key, value }) => ({ collection, key, value }));
    const devices = h.devices.map((d) => ({ ...d, docs }));
    expect(checkChaosHistory({ ...h, serverDocs: stale, devices })).toEqual({ ...zero, wrongValue: 1 });
    const fromA = h.serverDocs.map((d) => (d.key === 's-0' ? { ...d, value: { text: 'from A' } } : d));
    const docsA = fromA.map(({ collection, key, value }) => ({ collection, key, value }));
    expect(checkChaosHistory({ ...h, serverDocs: fromA, devices: h.devices.map((d) => ({ ...d, docs: docsA })) })).toEqual(zero);
  });

  test('expects a document whose last write was a delete to be absent', () => {
    const h = cleanHistory();
    const acked = [...h.acked, { device: 'A', id: 'A-d', seq: 7, collection: 'notes', key: 'a-0', op: 'delete' as const }];
    const serverWrites = [...h.serverWrites, { writeId: 'A-d', seq: 50 }];
    const withDelete = { ...h, acked, serverWrites, appliedAnswers: [...h.appliedAnswers, 'A-d'] };
    expect(checkChaosHistory(withDelete).wrongValue).toBe(1);
    const serverDocs = h.serverDocs.map((d) => (d.key === 'a-0' ? { ...d, deleted: true, value: undefined } : d));
    const docs = serverDocs.filter((d) => !d.deleted).map(({ collection, key, value }) => ({ collection, key, value }));
    const verdict = checkChaosHistory({ ...withDelete, serverDocs, devices: h.devices.map((d) => ({ ...d, docs })) });
    expect(verdict).toEqual(zero);
  });

  test('counts each document a device holds differently from the server as diverged', () => {
    const h = cleanHistory();
    const [a, b] = h.devices;
    if (a === undefined || b === undefined) throw new Error('two devices');
    const docs = [...b.docs.filter((d) => d.key !== 'A-0'), { collection: 'notes', key: 'ghost', value: { text: 'x' } }];
    expect(checkChaosHistory({ ...h, devices: [a, { ...b, docs }] })).toEqual({ ...zero, diverged: 2 });
  });

  test('counts conflicts on keys no two devices wrote, dead letters, and tabs that are not idle', () => {
    const h = cleanHistory();
    const [a, b] = h.devices;
    if (a === undefined || b === undefined) throw new Error('two devices');
    const devices = [
      { ...a, conflicts: [...a.conflicts, { collection: 'notes', key: 'a-0' }] },
      { ...b, statuses: [{ phase: 'backoff', pending: 1, deadLetters: 2 }] },
    ];
    expect(checkChaosHistory({ ...h, devices })).toEqual({ ...zero, unexpectedConflicts: 1, deadLetters: 2, notIdle: 1 });
  });
});

describe('corruptHistory', () => {
  test('injects one loss, one double and one swap, and the checks catch each', () => {
    const verdict = checkChaosHistory(corruptHistory(cleanHistory()));
    expect(verdict.lost).toBe(1);
    expect(verdict.doubled).toBe(1);
    expect(verdict.misordered).toBeGreaterThanOrEqual(1);
  });
});

describe('planTrial', () => {
  test('is a pure function of its seed', () => {
    expect(planTrial(42, 30)).toEqual(planTrial(42, 30));
    expect(planTrial(42, 30)).not.toEqual(planTrial(43, 30));
  });

  test('plans at least the writes asked for, with faults and kills over many seeds', () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= 50; seed++) {
      const counts = countPlan(planTrial(seed, 30));
      expect(counts.writes).toBeGreaterThanOrEqual(30);
      for (const [k, n] of Object.entries(counts)) totals[k] = (totals[k] ?? 0) + n;
    }
    for (const kind of [
      'kill-browser',
      'close-runner-mid-push',
      'kill-server',
      'reload-after-put',
      'reset-before',
      'drop-after',
    ]) {
      expect(totals[kind]).toBeGreaterThan(0);
    }
  });
});
