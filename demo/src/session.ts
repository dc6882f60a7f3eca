/** Who this browser profile is on the sync server: kept in localStorage, one database per user. */
export interface DemoSession {
  readonly userId: string;
  readonly token: string;
}

const STORAGE_KEY = 'outbox-demo:session';
const CODE_PREFIX = 'obx1.';

/** Every user's database name starts with this (see {@link databaseName}). */
export const DATABASE_PREFIX = 'outbox-demo-';

/** Name of this user's IndexedDB database (also the worker's name, which is how the worker learns it). */
export const databaseName = (session: DemoSession): string => `${DATABASE_PREFIX}${session.userId}`;

/** The user a database name belongs to (the inverse of {@link databaseName}). */
export const userOfDatabase = (name: string): string => name.slice(DATABASE_PREFIX.length);

/** The session saved in this profile, if any. */
export function loadSession(storage: Storage = localStorage): DemoSession | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    return isSession(parsed) ? { userId: parsed.userId, token: parsed.token } : null;
  } catch {
    return null;
  }
}

/** Saves the session for the next start. */
export function saveSession(session: DemoSession, storage: Storage = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify({ userId: session.userId, token: session.token }));
}

/**
 * The saved session, or a new anonymous one from `POST /v1/session` (saved before it is returned).
 * Throws when the server cannot be reached on a first start: there is no user to store data for yet.
 */
export async function ensureSession(fetchFn: typeof fetch = fetch, storage: Storage = localStorage): Promise<DemoSession> {
  const saved = loadSession(storage);
  if (saved) return saved;
  const res = await fetchFn('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body: unknown = await res.json();
  if (!res.ok || !isSession(body)) throw new Error(`POST /v1/session answered ${res.status}`);
  const session = { userId: body.userId, token: body.token };
  saveSession(session, storage);
  return session;
}

/**
 * The sign-in code shown under "Use on another device": the bearer token together with
 * its user id (the database is named after the user), as one copyable line.
 */
export function encodeSignInCode(session: DemoSession): string {
  return CODE_PREFIX + btoa(JSON.stringify({ userId: session.userId, token: session.token })).replace(/=+$/, '');
}

/** Reads a sign-in code pasted from another device; null when it is not one. */
export function decodeSignInCode(code: string): DemoSession | null {
  const trimmed = code.trim();
  if (!trimmed.startsWith(CODE_PREFIX)) return null;
  try {
    const parsed: unknown = JSON.parse(atob(trimmed.slice(CODE_PREFIX.length)));
    return isSession(parsed) ? { userId: parsed.userId, token: parsed.token } : null;
  } catch {
    return null;
  }
}

function isSession(v: unknown): v is DemoSession {
  if (typeof v !== 'object' || v === null) return false;
  const { userId, token } = v as Record<string, unknown>;
  return typeof userId === 'string' && userId.length > 0 && typeof token === 'string' && token.length > 0;
}
