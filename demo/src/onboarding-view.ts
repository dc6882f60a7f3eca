import { DATA_REPLACED_EVENT, type DemoOutbox, errorText, listAll } from './demo-outbox.ts';
import { announce, h, showError } from './dom.ts';

/** The onboarding checklist; each step is one document in the `progress` collection. */
export const ONBOARDING_STEPS: readonly { id: string; label: string }[] = [
  { id: 'write-note', label: 'Write your first note' },
  { id: 'pick-theme', label: 'Pick a theme you like' },
  { id: 'open-card', label: 'Open a card in “Learn”' },
  { id: 'go-offline', label: 'Make a change while offline' },
  { id: 'second-device', label: 'Open your data on another device' },
];

/** The onboarding page: steps checked off, with the share done in words and as a progress bar. */
export function onboardingView(outbox: DemoOutbox): HTMLElement {
  const done = new Map<string, boolean>();
  const bar = h('progress', { id: 'onboarding-progress', max: ONBOARDING_STEPS.length, value: 0 });
  const summary = h('p', { id: 'onboarding-summary', 'aria-live': 'polite' });
  const boxes = ONBOARDING_STEPS.map((step) => {
    const input = h('input', {
      type: 'checkbox',
      id: `step-${step.id}`,
      onchange: () => void tick(step.id, input.checked),
    });
    return { step, input, row: h('li', { class: 'check' }, input, h('label', { for: `step-${step.id}` }, step.label)) };
  });

  const render = (): void => {
    const count = ONBOARDING_STEPS.filter((s) => done.get(s.id) === true).length;
    const percent = Math.round((count / ONBOARDING_STEPS.length) * 100);
    for (const b of boxes) b.input.checked = done.get(b.step.id) === true;
    bar.value = count;
    summary.textContent = `${count} of ${ONBOARDING_STEPS.length} steps done — ${percent}%`;
  };
  const tick = async (id: string, checked: boolean): Promise<void> => {
    done.set(id, checked);
    render();
    try {
      await outbox.put('progress', id, { done: checked, at: Date.now() });
      announce(checked ? 'Step checked off' : 'Step unchecked');
    } catch (e) {
      done.set(id, !checked);
      render();
      showError(`The step was not saved: ${errorText(e)}`);
    }
  };
  const load = async (): Promise<void> => {
    done.clear();
    for (const { key, value } of await listAll(outbox, 'progress')) done.set(key, (value as { done: boolean }).done);
    render();
  };

  render();
  void load();
  void outbox.watch('progress', (changes) => {
    for (const c of changes) done.set(c.key, c.op === 'put' && (c.value as { done: boolean } | undefined)?.done === true);
    render();
  });
  document.addEventListener(DATA_REPLACED_EVENT, () => void load());
  return h(
    'section',
    { 'aria-labelledby': 'onboarding-title' },
    h('h1', { id: 'onboarding-title' }, 'Getting started'),
    h('p', {}, 'Your progress survives reloads, going offline and switching devices.'),
    h('label', { for: 'onboarding-progress', class: 'visually-hidden' }, 'Onboarding progress'),
    bar,
    summary,
    h('ul', { class: 'plain stack' }, ...boxes.map((b) => b.row)),
  );
}
