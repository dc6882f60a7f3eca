import { DATA_REPLACED_EVENT, type DemoOutbox, errorText, listAll } from './demo-outbox.ts';
import { announce, h, replaceChildren, showError } from './dom.ts';

interface Note {
  readonly text: string;
  readonly at: number;
  readonly device: string;
}

/** How many notes are drawn at first; "Show more" adds this many again (the list can hold thousands). */
const PAGE = 100;

/** A key that sorts by time, so list() returns notes oldest first; the random tail keeps two devices apart. */
export function noteKey(nowMs: number, random: () => number = Math.random): string {
  const tail = Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
  return `${nowMs.toString(36).padStart(9, '0')}-${tail}`;
}

/** The notes page: an append-only history (the `notes` collection), newest first. */
export function notesView(outbox: DemoOutbox, device: string): HTMLElement {
  const notes = new Map<string, Note>();
  let shown = PAGE;
  const list = h('ol', { id: 'notes-list', class: 'plain notes', 'aria-label': 'Notes, newest first' });
  const count = h('p', { id: 'notes-count' });
  const more = h('button', { type: 'button', hidden: true, onclick: () => showMore() }, 'Show more');
  const text = h('textarea', { id: 'note-text', name: 'text', rows: 3, required: true });

  const showMore = (): void => {
    shown += PAGE;
    render();
  };
  const render = (): void => {
    const keys = [...notes.keys()].sort().reverse();
    replaceChildren(
      list,
      ...keys.slice(0, shown).map((k) => {
        const n = notes.get(k)!;
        const when = new Date(n.at);
        return h(
          'li',
          { class: 'note' },
          h('p', {}, n.text),
          h('small', {}, h('time', { datetime: when.toISOString() }, when.toLocaleString()), ` · ${n.device}`),
        );
      }),
    );
    count.textContent = notes.size === 1 ? '1 note' : `${notes.size} notes`;
    more.hidden = keys.length <= shown;
  };
  const add = async (e: Event): Promise<void> => {
    e.preventDefault();
    const value = text.value.trim();
    if (value === '') return;
    const note: Note = { text: value, at: Date.now(), device };
    const key = noteKey(note.at);
    notes.set(key, note);
    text.value = '';
    render();
    try {
      await outbox.put('notes', key, { ...note });
      announce('Note saved on this device');
    } catch (e) {
      // Not stored: take it off the list and give the text back, so nothing is lost silently.
      notes.delete(key);
      if (text.value === '') text.value = value;
      render();
      showError(`The note was not saved: ${errorText(e)}`);
    }
  };
  const load = async (): Promise<void> => {
    notes.clear();
    for (const { key, value } of await listAll(outbox, 'notes')) notes.set(key, value as Note);
    render();
  };

  void load();
  void outbox.watch('notes', (changes) => {
    for (const c of changes) {
      if (c.op === 'put' && c.value !== undefined) notes.set(c.key, c.value as unknown as Note);
      else notes.delete(c.key);
    }
    render();
  });
  document.addEventListener(DATA_REPLACED_EVENT, () => void load());
  return h(
    'section',
    { 'aria-labelledby': 'notes-title' },
    h('h1', { id: 'notes-title' }, 'Notes'),
    h(
      'form',
      { class: 'stack', onsubmit: (e) => void add(e) },
      h('label', { for: 'note-text' }, 'New note'),
      text,
      h('button', { type: 'submit' }, 'Add note'),
    ),
    count,
    list,
    more,
  );
}
