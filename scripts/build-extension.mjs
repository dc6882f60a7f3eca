#!/usr/bin/env node
// Builds the Outbox DevTools extension scripts → dist/extension/{devtools,panel}.js.
// manifest.json (repo root) and extension/*.html reference them; load the repo root unpacked.
import { resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');

/** Builds the extension's two scripts as ES modules (extension pages allow no inline script). */
export async function buildExtension() {
  for (const name of ['devtools', 'panel']) {
    await build({
      configFile: false,
      root: ROOT,
      logLevel: 'warn',
      build: {
        outDir: 'dist/extension',
        emptyOutDir: false,
        minify: false,
        lib: { entry: resolve(ROOT, `extension/${name}.ts`), formats: ['es'], fileName: () => `${name}.js` },
      },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildExtension();
