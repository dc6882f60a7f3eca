import { OutboxError } from '../../src/errors.ts';

/**
 * Reads a JSON request body: content type must be `application/json` (415), the body at most
 * `maxBytes` by Content-Length AND while reading (413), and it must parse (400 malformed-json).
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new OutboxError('unsupported-media-type', { contentType });
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new OutboxError('body-too-large', { limit: maxBytes });
  const text = await readLimited(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OutboxError('malformed-json', {}, { cause: e });
  }
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new OutboxError('body-too-large', { limit: maxBytes });
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
