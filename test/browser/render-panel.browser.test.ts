import { describe, expect, test } from 'vitest';
import { describeAction, renderPanel } from '../../extension/render-panel.ts';
import type { DevtoolsAction, DevtoolsSnapshot } from '../../src/devtools/devtools-snapshot.ts';
import { INITIAL_SYNC_STATUS } from '../../src/protocol/sync-status.ts';

const NOW = 1_800_000_000_000;
const id = (n: number) => `${n}`.padStart(32, 'a');

const snapshot: DevtoolsSnapshot = {
  name: 'app',
  status: {
    ...INITIAL_SYNC_STATUS,
    phase: 'backoff',
    pending: 2,
    deadLetters: 1,
    lastError: { code: 'server-error', message: '503' },
  },
  pending: [
    {
      v: 1,
      seq: 7,
      id: id(7) as never,
      clientId: id(0) as never,
      collection: 'notes',
      key: 'n1',
      op: 'put',
      value: { text: 'hi' },
      baseVersion: null,
      createdAt: NOW - 5_000,
      size: 15,
      attempts: 2,
      leaseUntil: null,
      firstFailedAt: NOW - 4_000,
      lastError: { code: 'server-error', message: '503' },
    },
  ],
  deadLetters: [
    {
      v: 1,
      id: id(3) as never,
      reason: 'rejected',
      code: 'document-too-large',
      message: 'too big',
      deadAt: NOW - 120_000,
      write: {
        v: 1,
        seq: 3,
        id: id(3) as never,
        clientId: id(0) as never,
        collection: 'notes',
        key: 'big',
        op: 'put',
        value: 'x',
        baseVersion: null,
        createdAt: NOW - 200_000,
        size: 3,
        attempts: 1,
        leaseUntil: null,
        firstFailedAt: null,
        lastError: null,
      },
    },
  ],
  conflicts: [],
  refreshedAt: NOW,
  refreshError: null,
  lastAction: { action: 'retry-dead-letter', id: id(4), ok: false, error: { code: 'not-found', message: 'gone' }, at: NOW },
};

describe('renderPanel', () => {
  test('shows the status, every pending write, dead letter and conflict with sizes, ages and errors', () => {
    const root = document.createElement('div');
    root.append(...renderPanel(document, snapshot, NOW, () => {}));
    const text = root.textContent ?? '';
    expect(root.querySelector('[data-field="phase"] dd')?.textContent).toBe('backoff');
    expect(root.querySelector('[data-field="last-error"] dd')?.textContent).toBe('server-error: 503');
    expect(text).toContain('Pending writes (1)');
    expect(text).toContain('notes/n1');
    expect(text).toContain('15 B');
    expect(text).toContain('5 s');
    expect(text).toContain('Dead letters (1)');
    expect(text).toContain('document-too-large: too big');
    expect(text).toContain('2 min');
    expect(text).toContain('Conflicts (0)');
  });

  test('turns each button into the matching command with the write id', () => {
    const commands: [DevtoolsAction, string | null][] = [];
    const root = document.createElement('div');
    root.append(...renderPanel(document, snapshot, NOW, (action, target) => commands.push([action, target])));
    for (const b of root.querySelectorAll('button')) b.click();
    expect(commands).toEqual([
      ['discard-pending', id(7)],
      ['retry-dead-letter', id(3)],
      ['discard-dead-letter', id(3)],
    ]);
  });

  test('shows the quarantine: its count in the status, and each record with its code, reason and raw record', () => {
    const record = {
      v: 1 as const,
      id: 'q1',
      code: 'record-quarantined' as const,
      store: 'outbox' as const,
      key: 12,
      reason: 'outbox chunk: \'writes\' is the string "x"',
      raw: { writes: 'x' },
      at: NOW - 60_000,
    };
    const root = document.createElement('div');
    const snap = { ...snapshot, status: { ...snapshot.status, quarantined: 1 }, quarantined: [record] };
    root.append(...renderPanel(document, snap, NOW, () => {}));
    const text = root.textContent ?? '';
    expect(root.querySelector('[data-field="quarantined"] dd')?.textContent).toBe('1');
    expect(text).toContain('Quarantined (1)');
    expect(text).toContain('outbox 12');
    expect(text).toContain('record-quarantined');
    expect(text).toContain('{"writes":"x"}');
    // A hook from before the quarantine sends no list: the panel still renders.
    const { quarantined: _, ...older } = snap;
    expect(() => renderPanel(document, older, NOW, () => {})).not.toThrow();
  });

  test('describes the last action and its error code', () => {
    expect(describeAction(snapshot)).toBe('retry-dead-letter failed: not-found');
    expect(describeAction({ ...snapshot, lastAction: null })).toBe('');
  });
});
