import { DATA_REPLACED_EVENT, type DemoOutbox, errorCode, errorText } from './demo-outbox.ts';
import { announce, h } from './dom.ts';

const COLLECTIONS = [
  { name: 'notes', label: 'Notes' },
  { name: 'progress', label: 'Onboarding progress' },
  { name: 'prefs', label: 'Preferences' },
  { name: 'cards', label: 'Card states' },
] as const;

/** Export to a JSON file, import it back, and clear one collection (warning first about unsynced changes). */
export function dataView(outbox: DemoOutbox): HTMLElement {
  const message = h('p', { id: 'data-message', role: 'status' });
  const say = (text: string): void => {
    message.textContent = text;
    announce(text);
  };
  const file = h('input', { type: 'file', id: 'import-file', accept: 'application/json,.json' });
  const which = h('select', { id: 'clear-collection' }, ...COLLECTIONS.map((c) => h('option', { value: c.name }, c.label)));
  const warning = h('div', { id: 'clear-warning', class: 'warning', role: 'alert', hidden: true });

  const exportFile = async (): Promise<void> => {
    let data: unknown;
    try {
      data = await outbox.exportData();
    } catch (e) {
      return say(`Export failed: ${errorText(e)}`);
    }
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = h('a', { href: url, download: `outbox-demo-${new Date().toISOString().slice(0, 10)}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    say('Exported all data to a JSON file.');
  };
  const importFile = async (): Promise<void> => {
    const chosen = file.files?.[0];
    if (!chosen) return say('Choose a JSON file exported from this app first.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await chosen.text());
    } catch {
      return say(`“${chosen.name}” is not a JSON file. Nothing was imported.`);
    }
    try {
      const r = await outbox.importData(parsed);
      document.dispatchEvent(new Event(DATA_REPLACED_EVENT));
      say(`Imported ${r.docs} documents, ${r.pendingWrites} waiting changes and ${r.deadLetters} changes needing attention.`);
    } catch (e) {
      say(`Import failed: ${errorText(e)}`);
    }
  };
  const cancelClear = (): void => {
    warning.hidden = true;
    which.focus();
  };
  const clear = async (discardPending: boolean): Promise<void> => {
    const col = COLLECTIONS.find((c) => c.name === which.value) ?? COLLECTIONS[0];
    warning.hidden = true;
    try {
      const r = await outbox.clear(col.name, { discardPending });
      document.dispatchEvent(new Event(DATA_REPLACED_EVENT));
      say(`Cleared ${col.label}: ${r.removed} removed${r.discarded > 0 ? `, ${r.discarded} unsynced changes discarded` : ''}.`);
    } catch (e) {
      if (errorCode(e) !== 'pending-writes') return say(`Clearing failed: ${errorText(e)}`);
      const count = (e as { details?: { count?: unknown } }).details?.count;
      warning.replaceChildren(
        h(
          'p',
          {},
          `${col.label} has ${typeof count === 'number' ? count : 'some'} changes not synced yet. Clearing now discards them.`,
        ),
        h('button', { type: 'button', class: 'danger', onclick: () => void clear(true) }, 'Discard them and clear'),
        h('button', { type: 'button', onclick: () => cancelClear() }, 'Cancel'),
      );
      warning.hidden = false;
      warning.querySelector('button')?.focus();
    }
  };

  return h(
    'section',
    { 'aria-labelledby': 'data-title', class: 'stack' },
    h('h1', { id: 'data-title' }, 'Your data'),
    h(
      'div',
      { class: 'panel stack' },
      h('h2', {}, 'Export and import'),
      h('p', {}, 'Everything on this device — documents, waiting changes, changes needing attention — as one JSON file.'),
      h('button', { type: 'button', id: 'export-button', onclick: () => void exportFile() }, 'Export all data'),
      h('label', { for: 'import-file' }, 'Import a file exported before'),
      file,
      h('button', { type: 'button', id: 'import-button', onclick: () => void importFile() }, 'Import'),
    ),
    h(
      'div',
      { class: 'panel stack' },
      h('h2', {}, 'Clear one collection'),
      h('label', { for: 'clear-collection' }, 'Collection'),
      which,
      h('button', { type: 'button', id: 'clear-button', onclick: () => void clear(false) }, 'Clear'),
      warning,
    ),
    message,
  );
}
