import type { SyncStatus } from '../../src/protocol/sync-status.ts';

/** How the status pill should look: `saved` calm, `busy` working, `waiting` queued, `offline`, `attention` needs the user. */
export type StatusTone = 'saved' | 'busy' | 'waiting' | 'offline' | 'attention';

/** The status pill's words and tone. */
export interface StatusDescription {
  readonly text: string;
  readonly tone: StatusTone;
}

const changes = (n: number): string => (n === 1 ? '1 change' : `${n} changes`);

/** "Offline — 3 changes waiting" style suffix; empty when nothing waits. */
const waiting = (prefix: string, pending: number): string =>
  pending > 0 ? `${prefix} — ${changes(pending)} waiting` : `${prefix} — nothing waiting`;

/**
 * Says in plain words where the user's data stands, from one {@link SyncStatus} snapshot.
 * Pure: the same snapshot always gives the same words.
 *
 * Order of precedence: closed, dead letters (the user must act), offline, sign-in needed,
 * paused, a push in progress, backoff, queued writes, then saved (with conflicts to review).
 *
 * @example
 * describeStatus({ ...status, phase: 'offline', pending: 3 }).text // 'Offline — 3 changes waiting'
 */
export function describeStatus(status: SyncStatus): StatusDescription {
  const { phase, pending, deadLetters } = status;
  if (phase === 'closed') return { text: 'Closed — reload the page to continue', tone: 'attention' };
  if (deadLetters > 0) {
    return { text: `${changes(deadLetters)} ${deadLetters === 1 ? 'needs' : 'need'} attention`, tone: 'attention' };
  }
  if (phase === 'offline' || status.online === false) return { text: waiting('Offline', pending), tone: 'offline' };
  if (phase === 'auth-required') return { text: waiting('Sign-in needed', pending), tone: 'attention' };
  if (phase === 'paused') return { text: waiting('Sync paused', pending), tone: 'waiting' };
  if (phase === 'pushing') {
    const p = status.progress;
    const text = p !== null && p.total > 0 ? `Syncing ${p.done} of ${p.total}` : `Syncing ${changes(pending)}`;
    return { text, tone: 'busy' };
  }
  if (phase === 'backoff') return { text: waiting('Retrying soon', pending), tone: 'waiting' };
  if (pending > 0) return { text: `${changes(pending)} waiting`, tone: 'waiting' };
  if (status.conflicts > 0) {
    const n = status.conflicts;
    return { text: `All changes saved · ${n} ${n === 1 ? 'conflict' : 'conflicts'} to review`, tone: 'saved' };
  }
  return { text: 'All changes saved', tone: 'saved' };
}
