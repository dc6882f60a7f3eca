import { OutboxError } from '../../src/errors.ts';
import { DEFAULT_PULL_LIMIT, pullQuerySchema } from '../../src/protocol/pull-messages.ts';
import { fromZodError } from './zod-error.ts';

const MAX_CURSOR = 9_223_372_036_854_775_807n;

/**
 * Validates `GET /v1/pull` query parameters. `cursor` is absent (= "0", from the beginning) or a
 * non-negative integer string; `limit` is 1…1000 (default 100), never silently clamped.
 */
export function parsePullQuery(url: URL): { cursor: string; limit: number } {
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(params, name)) throw new OutboxError('invalid-request', { path: [name], issue: 'must appear once' });
    params[name] = value;
  }
  const parsed = pullQuerySchema.safeParse(params);
  if (!parsed.success) throw fromZodError(parsed.error);
  const cursor = parsed.data.cursor ?? '0';
  if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > MAX_CURSOR) {
    throw new OutboxError('invalid-request', {
      path: ['cursor'],
      issue: 'must be a cursor returned by an earlier pull, or absent',
    });
  }
  return { cursor: BigInt(cursor).toString(), limit: parsed.data.limit ?? DEFAULT_PULL_LIMIT };
}
