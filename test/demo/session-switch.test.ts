import { describe, expect, test } from 'vitest';
import type { DemoOutbox } from '../../demo/src/demo-outbox.ts';
import { keptForOthers, leftBehindText, prepareSwitch } from '../../demo/src/session-switch.ts';
import { OutboxError } from '../../src/outbox-error.ts';
import { INITIAL_SYNC_STATUS } from '../../src/protocol/sync-status.ts';

const alice = { userId: 'alice', token: 't' };

/** A demo outbox whose flush settles as given, `pending` writes waiting, and these databases on the device. */
function outbox(flush: () => Promise<void>, pending = 0, databases: { name: string; pending: number }[] = []): DemoOutbox {
  const status = { ...INITIAL_SYNC_STATUS, pending };
  return {
    flush,
    getStatus: async () => status,
    status: { get: () => status, subscribe: () => () => {} },
    pendingDatabases: async () => databases.map((d) => ({ ...d, deadLetters: 0 })),
  } as unknown as DemoOutbox;
}

describe('session switch', () => {
  test('is ready once every change of the current user reached the server', async () => {
    expect(await prepareSwitch(outbox(async () => {}))).toEqual({ ready: true });
  });

  test('says how many changes stay behind when they cannot be sent in time', async () => {
    const timedOut = async () => {
      throw new OutboxError('flush-timeout', { ms: 5_000 });
    };
    expect(await prepareSwitch(outbox(timedOut, 2))).toEqual({ ready: false, pending: 2, code: 'flush-timeout' });
    expect(leftBehindText(alice, 2)).toContain('2 changes of user alice could not be sent yet');
    expect(leftBehindText(alice, 1)).toContain('1 change of user alice');
  });

  test("lists the other users whose changes are kept on this device, not the current user's", async () => {
    const found = await keptForOthers(
      outbox(async () => {}, 0, [
        { name: 'outbox-demo-alice', pending: 1 },
        { name: 'outbox-demo-bob', pending: 3 },
      ]),
      alice,
    );
    expect(found).toEqual([{ userId: 'bob', pending: 3 }]);
  });
});
