import type { z } from 'zod';
import { OutboxError } from '../../src/errors.ts';

/**
 * Maps the first zod issue to our codes: an unrecognized key → `unknown-field` (path includes
 * the key), anything else → `invalid-request`; both carry the field's `path`.
 */
export function fromZodError(error: z.ZodError, prefix: readonly (string | number)[] = []): OutboxError {
  const issue = error.issues[0];
  if (issue === undefined) return new OutboxError('invalid-request', { path: [...prefix], issue: 'invalid' });
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (issue.code === 'unrecognized_keys') {
    return new OutboxError('unknown-field', { path: [...path, issue.keys[0] ?? '?'], fields: issue.keys });
  }
  return new OutboxError('invalid-request', { path, issue: issue.message });
}
