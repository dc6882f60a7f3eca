#!/usr/bin/env node
// npm run build: the library (ESM + .d.ts) → dist/lib, the page-bundle size report,
// the e2e test app → dist/e2e-app, and the DevTools extension → dist/extension. The demo builds through buildApp() too (scripts/build-app.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { buildApp } from './build-app.mjs';
import { buildExtension } from './build-extension.mjs';
import { measurePageBundle } from './page-bundle.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DEFINE = { 'process.env.NODE_ENV': '"production"' };
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {})].map((d) => new RegExp(`^${d}(/.*)?$`));

/** Library entries that exist today (package.json "exports"). */
const LIB_ENTRIES = Object.fromEntries(
  Object.entries({
    outbox: 'src/index.ts',
    core: 'src/core/index.ts',
    sw: 'sw/index.ts',
    worker: 'worker/index.ts',
    protocol: 'src/protocol/index.ts',
    devtools: 'src/devtools/index.ts',
  }).filter(([, path]) => existsSync(join(ROOT, path))),
);

async function buildLibrary() {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    define: DEFINE,
    build: {
      outDir: 'dist/lib',
      emptyOutDir: true,
      minify: false,
      sourcemap: true,
      lib: { entry: Object.fromEntries(Object.entries(LIB_ENTRIES).map(([k, v]) => [k, join(ROOT, v)])), formats: ['es'] },
      rollupOptions: { external },
    },
  });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Prints the page bundle's size (min+gzip) and refuses a bundle that pulls zod or idb. */
async function pageBundleSize() {
  const rows = await measurePageBundle();
  for (const r of rows) {
    const what = r.entry ? 'page bundle (client + Comlink)' : 'lazy chunk (workbox-window, only with serviceWorker)';
    console.log(`${what}: ${r.file} ${(r.min / 1024).toFixed(1)} KB min, ${(r.gzip / 1024).toFixed(2)} KB min+gzip`);
  }
  if (rows.some((r) => r.modules.some((id) => /node_modules\/(zod|idb)\//.test(id)))) {
    throw new Error('The page bundle pulls zod or idb; import them only in the worker.');
  }
  return rows.find((r) => r.entry);
}

const step = process.argv[2];
if (step === undefined || step === 'lib') {
  await buildLibrary();
  await pageBundleSize();
}
if (step === undefined || step === 'e2e-app') {
  await buildApp({
    root: join(ROOT, 'test/e2e/app'),
    outDir: join(ROOT, 'dist/e2e-app'),
    swEntry: join(ROOT, 'test/e2e/app/sw.ts'),
  });
  console.log('e2e test app → dist/e2e-app');
}
if (step === undefined || step === 'extension') {
  await buildExtension();
  console.log('DevTools extension → dist/extension (load the project root unpacked: manifest.json)');
}
