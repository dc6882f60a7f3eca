import { OutboxError } from '../../errors.ts';

/** Where a storage error happened: the database name and the operation ('open', 'transact', …). */
export interface StorageErrorContext {
  readonly name: string;
  readonly operation: string;
}

/** The platform name of an error-like value (DOMException.name, Error.name), or undefined. */
function errorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') return error.name;
  return undefined;
}

function errorReason(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * Translates a platform storage failure into an {@link OutboxError}, keeping the original as `cause`.
 *
 * - `QuotaExceededError` → `quota-exceeded`
 * - `VersionError` → `version-error`
 * - `InvalidStateError` (database closed, or closing) → `database-closed`
 * - `blocked` (an upgrade held back by another open connection) → `upgrade-blocked`
 * - anything else → `storage-failed`
 *
 * An OutboxError passes through unchanged, so errors thrown on purpose inside a transaction keep their code.
 */
export function mapStorageError(error: unknown, context: StorageErrorContext): OutboxError {
  if (error instanceof OutboxError) return error;
  const cause = { cause: error };
  switch (errorName(error)) {
    case 'QuotaExceededError':
      return new OutboxError('quota-exceeded', { name: context.name, operation: context.operation }, cause);
    case 'VersionError':
      return new OutboxError('version-error', { name: context.name, reason: errorReason(error) }, cause);
    case 'InvalidStateError':
      return new OutboxError('database-closed', { name: context.name, operation: context.operation }, cause);
    case 'blocked':
    case 'BlockedError':
      return new OutboxError('upgrade-blocked', { name: context.name }, cause);
    default:
      return new OutboxError(
        'storage-failed',
        { name: context.name, operation: context.operation, reason: errorReason(error) },
        cause,
      );
  }
}
