import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** How a test takes its private PostgreSQL down: `pg_ctl stop -m <mode>`, or SIGKILL of the postmaster. */
export type StopMode = 'fast' | 'immediate' | 'kill-9';

/** A PostgreSQL cluster of the test's own, in a temporary directory, on a free port. */
export interface PrivatePostgres {
  readonly url: string;
  stop(mode: StopMode): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster (immediate) and removes its directory. */
  destroy(): Promise<void>;
}

/** The newest server binaries under /usr/lib/postgresql/<version>/bin, or undefined when none are installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * initdb + pg_ctl start on 127.0.0.1:<free port>, trust auth, socket in the data directory.
 * PostgreSQL refuses to run as root, so as root every command runs as the `postgres` OS user
 * (`runuser -u postgres --`) in a directory it owns.
 */
export async function startPrivatePostgres(binDir: string): Promise<PrivatePostgres> {
  const asRoot = process.getuid?.() === 0;
  const base = await mkdtemp(join(tmpdir(), 'outbox-pg-'));
  const dir = join(base, 'data');
  if (asRoot) await chown(base, await uidOf('postgres'), await gidOf('postgres'));
  const run = (tool: string, args: string[]) => {
    const bin = join(binDir, tool);
    return asRoot ? exec('runuser', ['-u', 'postgres', '--', bin, ...args]) : exec(bin, args);
  };
  await run('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = async () => {
    // After a SIGKILL the old backends take a moment to notice and leave their shared memory.
    for (let attempt = 0; ; attempt++) {
      try {
        await run('pg_ctl', ['-D', dir, '-l', join(base, 'log'), '-w', '-t', '30', '-o', options, 'start']);
        return;
      } catch (e) {
        if (attempt >= 40) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async stop(mode) {
      if (mode === 'kill-9') {
        const pid = Number((await readFile(join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        process.kill(pid, 'SIGKILL');
        return;
      }
      await run('pg_ctl', ['-D', dir, '-m', mode, '-w', 'stop']);
    },
    async destroy() {
      await run('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function uidOf(user: string): Promise<number> {
  return Number((await exec('id', ['-u', user])).stdout.trim());
}

async function gidOf(user: string): Promise<number> {
  return Number((await exec('id', ['-g', user])).stdout.trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
