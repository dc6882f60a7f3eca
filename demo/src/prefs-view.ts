import type { DocOf } from '../../src/core/docs/define-collection.ts';
import type { prefs } from './collections.ts';
import { DATA_REPLACED_EVENT, type DemoOutbox, errorText } from './demo-outbox.ts';
import { announce, h, showError } from './dom.ts';

type Prefs = DocOf<typeof prefs>;

/** Defaults until the user picks something (follows the system's dark mode on first start). */
const defaults = (): Prefs => ({
  theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  textSize: 'medium',
  privacy: { analytics: false, readReceipts: true, showOnline: true },
});

const PRIVACY: readonly { id: keyof Prefs['privacy']; label: string }[] = [
  { id: 'analytics', label: 'Share anonymous usage statistics' },
  { id: 'readReceipts', label: 'Send read receipts' },
  { id: 'showOnline', label: 'Show when I am online' },
];

/** Applies preferences to the whole page at once. */
export function applyPrefs(p: Prefs): void {
  document.documentElement.dataset.theme = p.theme;
  document.documentElement.dataset.textSize = p.textSize;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', p.theme === 'dark' ? '#14213d' : '#1d4ed8');
}

/** The preferences page: theme, text size and privacy toggles, applied live and kept in the `prefs` collection. */
export function prefsView(outbox: DemoOutbox): HTMLElement {
  let current = defaults();
  const theme = h(
    'select',
    { id: 'pref-theme', name: 'theme' },
    h('option', { value: 'light' }, 'Light'),
    h('option', { value: 'dark' }, 'Dark'),
  );
  const size = h(
    'select',
    { id: 'pref-text-size', name: 'textSize' },
    h('option', { value: 'small' }, 'Small'),
    h('option', { value: 'medium' }, 'Medium'),
    h('option', { value: 'large' }, 'Large'),
  );
  const toggles = PRIVACY.map(({ id, label }) => {
    const input = h('input', { type: 'checkbox', id: `pref-${id}`, name: id });
    return { id, input, row: h('div', { class: 'check' }, input, h('label', { for: `pref-${id}` }, label)) };
  });

  const show = (p: Prefs): void => {
    current = p;
    theme.value = p.theme;
    size.value = p.textSize;
    for (const t of toggles) t.input.checked = p.privacy[t.id];
    applyPrefs(p);
  };
  const save = async (): Promise<void> => {
    const next: Prefs = {
      theme: theme.value === 'dark' ? 'dark' : 'light',
      textSize: size.value === 'small' || size.value === 'large' ? size.value : 'medium',
      privacy: { ...current.privacy },
    };
    for (const t of toggles) next.privacy[t.id] = t.input.checked;
    const before = current;
    show(next);
    try {
      await outbox.put('prefs', 'me', next);
      announce('Preferences saved on this device');
    } catch (e) {
      show(before);
      showError(`The preferences were not saved: ${errorText(e)}`);
    }
  };
  const load = async (): Promise<void> => {
    const doc = await outbox.get('prefs', 'me');
    show(doc ? (doc.value as Prefs) : defaults());
  };

  const form = h(
    'form',
    { class: 'stack', onchange: () => void save(), onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'pref-theme' }, 'Theme'), theme),
    h('div', { class: 'field' }, h('label', { for: 'pref-text-size' }, 'Text size'), size),
    h('fieldset', {}, h('legend', {}, 'Privacy'), ...toggles.map((t) => t.row)),
  );
  void load();
  void outbox.watch(
    'prefs',
    (changes) => {
      for (const c of changes) if (c.op === 'put' && c.value !== undefined) show(c.value as Prefs);
    },
    'me',
  );
  document.addEventListener(DATA_REPLACED_EVENT, () => void load());
  return h(
    'section',
    { 'aria-labelledby': 'prefs-title' },
    h('h1', { id: 'prefs-title' }, 'Preferences'),
    h('p', {}, 'Changes apply at once and are saved on this device first, then synced.'),
    form,
  );
}
