import { OutboxError } from '../../src/errors.ts';
import { DEFAULT_PULL_LIMIT, pullQuerySchema } from '../../src/protocol/pull-messages.ts';
import { fromZodError } from './zod-error.ts';

const MAX_CURSOR = 9_223_372_036_854_775_807n;
const KNOWN = new Set(['cursor', 'limit', 'resync']);

/**
 * Validates `GET /v1/pull` query parameters (docs/PROTOCOL.md has the grammar). `cursor` is absent
 * (= "0", from the beginning) or a canonical decimal integer ≤ 2^63−1; `limit` is 1…1000 (default
 * 100), never silently clamped or coerced; `resync` is absent or `1` (a page of a full re-pull). Any other parameter → `unknown-field` (checked first);
 * one given twice → `invalid-request`.
 */
export function parsePullQuery(url: URL): { cursor: string; limit: number; resync: boolean } {
  // A null-prototype object: a parameter named `__proto__` becomes a key like any other, not a prototype.
  const params: Record<string, string> = Object.create(null);
  const unknown = [...url.searchParams.keys()].filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) throw new OutboxError('unknown-field', { path: [unknown[0]!], fields: unknown });
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(params, name)) throw new OutboxError('invalid-request', { path: [name], issue: 'must appear once' });
    params[name] = value;
  }
  const parsed = pullQuerySchema.safeParse(params);
  if (!parsed.success) throw fromZodError(parsed.error);
  const cursor = parsed.data.cursor ?? '0';
  if (BigInt(cursor) > MAX_CURSOR) {
    throw new OutboxError('invalid-request', {
      path: ['cursor'],
      issue: 'must be a cursor returned by an earlier pull, or absent',
    });
  }
  return { cursor, limit: parsed.data.limit ?? DEFAULT_PULL_LIMIT, resync: parsed.data.resync === '1' };
}
