// Bundles src/index.ts as a page would (Comlink included, minified) and measures it.
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');

/** The page bundle's budget, min+gzip bytes: the page client stays at or under 6 KB. */
export const PAGE_BUNDLE_BUDGET_BYTES = 6 * 1024;

/**
 * Builds the page entry in memory and returns one row per chunk: file, min and min+gzip
 * bytes, whether it is the entry, and the modules it holds.
 */
export async function measurePageBundle() {
  const result = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: true,
      lib: { entry: join(ROOT, 'src/index.ts'), formats: ['es'], fileName: 'page' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  return outputs
    .filter((o) => o.type === 'chunk')
    .map((o) => ({
      file: o.fileName,
      min: Buffer.byteLength(o.code),
      gzip: gzipSync(o.code, { level: 9 }).length,
      entry: o.isEntry,
      modules: (o.moduleIds ?? []).map((id) => id.replace(`${ROOT}/`, '')),
    }));
}
