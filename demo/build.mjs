// Builds the demo PWA (page, module worker, one-file service worker with its precache manifest)
// into dist/demo with the shared buildApp(). Run alone: node demo/build.mjs
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../scripts/build-app.mjs';

const ROOT = resolve(import.meta.dirname, '..');
export const DEMO_DIST = join(ROOT, 'dist/demo');

/** What the demo bundle is made of: when any of it is newer than the last build, rebuild. */
const SOURCES = ['demo', 'src', 'worker', 'sw', 'scripts/build-app.mjs', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether dist/demo is missing or older than any of its sources. */
export function demoIsStale() {
  const built = join(DEMO_DIST, 'index.html');
  if (!existsSync(built) || !existsSync(join(DEMO_DIST, 'sw.js'))) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(ROOT, s)) > builtAt);
}

/** Builds the demo into dist/demo. */
export async function buildDemo() {
  return buildApp({ root: join(ROOT, 'demo'), outDir: DEMO_DIST, swEntry: join(ROOT, 'demo/sw.ts') });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildDemo();
  console.log(`demo → ${DEMO_DIST}`);
}
