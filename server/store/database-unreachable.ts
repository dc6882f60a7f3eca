import { OutboxError } from '../../src/errors.ts';

/** `Retry-After` (seconds) answered while the database cannot be reached: a restart usually takes a few. */
export const DATABASE_RETRY_AFTER_S = 2;

/** Errors of the `postgres` client itself when a connection is gone or cannot be made. */
const CLIENT_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT']);

/** Socket errors of Node's `net`. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean the server is going away or not yet there: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
 */
const isUnavailableState = (code: string): boolean =>
  code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';

/** Whether an error thrown by the database client means "the database cannot be reached right now". */
export function isDatabaseUnreachable(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return CLIENT_CODES.has(code) || SOCKET_CODES.has(code) || isUnavailableState(code);
}

/** The error the HTTP layer answers `503` + `Retry-After` for; the client's error rides along as `cause`. */
export const databaseUnreachable = (cause: unknown): OutboxError =>
  new OutboxError(
    'service-unavailable',
    { reason: 'unable to reach its database', retryAfterS: DATABASE_RETRY_AFTER_S },
    { cause },
  );
