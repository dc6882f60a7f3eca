import { describe, expect, test } from 'vitest';
import { coalesced } from '../../../src/core/queue/coalesced-run.ts';

/** A task whose runs end only when the test says so. */
function gatedTask() {
  const gates: (() => void)[] = [];
  let runs = 0;
  const task = (): Promise<void> => {
    runs += 1;
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  return { task, runs: () => runs, open: (i: number) => gates[i]?.() };
}

describe('coalesced', () => {
  test('runs a burst of calls made during a run as one follow-up run', async () => {
    const gated = gatedTask();
    const refresh = coalesced(gated.task);
    const first = refresh();
    const burst = Array.from({ length: 20 }, () => refresh());
    expect(gated.runs()).toBe(1);
    gated.open(0);
    await first;
    // The follow-up starts once the first run has ended; poll for it (bounded) instead of sleeping.
    for (let i = 0; i < 100 && gated.runs() < 2; i++) await Promise.resolve();
    expect(gated.runs()).toBe(2);
    gated.open(1);
    await Promise.all(burst);
    expect(gated.runs()).toBe(2);
  });

  test('resolves a call only after a run that started after the call', async () => {
    const gated = gatedTask();
    const refresh = coalesced(gated.task);
    void refresh();
    let lateDone = false;
    const late = refresh().then(() => {
      lateDone = true;
    });
    gated.open(0);
    for (let i = 0; i < 100 && gated.runs() < 2; i++) await Promise.resolve();
    expect(lateDone).toBe(false);
    gated.open(1);
    await late;
    expect(lateDone).toBe(true);
  });

  test('starts a fresh run after a failed one', async () => {
    let runs = 0;
    const refresh = coalesced(async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run fails');
    });
    await expect(refresh()).rejects.toThrow();
    await refresh();
    expect(runs).toBe(2);
  });
});
