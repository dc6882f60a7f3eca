import { describe, expect, test } from 'vitest';
import { type SyncEvent, syncStatusReducer } from '../../../src/core/status/sync-status-reducer.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../../src/protocol/sync-status.ts';

const run = (events: SyncEvent[]): SyncStatus => events.reduce(syncStatusReducer, INITIAL_SYNC_STATUS);
const err = { code: 'server-error', message: 'x' };

describe('syncStatusReducer', () => {
  test('tracks a drain from start to synced', () => {
    const s = run([
      { type: 'counts', at: 1, pending: 3, deadLetters: 0, conflicts: 0, quarantined: 0, discarded: 0 },
      { type: 'drain-started', at: 2, total: 3 },
      { type: 'push-started', at: 3, inFlight: 2 },
      { type: 'push-settled', at: 4, acked: 2 },
    ]);
    expect(s).toMatchObject({ phase: 'pushing', inFlight: 0, online: true, progress: { done: 2, total: 3 }, pending: 3, at: 4 });
    const done = syncStatusReducer(s, { type: 'synced', at: 9 });
    expect(done).toMatchObject({ phase: 'idle', progress: null, lastSyncedAt: 9, nextRetryAt: null });
  });

  test('enters backoff with the next retry time, or offline after a network failure', () => {
    const backoff = run([{ type: 'failed', at: 5, error: err, nextRetryAt: 1005, offline: false }]);
    expect(backoff).toMatchObject({ phase: 'backoff', online: 'unknown', lastError: err, nextRetryAt: 1005 });
    const offline = run([{ type: 'failed', at: 5, error: err, nextRetryAt: 1005, offline: true }]);
    expect(offline).toMatchObject({ phase: 'offline', online: false, nextRetryAt: 1005 });
  });

  test('clears the last error after a clean push and keeps a per-write rejection', () => {
    const failed = run([{ type: 'failed', at: 5, error: err, nextRetryAt: 6, offline: false }]);
    expect(syncStatusReducer(failed, { type: 'push-settled', at: 7, acked: 1 }).lastError).toBeNull();
    const rejected = { code: 'invalid-request', message: 'no' };
    expect(syncStatusReducer(failed, { type: 'push-settled', at: 7, acked: 0, error: rejected }).lastError).toEqual(rejected);
  });

  test('keeps progress within its total', () => {
    const s = run([
      { type: 'drain-started', at: 1, total: 1 },
      { type: 'push-settled', at: 2, acked: 3 },
    ]);
    expect(s.progress).toEqual({ done: 1, total: 1 });
  });

  test('records auth-required, relayed connectivity and plain phases', () => {
    expect(run([{ type: 'auth-required', at: 1, error: err }])).toMatchObject({ phase: 'auth-required', lastError: err });
    expect(run([{ type: 'online-changed', at: 1, online: false }]).online).toBe(false);
    expect(run([{ type: 'phase', at: 1, phase: 'paused' }]).phase).toBe('paused');
  });

  test('returns plain data that survives structuredClone', () => {
    const s = run([{ type: 'failed', at: 5, error: err, nextRetryAt: 6, offline: true }]);
    expect(structuredClone(s)).toEqual(s);
  });
});
