import { OutboxError } from '../../errors.ts';
import type { ErrorInfo } from '../../protocol/pending-write.ts';

/** An unexpected failure (typically from storage) as plain `{ code, message }`; non-Outbox errors become `storage-failed`. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof OutboxError) return { code: e.code, message: e.message };
  const error = new OutboxError('storage-failed', { operation: 'sync', reason: e instanceof Error ? e.message : String(e) });
  return { code: error.code, message: error.message };
}
