import { OutboxError } from '../../src/errors.ts';
import { PROTOCOL_VERSION, type PushRequest, pushRequestSchema } from '../../src/protocol/push-messages.ts';
import { fromZodError } from './zod-error.ts';

/**
 * Validates a parsed push body, in this order: protocol version, batch size, schema, then the
 * rules a schema cannot say (ascending seqs, value present exactly for puts). Keys follow `docKeyIssue`
 * (src/protocol/ids.ts) through the schema; a value nested too deep is refused per write, in decideBatch.
 * Throws the first problem as an OutboxError with `path`.
 */
export function validatePush(body: unknown, maxWrites: number): PushRequest {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { protocol, writes } = body as { protocol?: unknown; writes?: unknown };
    if (typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
      throw new OutboxError('unsupported-protocol-version', {
        version: protocol,
        supported: PROTOCOL_VERSION,
        path: ['protocol'],
      });
    }
    if (Array.isArray(writes) && writes.length > maxWrites) {
      throw new OutboxError('too-many-writes', { count: writes.length, limit: maxWrites, path: ['writes'] });
    }
  }
  const parsed = pushRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  if (parsed.data.protocol !== PROTOCOL_VERSION) {
    throw new OutboxError('unsupported-protocol-version', {
      version: parsed.data.protocol,
      supported: PROTOCOL_VERSION,
      path: ['protocol'],
    });
  }
  checkWrites(parsed.data);
  return parsed.data;
}

function checkWrites(request: PushRequest): void {
  let previous = 0;
  request.writes.forEach((w, i) => {
    const invalid = (field: string, issue: string) => new OutboxError('invalid-request', { path: ['writes', i, field], issue });
    if (w.seq <= previous) throw invalid('seq', `must be greater than the previous write's seq (${previous})`);
    previous = w.seq;
    if (w.op === 'put' && w.value === undefined) throw invalid('value', 'a put must carry a value');
    if (w.op === 'delete' && w.value !== undefined) throw invalid('value', 'a delete must not carry a value');
  });
}
