import { OutboxError } from '../../src/errors.ts';

/**
 * Reads a JSON request body: content type must be `application/json` (415), the body at most
 * `maxBytes` by Content-Length AND while reading (413), and it must be UTF-8 and parse (400 malformed-json).
 * A client that hangs up mid-body gets `client-aborted` (logged, never answered: it has gone).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new OutboxError('unsupported-media-type', { contentType });
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new OutboxError('body-too-large', { limit: maxBytes });
  const bytes = await readLimited(request, maxBytes);
  try {
    // JSON text is UTF-8 (RFC 8259): invalid bytes are refused, not replaced by U+FFFD.
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new OutboxError('malformed-json', {}, { cause: e });
  }
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new OutboxError('body-too-large', { limit: maxBytes });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * One chunk of the body. The body of an incoming request fails only when its client hangs up
 * before sending all of it (Node's `Error: aborted`, a reset socket): that is `client-aborted`.
 */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    return await reader.read();
  } catch (e) {
    throw new OutboxError('client-aborted', {}, { cause: e });
  }
}
