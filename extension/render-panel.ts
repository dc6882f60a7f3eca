import type { DevtoolsAction, DevtoolsSnapshot } from '../src/devtools/devtools-snapshot.ts';

/** What a button in the panel asks for. */
export type PanelCommand = (action: DevtoolsAction, id: string | null) => void;

const age = (from: number, now: number): string => {
  const s = Math.max(0, Math.round((now - from) / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
};
const bytes = (n: number): string => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);
const when = (t: number | null): string => (t === null ? '—' : new Date(t).toLocaleTimeString());
const preview = (v: unknown): string => (v === undefined ? '(delete)' : JSON.stringify(v));

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function table(doc: Document, caption: string, headers: string[], rows: HTMLTableRowElement[]): HTMLElement {
  const section = el(doc, 'section');
  section.setAttribute('aria-label', caption);
  section.append(el(doc, 'h2', `${caption} (${rows.length})`));
  if (rows.length === 0) {
    section.append(el(doc, 'p', 'None.', 'empty'));
    return section;
  }
  const t = el(doc, 'table');
  const head = el(doc, 'tr');
  for (const h of headers) head.append(el(doc, 'th', h));
  t.append(head, ...rows);
  section.append(t);
  return section;
}

function row(doc: Document, cells: (string | HTMLElement)[], valueColumn?: number): HTMLTableRowElement {
  const tr = el(doc, 'tr');
  cells.forEach((cell, i) => {
    const td = el(doc, 'td', undefined, i === valueColumn ? 'value' : undefined);
    td.append(cell);
    tr.append(td);
  });
  return tr;
}

function button(doc: Document, label: string, command: PanelCommand, action: DevtoolsAction, id: string): HTMLButtonElement {
  const b = el(doc, 'button', label);
  b.type = 'button';
  b.dataset.action = action;
  b.dataset.id = id;
  b.addEventListener('click', () => command(action, id));
  return b;
}

function statusList(doc: Document, s: DevtoolsSnapshot['status']): HTMLElement {
  const dl = el(doc, 'dl', undefined, 'status');
  const items: [string, string][] = [
    ['Phase', s.phase],
    ['Online', String(s.online)],
    ['Pending', String(s.pending)],
    ['In flight', String(s.inFlight)],
    ['Dead letters', String(s.deadLetters)],
    ['Conflicts', String(s.conflicts)],
    ['Quarantined', String(s.quarantined ?? 0)],
    ['Discarded', String(s.discarded)],
    ['Last synced', when(s.lastSyncedAt)],
    ['Next retry', when(s.nextRetryAt)],
    ['Last error', s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : '—'],
  ];
  for (const [k, v] of items) {
    const d = el(doc, 'div');
    d.dataset.field = k.toLowerCase().replace(/ /g, '-');
    d.append(el(doc, 'dt', k), el(doc, 'dd', v));
    dl.append(d);
  }
  return dl;
}

/** Builds the panel body for one snapshot. Pure apart from creating nodes in `doc`. */
export function renderPanel(doc: Document, snap: DevtoolsSnapshot, now: number, command: PanelCommand): HTMLElement[] {
  const pending = snap.pending.map((w) =>
    row(
      doc,
      [
        String(w.seq),
        `${w.collection}/${w.key}`,
        w.op,
        preview(w.value),
        bytes(w.size),
        age(w.createdAt, now),
        String(w.attempts),
        w.leaseUntil !== null && w.leaseUntil > now ? 'in flight' : w.lastError ? w.lastError.code : 'waiting',
        button(doc, 'Discard', command, 'discard-pending', w.id),
      ],
      3,
    ),
  );
  const dead = snap.deadLetters.map((d) =>
    row(
      doc,
      [
        `${d.write.collection}/${d.write.key}`,
        d.reason,
        `${d.code}: ${d.message}`,
        preview(d.write.value),
        age(d.deadAt, now),
        button(doc, 'Retry', command, 'retry-dead-letter', d.id),
        button(doc, 'Discard', command, 'discard-dead-letter', d.id),
      ],
      3,
    ),
  );
  const conflicts = snap.conflicts.map((c) =>
    row(doc, [
      `${c.collection}/${c.key}`,
      `${c.policy} → ${c.decision}`,
      preview(c.local),
      preview(c.remote),
      age(c.at, now),
      button(doc, 'Dismiss', command, 'dismiss-conflict', c.id),
    ]),
  );
  // A hook from before the quarantine sends no list.
  const quarantined = (snap.quarantined ?? []).map((q) =>
    row(doc, [`${q.store} ${String(q.key)}`, q.code, q.reason, preview(q.raw), age(q.at, now)], 3),
  );
  const parts: HTMLElement[] = [statusList(doc, snap.status)];
  if (snap.refreshError) parts.push(el(doc, 'p', `Could not read the queue: ${snap.refreshError.code}`, 'error'));
  parts.push(
    table(doc, 'Pending writes', ['seq', 'document', 'op', 'value', 'size', 'age', 'attempts', 'state', ''], pending),
    table(doc, 'Dead letters', ['document', 'reason', 'error', 'value', 'age', '', ''], dead),
    table(doc, 'Conflicts', ['document', 'decision', 'local', 'remote', 'age', ''], conflicts),
    table(doc, 'Quarantined', ['record', 'code', 'reason', 'raw', 'age'], quarantined),
  );
  return parts;
}

/** One line about the last action, for the header. */
export function describeAction(snap: DevtoolsSnapshot): string {
  const a = snap.lastAction;
  if (!a) return '';
  return a.ok ? `${a.action} done` : `${a.action} failed: ${a.error?.code ?? 'unknown'}`;
}
