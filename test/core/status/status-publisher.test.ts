import { describe, expect, test } from 'vitest';
import { StatusPublisher } from '../../../src/core/status/status-publisher.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../../src/protocol/sync-status.ts';

describe('StatusPublisher', () => {
  test('gives a new subscriber the current snapshot at once', () => {
    const publisher = new StatusPublisher({ ...INITIAL_SYNC_STATUS, pending: 4 });
    const seen: number[] = [];
    publisher.subscribe((s) => seen.push(s.pending));
    expect(seen).toEqual([4]);
  });

  test('sends every change and skips snapshots that differ only in time', () => {
    const publisher = new StatusPublisher(INITIAL_SYNC_STATUS);
    const seen: Array<[number, number]> = [];
    publisher.subscribe((s) => seen.push([s.pending, s.at]));
    publisher.publish({ ...INITIAL_SYNC_STATUS, pending: 1, at: 10 });
    publisher.publish({ ...INITIAL_SYNC_STATUS, pending: 1, at: 20 });
    publisher.publish({ ...INITIAL_SYNC_STATUS, pending: 2, at: 30 });
    expect(seen).toEqual([
      [0, 0],
      [1, 10],
      [2, 30],
    ]);
  });

  test('stops calling a subscriber after it unsubscribes, even twice', () => {
    const publisher = new StatusPublisher(INITIAL_SYNC_STATUS);
    const seen: SyncStatus[] = [];
    const off = publisher.subscribe((s) => seen.push(s));
    off();
    off();
    publisher.publish({ ...INITIAL_SYNC_STATUS, pending: 1 });
    expect(seen).toHaveLength(1);
  });

  test('keeps notifying the others when one subscriber throws', () => {
    const publisher = new StatusPublisher(INITIAL_SYNC_STATUS);
    const seen: number[] = [];
    publisher.subscribe(() => {
      throw new Error('broken');
    });
    publisher.subscribe((s) => seen.push(s.pending));
    publisher.publish({ ...INITIAL_SYNC_STATUS, pending: 5 });
    expect(seen).toEqual([0, 5]);
  });
});
