import { type ErrorCode, type ErrorDetails, errorMessages } from './error-messages.ts';

export type { ErrorCode, ErrorDetails };

/**
 * The one error type Outbox throws. `code` is stable and documented; the
 * message is built from the table in `error-messages.ts`.
 *
 * @example
 * try { await outbox.put('prefs', 'me', value) }
 * catch (e) { if (e instanceof OutboxError && e.code === 'invalid-value') showFieldError(e.details?.path) }
 */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(errorMessages[code](details ?? {}), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  /** Plain data form, for status snapshots and the wire. */
  toJSON(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Whether `e` is an {@link OutboxError}, optionally with the given code. */
export function isOutboxError(e: unknown, code?: ErrorCode): e is OutboxError {
  return e instanceof OutboxError && (code === undefined || e.code === code);
}
