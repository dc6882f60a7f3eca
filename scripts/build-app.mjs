import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'vite';

/** Workbox in a vite build reads process.env.NODE_ENV; without it, dev-only logging code stays in. */
const DEFINE = { 'process.env.NODE_ENV': '"production"' };

/** The placeholder the service worker passes to precacheAppShell(); replaced by the real manifest. */
const MANIFEST_PLACEHOLDER = 'self.__WB_MANIFEST';

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

/** Lists every built file (except the SW itself and source maps) with an md5 revision, as injectManifest would. */
async function precacheManifest(outDir, swFile) {
  const entries = [];
  for (const file of (await walk(outDir)).sort()) {
    const url = '/' + relative(outDir, file).split(sep).join('/');
    if (file === swFile || url.endsWith('.map')) continue;
    const revision = createHash('md5')
      .update(await readFile(file))
      .digest('hex');
    entries.push({ url, revision });
  }
  return entries;
}

/**
 * Builds a PWA that uses Outbox: the pages under `root` (index.html, with the module worker
 * found through `new Worker(new URL(...), { type: 'module' })`), then the service worker
 * `swEntry` as ONE module file `sw.js` (no dynamic import() in service workers), then injects
 * the precache manifest in place of `self.__WB_MANIFEST`.
 *
 * @param {{ root: string, outDir: string, swEntry: string, base?: string, input?: Record<string, string> }} options
 *   `input`: extra HTML pages besides index.html (name → path).
 * @returns {Promise<{ outDir: string, manifest: { url: string, revision: string }[] }>}
 */
export async function buildApp({ root, outDir, swEntry, base = '/', input }) {
  const absRoot = resolve(root);
  const absOut = resolve(outDir);
  await rm(absOut, { recursive: true, force: true });
  await build({
    configFile: false,
    root: absRoot,
    base,
    logLevel: 'warn',
    define: DEFINE,
    worker: { format: 'es' },
    build: {
      outDir: absOut,
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: { input: { index: join(absRoot, 'index.html'), ...input } },
    },
  });
  const swFile = join(absOut, 'sw.js');
  await build({
    configFile: false,
    root: absRoot,
    logLevel: 'warn',
    define: DEFINE,
    publicDir: false,
    build: {
      outDir: absOut,
      emptyOutDir: false,
      sourcemap: false,
      lib: { entry: resolve(swEntry), formats: ['es'], fileName: () => 'sw.js' },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  const manifest = await precacheManifest(absOut, swFile);
  const code = await readFile(swFile, 'utf8');
  if (!code.includes(MANIFEST_PLACEHOLDER)) {
    throw new Error(`${swEntry} does not reference ${MANIFEST_PLACEHOLDER}; pass it to precacheAppShell().`);
  }
  await writeFile(swFile, code.replaceAll(MANIFEST_PLACEHOLDER, JSON.stringify(manifest)));
  return { outDir: absOut, manifest };
}
