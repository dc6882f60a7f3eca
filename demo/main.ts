import { createOutbox } from '../src/client/create-outbox.ts';
import { installDevtoolsHook } from '../src/devtools/install-devtools-hook.ts';
import { cardsView } from './src/cards-view.ts';
import { dataView } from './src/data-view.ts';
import type { DemoDocs } from './src/demo-outbox.ts';
import { deviceView } from './src/device-view.ts';
import { h } from './src/dom.ts';
import { notesView } from './src/notes-view.ts';
import { onboardingView } from './src/onboarding-view.ts';
import { prefsView } from './src/prefs-view.ts';
import { queueInspector } from './src/queue-inspector.ts';
import { mountRouter } from './src/router.ts';
import { type DemoSession, databaseName, ensureSession } from './src/session.ts';
import { statusPill } from './src/status-pill.ts';
import './src/styles.css';

/** A short, stable name for this browser profile, shown on the notes it writes. */
function deviceName(): string {
  const key = 'outbox-demo:device';
  let name = localStorage.getItem(key);
  if (name === null) {
    name = `Device ${Math.floor(Math.random() * 0xffff)
      .toString(16)
      .padStart(4, '0')}`;
    localStorage.setItem(key, name);
  }
  return name;
}

/** Wires the page: session, outbox worker (one database per user), status pill, inspector and pages. */
function startApp(session: DemoSession): void {
  const outbox = createOutbox<DemoDocs>({
    // The worker learns its database name from its own name (see outbox.worker.ts).
    worker: () => new Worker(new URL('./outbox.worker.ts', import.meta.url), { type: 'module', name: databaseName(session) }),
    serviceWorker: { url: '/sw.js', type: 'module' },
    // Names the journal of unfinished writes at once: a theme picked just before a reload is kept.
    dbName: databaseName(session),
  });
  void outbox.setAuth({ authorization: `Bearer ${session.token}` });
  // Lets the Outbox DevTools panel (manifest.json at the project root) inspect this queue.
  installDevtoolsHook(outbox, databaseName(session));

  const inspector = queueInspector(outbox);
  document.getElementById('status-slot')?.replaceChildren(statusPill(outbox, inspector.open), inspector.element);
  const data = h(
    'div',
    { class: 'stack' },
    dataView(outbox),
    deviceView(outbox, session, () => location.assign('/')),
  );
  mountRouter(document.getElementById('main')!, document.getElementById('nav')!, [
    { path: '/', label: 'Start', view: onboardingView(outbox) },
    { path: '/notes', label: 'Notes', view: notesView(outbox, deviceName()) },
    { path: '/learn', label: 'Learn', view: cardsView(outbox) },
    { path: '/preferences', label: 'Preferences', view: prefsView(outbox) },
    { path: '/data', label: 'Data & devices', view: data },
  ]);
}

/** First start needs the server once (to get an anonymous user); later starts work offline. */
async function boot(): Promise<void> {
  try {
    startApp(await ensureSession());
  } catch {
    const retry = h('button', { type: 'button', onclick: () => location.reload() }, 'Try again');
    document
      .getElementById('main')!
      .replaceChildren(
        h(
          'section',
          { role: 'alert' },
          h('h1', {}, 'Could not start'),
          h('p', {}, 'The first start needs the server once, to create your anonymous account. Check the connection.'),
          retry,
        ),
      );
  }
}

void boot();
