import { clientErrorMessages } from './client-error-messages.ts';
import type { ErrorCode } from './error-messages.ts';
import type { ErrorDetails } from './error-text.ts';

type Describe = (code: ErrorCode, details: ErrorDetails) => string;

// Until the full table is installed (importing src/errors.ts does that, as all worker, service
// worker and server code does), only the page client's own codes have texts. Keeps the table
// out of the page bundle.
let describe: Describe = (code, details) =>
  (clientErrorMessages as Partial<Record<ErrorCode, (d: ErrorDetails) => string>>)[code]?.(details) ?? code;

/** Installs the full message table; called once by src/errors.ts. */
export function useErrorMessages(table: Record<ErrorCode, (d: ErrorDetails) => string>): void {
  describe = (code, details) => table[code](details);
}

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

  /** `options.message` replaces the table's text (used when an error arrives from another thread). */
  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown; message?: string | undefined }) {
    super(options?.message ?? describe(code, details ?? {}), options?.cause === undefined ? undefined : { cause: options.cause });
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
