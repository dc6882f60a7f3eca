import { OutboxError } from '../../src/errors.ts';
import { verifyToken } from './hmac-token.ts';

/**
 * The pluggable authentication hook: returns the verified user id of a request, or throws an
 * OutboxError (`token-missing`, `token-invalid`, `token-expired` → 401). The user id comes
 * only from here, never from a request body.
 */
export type Verify = (request: Request) => Promise<string>;

/** The built-in {@link Verify}: `Authorization: Bearer <token>` signed with `secret`. */
export function createBearerVerify(secret: Uint8Array, now: () => number = Date.now): Verify {
  return async (request) => {
    const header = request.headers.get('authorization');
    if (header === null || header.trim() === '') throw new OutboxError('token-missing');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw new OutboxError('token-invalid');
    return verifyToken(secret, match[1]!, now()).userId;
  };
}
