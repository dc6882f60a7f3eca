import type { DemoOutbox } from './demo-outbox.ts';
import { describeStatus } from './describe-status.ts';
import { h } from './dom.ts';

/** The status pill: where the data stands, in plain words, on every page; clicking it opens the inspector. */
export function statusPill(outbox: DemoOutbox, openInspector: () => void): HTMLButtonElement {
  const text = h('span', { id: 'status-text', 'aria-live': 'polite' });
  const pill = h(
    'button',
    {
      type: 'button',
      id: 'status-pill',
      class: 'pill',
      'aria-haspopup': 'dialog',
      'aria-controls': 'inspector',
      onclick: openInspector,
    },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    text,
  );
  outbox.status.subscribe((status) => {
    const d = describeStatus(status);
    text.textContent = d.text;
    pill.dataset.tone = d.tone;
    pill.title = 'Open the sync queue';
  });
  return pill;
}
