import { DATA_REPLACED_EVENT, type DemoOutbox, errorText } from './demo-outbox.ts';
import { h, showError } from './dom.ts';

/** The cards of the "Learn" page; each card's open/closed state is one document in the `cards` collection. */
export const CARDS: readonly { id: string; title: string; body: string }[] = [
  {
    id: 'outbox',
    title: 'What is the outbox?',
    body: 'Every change you make is written to this device first, together with a note in the outbox saying it still has to reach the server. The note is removed only once the server has confirmed the change.',
  },
  {
    id: 'offline',
    title: 'What happens offline?',
    body: 'Nothing changes for you: the app keeps working from this device. The status pill counts the changes waiting, and they are sent in order when the server can be reached again.',
  },
  {
    id: 'devices',
    title: 'How do my other devices catch up?',
    body: 'After sending its own changes the app asks the server for everything that changed since it last asked, and applies it here.',
  },
  {
    id: 'attention',
    title: 'What does “needs attention” mean?',
    body: 'The server refused a change (for example, one that is too large). It is kept, never dropped: open the queue inspector from the status pill to edit and retry it, or discard it.',
  },
];

/** The "Learn" page: expandable cards whose open/closed state persists and syncs. */
export function cardsView(outbox: DemoOutbox): HTMLElement {
  const items = CARDS.map((card) => {
    const details = h('details', { id: `card-${card.id}`, class: 'card' }, h('summary', {}, card.title), h('p', {}, card.body));
    // `toggle` also fires when we set `open` from stored state; only save when it differs.
    let stored = false;
    details.addEventListener('toggle', () => {
      if (details.open === stored) return;
      stored = details.open;
      outbox.put('cards', card.id, { open: details.open }).catch((e: unknown) => {
        showError(`The card's state was not saved: ${errorText(e)}`);
      });
    });
    const show = (open: boolean): void => {
      stored = open;
      details.open = open;
    };
    return { card, show, details };
  });
  const byId = new Map(items.map((i) => [i.card.id, i]));
  const load = async (): Promise<void> => {
    for (const item of items) {
      const doc = await outbox.get('cards', item.card.id);
      item.show(doc ? (doc.value as { open: boolean }).open : false);
    }
  };

  void load();
  void outbox.watch('cards', (changes) => {
    for (const c of changes) byId.get(c.key)?.show(c.op === 'put' && (c.value as { open?: boolean } | undefined)?.open === true);
  });
  document.addEventListener(DATA_REPLACED_EVENT, () => void load());
  return h(
    'section',
    { 'aria-labelledby': 'cards-title' },
    h('h1', { id: 'cards-title' }, 'Learn'),
    h('p', {}, 'Open and close the cards: they stay as you left them, here and on your other devices.'),
    ...items.map((i) => i.details),
  );
}
