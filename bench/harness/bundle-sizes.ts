import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

/** One library's page bundle size. */
export interface BundleSize {
  readonly name: string;
  readonly minBytes: number;
  readonly gzipBytes: number;
}

/** Page bundles compared, entry files in bench/bundles/. */
export const BUNDLES: readonly { name: string; entry: string }[] = [
  { name: 'Outbox page client (createOutbox)', entry: 'outbox-client.ts' },
  { name: 'workbox-window (Workbox)', entry: 'workbox-window.ts' },
  { name: 'idb-keyval (all exports)', entry: 'idb-keyval.ts' },
  { name: 'Dexie', entry: 'dexie.ts' },
];

async function sizeOf(entry: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: fileURLToPath(new URL(`../bundles/${entry}`, import.meta.url)), formats: ['es'], fileName: 'bundle' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const code = outputs
    .flatMap((o) => o.output)
    .filter((chunk): chunk is Rolldown.OutputChunk => chunk.type === 'chunk')
    .map((chunk) => chunk.code)
    .join('\n');
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

/** Builds each entry with vite in lib mode (minified, one ES bundle, dependencies included) and gzips it with node:zlib. */
export async function measureBundles(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const { name, entry } of BUNDLES) {
    const { min, gzip } = await sizeOf(entry);
    sizes.push({ name, minBytes: min, gzipBytes: gzip });
  }
  return sizes;
}

/** Markdown table of bundle sizes, in KiB. */
export function bundleTable(sizes: readonly BundleSize[]): string {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  return [
    '| page bundle | minified | min + gzip |',
    '|---|---:|---:|',
    ...sizes.map((s) => `| ${s.name} | ${kib(s.minBytes)} | ${kib(s.gzipBytes)} |`),
  ].join('\n');
}
