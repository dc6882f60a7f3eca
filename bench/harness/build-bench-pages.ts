import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Absolute path of the bench directory. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Where the bench pages are built (gitignored). */
export const PAGES_OUT_DIR = fileURLToPath(new URL('../.dist/pages', import.meta.url));

/**
 * Builds bench/pages (the page, its workers and every library they measure) with vite into
 * bench/.dist/pages. Production mode: Workbox reads `process.env.NODE_ENV`, so it is defined here.
 */
export async function buildBenchPages(): Promise<string> {
  await build({
    configFile: false,
    root: fileURLToPath(new URL('../pages', import.meta.url)),
    base: './',
    mode: 'production',
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    worker: { format: 'es' },
    build: {
      outDir: PAGES_OUT_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: process.env.BENCH_NO_MINIFY !== '1',
      sourcemap: false,
    },
  });
  return PAGES_OUT_DIR;
}
