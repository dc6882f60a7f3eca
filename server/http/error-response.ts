import { OutboxError } from '../../src/errors.ts';
import type { ErrorResponse } from '../../src/protocol/push-messages.ts';
import { httpStatusFor } from './http-status.ts';

/** Turns an {@link OutboxError} into the protocol's error answer `{ error: { code, message, path? } }`. */
export function errorResponse(error: OutboxError, headers: Record<string, string> = {}): Response {
  const path = error.details?.path;
  const body: ErrorResponse = {
    error: Array.isArray(path)
      ? { code: error.code, message: error.message, path: path as (string | number)[] }
      : { code: error.code, message: error.message },
  };
  return new Response(JSON.stringify(body), {
    status: httpStatusFor(error.code),
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Whether a thrown value is one of ours; anything else becomes `internal-error`. */
export const asOutboxError = (e: unknown, requestId: string): OutboxError =>
  e instanceof OutboxError ? e : new OutboxError('internal-error', { requestId }, { cause: e });
