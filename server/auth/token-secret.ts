import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** File name of the token secret inside the data directory. */
export const SECRET_FILE = 'token-secret';
const SECRET_BYTES = 32;

/**
 * Returns the HMAC secret kept in `<dataDir>/token-secret`, creating it on first start
 * (32 random bytes as hex, file mode 0600). `'memory'` gives a fresh secret that dies with the process.
 * The file appears atomically (written aside, then hard-linked into place), so two processes
 * starting at once end up with the same secret.
 */
export async function loadOrCreateSecret(dataDir: string | 'memory'): Promise<Uint8Array> {
  if (dataDir === 'memory') return randomBytes(SECRET_BYTES);
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, SECRET_FILE);
  const draft = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    await writeFile(draft, randomBytes(SECRET_BYTES).toString('hex'), { mode: 0o600, flush: true });
    await link(draft, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await rm(draft, { force: true });
  }
  const hex = (await readFile(path, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(
      `The token secret in ${path} is not 64 hex digits. Delete it to generate a new one (all tokens become invalid).`,
    );
  }
  return Buffer.from(hex, 'hex');
}

/** Parses a secret given as 64+ hex digits (e.g. the TOKEN_SECRET variable). */
export function parseSecret(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2}){32,}$/i.test(hex)) throw new Error('TOKEN_SECRET must be at least 64 hex digits (32 bytes).');
  return Buffer.from(hex, 'hex');
}
