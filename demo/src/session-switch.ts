import type { DemoOutbox } from './demo-outbox.ts';
import { errorCode } from './demo-outbox.ts';
import { DATABASE_PREFIX, type DemoSession, databaseName, userOfDatabase } from './session.ts';

/** How long switching user waits for the current user's changes to reach the server, in ms. */
export const SWITCH_FLUSH_MS = 5_000;

/** Whether the current user's changes all left before a switch, or how many stay behind. */
export type SwitchCheck = { readonly ready: true } | { readonly ready: false; readonly pending: number; readonly code: string };

/**
 * Before another user signs in on this device: pushes the current user's unsynced changes
 * under the current credentials, waiting at most `timeoutMs`. When they cannot all leave
 * (offline, server down, credentials refused), says how many stay behind. Their database is
 * kept either way, and is drained when its user signs in here again.
 */
export async function prepareSwitch(outbox: DemoOutbox, timeoutMs = SWITCH_FLUSH_MS): Promise<SwitchCheck> {
  try {
    await outbox.flush({ timeoutMs });
    return { ready: true };
  } catch (e) {
    const pending = (await outbox.getStatus().catch(() => outbox.status.get())).pending;
    // The last acknowledgement may have come between the timeout and the count.
    if (pending === 0 && errorCode(e) === 'flush-timeout') return { ready: true };
    return { ready: false, pending, code: errorCode(e) ?? 'unknown' };
  }
}

/** The warning shown when a switch would leave changes behind. */
export function leftBehindText(session: DemoSession, pending: number): string {
  const changes = pending === 1 ? '1 change' : `${pending} changes`;
  return `${changes} of user ${session.userId} could not be sent yet (offline, or the server is down). They stay on this device and are sent when user ${session.userId} signs in here again.`;
}

/** Other users whose unsynced changes wait in their database on this device. */
export async function keptForOthers(outbox: DemoOutbox, session: DemoSession): Promise<{ userId: string; pending: number }[]> {
  const mine = databaseName(session);
  const found = await outbox.pendingDatabases(DATABASE_PREFIX);
  return found
    .filter((d) => d.name !== mine && d.pending > 0)
    .map((d) => ({ userId: userOfDatabase(d.name), pending: d.pending }));
}
