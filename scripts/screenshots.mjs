#!/usr/bin/env node
// Takes the README's demo screenshots with Debian's Chromium (never a downloaded browser):
// docs/screenshots/online.png, offline-waiting.png, inspector-dead-letter.png.
// The dead letter is a real server rejection: this run's server refuses documents over 2,000 bytes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { buildDemo, DEMO_DIST, demoIsStale } from '../demo/build.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs/screenshots');
const MAX_DOC_BYTES = 2000;

register();
const { startServer } = await import('../server/start-server.ts');
const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import('../test/support/chromium.ts');
const { addNote, go, openDemo, pillSays, SEEN_WITHIN_MS } = await import('../demo/testing/demo-driver.ts');

if (demoIsStale()) await buildDemo();
const dataDir = await mkdtemp(join(tmpdir(), 'outbox-screenshots-'));
const serve = (port) =>
  startServer({ port, host: '127.0.0.1', dataDir, staticDir: DEMO_DIST, limits: { maxDocBytes: MAX_DOC_BYTES }, log: () => {} });
let server = await serve(0);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

const shoot = async (page, name) => {
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`wrote docs/screenshots/${name}.png`);
};

try {
  const context = await browser.newContext({ viewport: { width: 960, height: 640 } });
  const page = await openDemo(context, `${server.url}/`);
  await pillSays(page, 'All changes saved');
  await page.getByLabel('Write your first note').check();
  await page.getByLabel('Pick a theme you like').check();
  await go(page, 'Notes');
  await addNote(page, 'Groceries: oat milk, lemons, rye bread.');
  await addNote(page, 'Call the plumber about the kitchen tap on Tuesday.');
  await pillSays(page, 'All changes saved');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: SEEN_WITHIN_MS });
  await shoot(page, 'online');

  await server.close();
  await addNote(page, 'Written on the train, no signal.');
  await addNote(page, 'Idea: weekend hike to the lake.');
  await addNote(page, 'Remember the umbrella.');
  await pillSays(page, 'Offline — 3 changes waiting');
  await shoot(page, 'offline-waiting');

  server = await serve(server.port);
  await pillSays(page, 'All changes saved');
  await addNote(page, `A very long note pasted by mistake: ${'lorem ipsum '.repeat(Math.ceil(MAX_DOC_BYTES / 10))}`);
  await pillSays(page, '1 change needs attention');
  await page.getByRole('button', { name: '1 change needs attention' }).click();
  await page.locator('#inspector .queue-item.dead').waitFor();
  await shoot(page, 'inspector-dead-letter');
  await context.close();
} finally {
  await browser.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
