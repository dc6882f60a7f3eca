import type { DevtoolsSnapshot } from '../src/devtools/devtools-snapshot.ts';
import { connectHook, runAction } from './hook-client.ts';
import { describeAction, renderPanel } from './render-panel.ts';

// Wiring only: poll the page's hook while the panel is visible, render, forward commands.
const REFRESH_MS = 1000;
const main = document.getElementById('panel') as HTMLElement;
const picker = document.getElementById('outbox-name') as HTMLSelectElement;
const lastAction = document.getElementById('last-action') as HTMLElement;
const call = connectHook();
let timer: ReturnType<typeof setTimeout> | undefined;

async function refresh(): Promise<void> {
  const names = ((await call('names', []).catch(() => null)) as string[] | null) ?? [];
  if (names.join() !== [...picker.options].map((o) => o.value).join()) {
    picker.replaceChildren(...names.map((n) => new Option(n, n)));
  }
  const name = picker.value;
  const json = name ? ((await call('snapshot', [name]).catch(() => null)) as string | null) : null;
  if (!json) {
    main.replaceChildren(
      Object.assign(document.createElement('p'), {
        className: 'empty',
        textContent: 'No Outbox on this page (call installDevtoolsHook).',
      }),
    );
    return;
  }
  const snap = JSON.parse(json) as DevtoolsSnapshot;
  main.replaceChildren(
    ...renderPanel(
      document,
      snap,
      Date.now(),
      (action, id) => void runAction(call, name, action, id).then(schedule.bind(null, 0)),
    ),
  );
  lastAction.textContent = describeAction(snap);
}

function schedule(delay = REFRESH_MS): void {
  clearTimeout(timer);
  if (document.visibilityState !== 'visible') return;
  timer = setTimeout(() => void refresh().finally(() => schedule()), delay);
}

document.getElementById('sync-now')?.addEventListener('click', () => {
  if (picker.value) void runAction(call, picker.value, 'flush', null).then(() => schedule(0));
});
picker.addEventListener('change', () => schedule(0));
document.addEventListener('visibilitychange', () => schedule(0));
schedule(0);
