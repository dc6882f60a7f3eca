import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fmtSpread, type Spread } from './summarize.ts';

/** One cell of bench/server-ingest.ts (owned by the server engineer). */
export interface IngestCell {
  readonly store: string;
  readonly batch: number;
  readonly writesPerSecond: Spread;
}

const SCRIPT = fileURLToPath(new URL('../server-ingest.ts', import.meta.url));
const RESULT = fileURLToPath(new URL('../results/server-ingest.json', import.meta.url));

/** Runs bench/server-ingest.ts in its own Node process and reads the cells it wrote; [] when it fails. */
export async function runServerIngest(quick: boolean, log: (line: string) => void): Promise<IngestCell[]> {
  const args = ['--import', 'tsx', SCRIPT, '--reps', '3', ...(quick ? ['--writes', '1000'] : [])];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', resolve);
  });
  if (code !== 0) {
    log(`server ingest: bench/server-ingest.ts exited with ${code}; its rows are missing`);
    return [];
  }
  return (JSON.parse(await readFile(RESULT, 'utf8')) as { cells: IngestCell[] }).cells;
}

/** Markdown table of the ingest cells. */
export function ingestTable(cells: readonly IngestCell[]): string {
  return [
    '| server store | batch | writes/s, median (min–max) |',
    '|---|---:|---:|',
    ...cells.map((c) => `| ${c.store} | ${c.batch} | ${fmtSpread(c.writesPerSecond)} |`),
  ].join('\n');
}
