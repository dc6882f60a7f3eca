import type { ConflictRecord } from '../../src/protocol/conflict-record.ts';
import type { DeadLetter } from '../../src/protocol/dead-letter.ts';
import type { PendingWrite } from '../../src/protocol/pending-write.ts';
import type { QuarantinedRecord } from '../../src/protocol/quarantined-record.ts';
import { toJsonSafe } from '../../src/protocol/to-json-safe.ts';
import type { SyncStatus } from '../../src/protocol/sync-status.ts';
import { type DemoOutbox, errorText } from './demo-outbox.ts';
import { describeStatus } from './describe-status.ts';
import { announce, h, replaceChildren } from './dom.ts';
import { formatAge, formatBytes } from './format.ts';

const DECISIONS: Record<ConflictRecord['decision'], string> = {
  'server-won': 'the version from the server was kept',
  'client-won': 'your version was kept',
  merged: 'both versions were merged',
};

/**
 * The queue inspector, a modal dialog: writes waiting and in flight, dead letters (retry, edit,
 * discard), conflicts (what happened, dismiss) and records set aside in the quarantine (what
 * was wrong, the raw record), with sizes and ages. Refreshes while open.
 */
export function queueInspector(outbox: DemoOutbox): { element: HTMLDialogElement; open(): void } {
  const body = h('div', { class: 'stack' });
  const summary = h('p', { id: 'inspector-summary' });
  const closeButton = h('button', { type: 'button', onclick: () => dialog.close() }, 'Close');
  const syncButton = h('button', { type: 'button', id: 'sync-now', onclick: () => void syncNow() }, 'Sync now');
  const dialog = h(
    'dialog',
    { id: 'inspector', 'aria-labelledby': 'inspector-title' },
    h('div', { class: 'dialog-head' }, h('h2', { id: 'inspector-title' }, 'Sync queue'), syncButton, closeButton),
    summary,
    body,
  );
  let stopStatus: (() => void) | null = null;
  let rendering = false;
  let again = false;

  // One refresh at a time; a status that arrives meanwhile triggers exactly one more.
  const refresh = async (): Promise<void> => {
    if (rendering) {
      again = true;
      return;
    }
    rendering = true;
    again = false;
    try {
      const [pending, dead, conflicts, quarantined] = await Promise.all([
        outbox.listPending({ limit: 200 }),
        outbox.listDeadLetters(),
        outbox.listConflicts(),
        outbox.listQuarantined(),
      ]);
      const now = Date.now();
      replaceChildren(
        body,
        pendingSection(pending, now),
        deadSection(dead, now),
        conflictSection(conflicts, now),
        quarantineSection(quarantined, now),
      );
    } catch (e) {
      replaceChildren(body, h('p', { role: 'alert' }, `Could not read the queue: ${errorText(e)}`));
    } finally {
      rendering = false;
      if (again && dialog.open) void refresh();
    }
  };
  const act = async (what: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
      announce(what);
    } catch (e) {
      announce(`${what} failed: ${errorText(e)}`);
    }
    await refresh();
  };
  const syncNow = async (): Promise<void> => {
    syncButton.disabled = true;
    await act('Sync finished', () => outbox.flush());
    syncButton.disabled = false;
  };

  const pendingSection = (writes: PendingWrite[], now: number): HTMLElement =>
    section(
      'Waiting to sync',
      writes.length,
      'Nothing is waiting: every change has reached the server.',
      writes.map((w) => {
        const inFlight = w.leaseUntil !== null && w.leaseUntil > now;
        return h(
          'li',
          { class: 'queue-item' },
          h('strong', {}, `${w.op === 'put' ? 'Save' : 'Delete'} ${w.collection}/${w.key}`),
          h(
            'span',
            {},
            `${formatBytes(w.size)} · ${formatAge(w.createdAt, now)} · ${inFlight ? 'sending now' : 'waiting'}` +
              (w.attempts > 0 ? ` · ${w.attempts} attempts` : ''),
          ),
          w.lastError && h('span', { class: 'muted' }, `Last error: ${w.lastError.message}`),
          h(
            'button',
            { type: 'button', onclick: () => void act('Change discarded', () => outbox.discardPending(w.id)) },
            'Discard',
          ),
        );
      }),
    );

  const deadSection = (letters: DeadLetter[], now: number): HTMLElement =>
    section(
      'Need attention',
      letters.length,
      'No change was refused.',
      letters.map((d) => {
        const editor = h('textarea', { rows: 4, 'aria-label': `Edit ${d.write.collection}/${d.write.key}`, hidden: true });
        const saveEdit = async (): Promise<void> => {
          let value: unknown;
          try {
            value = JSON.parse(editor.value);
          } catch {
            announce('The edited value is not valid JSON');
            return;
          }
          await act('Edited change sent again', () => outbox.retryDeadLetter(d.id, { value: value as never }));
        };
        const saveButton = h('button', { type: 'button', hidden: true, onclick: () => void saveEdit() }, 'Save and retry');
        const edit = (): void => {
          editor.value = JSON.stringify(d.write.value ?? null, null, 2);
          editor.hidden = false;
          saveButton.hidden = false;
          editor.focus();
        };
        return h(
          'li',
          { class: 'queue-item dead' },
          h('strong', {}, `${d.write.op === 'put' ? 'Save' : 'Delete'} ${d.write.collection}/${d.write.key}`),
          h('span', {}, `${formatBytes(d.write.size)} · refused ${formatAge(d.deadAt, now)} · ${d.reason} (${d.code})`),
          h('span', { class: 'muted' }, d.message),
          h(
            'div',
            { class: 'row' },
            h(
              'button',
              { type: 'button', onclick: () => void act('Change sent again', () => outbox.retryDeadLetter(d.id)) },
              'Retry',
            ),
            d.write.op === 'put' && h('button', { type: 'button', onclick: edit }, 'Edit'),
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () => void act('Change discarded', () => outbox.discardDeadLetter(d.id)),
              },
              'Discard',
            ),
          ),
          editor,
          saveButton,
        );
      }),
    );

  const conflictSection = (conflicts: ConflictRecord[], now: number): HTMLElement =>
    section(
      'Conflicts',
      conflicts.length,
      'No conflicts.',
      conflicts.map((c) =>
        h(
          'li',
          { class: 'queue-item' },
          h('strong', {}, `${c.collection}/${c.key}`),
          h('span', {}, `Changed here and on another device ${formatAge(c.at, now)}; ${DECISIONS[c.decision]} (${c.policy}).`),
          h(
            'button',
            { type: 'button', onclick: () => void act('Conflict dismissed', () => outbox.dismissConflict(c.id)) },
            'Dismiss',
          ),
        ),
      ),
    );

  const quarantineSection = (records: QuarantinedRecord[], now: number): HTMLElement =>
    section(
      'Set aside',
      records.length,
      'Nothing set aside.',
      records.map((q) =>
        h(
          'li',
          { class: 'queue-item' },
          h('strong', {}, q.store === 'pull' ? `pulled ${String(q.key)}` : `${q.store} ${String(q.key)}`),
          h('span', {}, `${q.code} ${formatAge(q.at, now)}: ${q.reason}`),
          h('code', {}, preview(toJsonSafe(q.raw))),
        ),
      ),
    );

  dialog.addEventListener('close', () => {
    stopStatus?.();
    stopStatus = null;
  });
  return {
    element: dialog,
    open() {
      if (dialog.open) return;
      dialog.showModal();
      stopStatus = outbox.status.subscribe((status) => {
        summary.textContent = summarize(status, Date.now());
        void refresh();
      });
    },
  };
}

/** A short JSON rendering of a raw record. */
function preview(raw: unknown): string {
  const text = JSON.stringify(raw) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The pill's words plus when the next automatic try is and why the last one failed. */
function summarize(status: SyncStatus, now: number): string {
  const parts = [describeStatus(status).text];
  if (status.nextRetryAt !== null && status.nextRetryAt > now) {
    parts.push(`next automatic try in ${Math.ceil((status.nextRetryAt - now) / 1000)} s`);
  }
  if (status.lastError !== null && status.pending > 0) parts.push(`last error: ${status.lastError.message}`);
  if (status.lastSyncedAt !== null) parts.push(`last synced ${formatAge(status.lastSyncedAt, now)}`);
  return `${parts.join(' · ')}.`;
}

function section(title: string, count: number, empty: string, items: HTMLElement[]): HTMLElement {
  return h(
    'section',
    { class: 'stack', 'aria-label': title },
    h('h3', {}, `${title} (${count})`),
    items.length === 0 ? h('p', { class: 'muted' }, empty) : h('ul', { class: 'plain stack' }, ...items),
  );
}
