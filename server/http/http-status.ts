import type { ErrorCode } from '../../src/error-messages.ts';

/** HTTP status of every server error code (docs/PROTOCOL.md lists the same table). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'malformed-json': 400,
  'invalid-request': 400,
  'unknown-field': 400,
  'too-many-writes': 400,
  'unsupported-protocol-version': 400,
  'token-missing': 401,
  'token-invalid': 401,
  'token-expired': 401,
  'client-id-taken': 403,
  'route-not-found': 404,
  'cursor-expired': 410,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'session-rate-limited': 429,
  // Never seen by the client (it has gone); nginx's number for it, so logs tell it from a server error.
  'client-aborted': 499,
  'internal-error': 500,
  'service-unavailable': 503,
};

/** The status for a code; 500 for any code the server is not meant to answer with. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}
