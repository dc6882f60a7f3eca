import { describe, expect, test } from 'vitest';
import { describeStatus } from '../../demo/src/describe-status.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../src/protocol/sync-status.ts';

const status = (patch: Partial<SyncStatus>): SyncStatus => ({ ...INITIAL_SYNC_STATUS, online: true, ...patch });

describe('describeStatus', () => {
  test('says all changes are saved when nothing is pending', () => {
    expect(describeStatus(status({}))).toEqual({ text: 'All changes saved', tone: 'saved' });
  });

  test('counts the changes waiting while offline', () => {
    expect(describeStatus(status({ phase: 'offline', online: false, pending: 3 }))).toEqual({
      text: 'Offline — 3 changes waiting',
      tone: 'offline',
    });
  });

  test('treats a reported offline browser as offline even before the loop notices', () => {
    expect(describeStatus(status({ phase: 'idle', online: false, pending: 1 })).text).toBe('Offline — 1 change waiting');
  });

  test('says nothing is waiting when offline with an empty outbox', () => {
    expect(describeStatus(status({ phase: 'offline', online: false })).text).toBe('Offline — nothing waiting');
  });

  test('shows push progress as done of total', () => {
    const s = status({ phase: 'pushing', pending: 80, inFlight: 40, progress: { done: 40, total: 120 } });
    expect(describeStatus(s)).toEqual({ text: 'Syncing 40 of 120', tone: 'busy' });
  });

  test('falls back to the pending count when a push has no progress yet', () => {
    expect(describeStatus(status({ phase: 'pushing', pending: 2, progress: null })).text).toBe('Syncing 2 changes');
  });

  test('puts dead letters before every other state', () => {
    expect(describeStatus(status({ phase: 'offline', online: false, pending: 5, deadLetters: 2 }))).toEqual({
      text: '2 changes need attention',
      tone: 'attention',
    });
    expect(describeStatus(status({ deadLetters: 1 })).text).toBe('1 change needs attention');
  });

  test('asks for sign-in when the server refused the credentials', () => {
    expect(describeStatus(status({ phase: 'auth-required', pending: 4 }))).toEqual({
      text: 'Sign-in needed — 4 changes waiting',
      tone: 'attention',
    });
  });

  test('names paused, backoff and queued writes with their counts', () => {
    expect(describeStatus(status({ phase: 'paused', pending: 1 })).text).toBe('Sync paused — 1 change waiting');
    expect(describeStatus(status({ phase: 'backoff', pending: 2 })).text).toBe('Retrying soon — 2 changes waiting');
    expect(describeStatus(status({ phase: 'idle', pending: 7 }))).toEqual({ text: '7 changes waiting', tone: 'waiting' });
  });

  test('mentions conflicts to review once everything is saved', () => {
    expect(describeStatus(status({ conflicts: 1 })).text).toBe('All changes saved · 1 conflict to review');
    expect(describeStatus(status({ conflicts: 2 })).text).toBe('All changes saved · 2 conflicts to review');
  });

  test('tells the user to reload once the outbox is closed', () => {
    expect(describeStatus(status({ phase: 'closed' })).tone).toBe('attention');
  });
});
