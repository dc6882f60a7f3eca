import type { z } from 'zod';
import { OutboxError } from '../../errors.ts';
import type { ErrorInfo } from '../../protocol/pending-write.ts';
import { errorResponseSchema, PROTOCOL_VERSION } from '../../protocol/push-messages.ts';
import { parseRetryAfter } from './parse-retry-after.ts';
import type { TransportOutcome } from './transport-outcome.ts';

/** An HTTP answer reduced to what classification needs. `body` is the parsed JSON, or undefined when it was not JSON. */
export interface RawResponse {
  readonly url: string;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: unknown;
}

/** Statuses that say "try again later" rather than "this request is wrong". */
const TRANSIENT_4XX = new Set([408, 425, 429]);

const info = (e: OutboxError): ErrorInfo => ({ code: e.code, message: e.message });

/** The server's `{ error: { code, message } }`, or our `server-error` when the body is not one. */
function serverError(res: RawResponse): ErrorInfo {
  const parsed = errorResponseSchema.safeParse(res.body);
  if (parsed.success) return { code: parsed.data.error.code, message: parsed.data.error.message };
  return info(new OutboxError('server-error', { status: res.status, url: res.url }));
}

/**
 * Classifies an HTTP answer (see {@link TransportOutcome}). A 200 body is validated with
 * `schema`; a mismatch is a transient `protocol-error` (the writes stay queued).
 */
export function classifyResponse<T>(res: RawResponse, schema: z.ZodType<T>, nowMs: number): TransportOutcome<T> {
  const { status } = res;
  if (status === 200) {
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return { kind: 'ok', body: parsed.data };
    const issue = parsed.error.issues[0];
    const error = new OutboxError('protocol-error', {
      url: res.url,
      path: issue?.path.map(String) ?? [],
      issue: issue?.message ?? 'invalid body',
      expected: PROTOCOL_VERSION,
    });
    return { kind: 'transient', error: info(error), retryAfterMs: undefined, network: false };
  }
  if (status >= 500 || TRANSIENT_4XX.has(status)) {
    const retryAfterMs = parseRetryAfter(res.retryAfter, nowMs);
    return { kind: 'transient', error: serverError(res), retryAfterMs, network: false };
  }
  if (status === 401) return { kind: 'auth', error: serverError(res) };
  if (status === 413) return { kind: 'too-large', error: serverError(res) };
  if (status >= 400) return { kind: 'permanent', error: serverError(res) };
  // 1xx/2xx other than 200 and 3xx are not part of the protocol.
  const error = new OutboxError('protocol-error', {
    url: res.url,
    issue: `unexpected status ${status}`,
    expected: PROTOCOL_VERSION,
  });
  return { kind: 'transient', error: info(error), retryAfterMs: undefined, network: false };
}

/**
 * Classifies a request that got no HTTP answer: a timeout (`TimeoutError`, or an abort
 * from our own timer) is `request-timeout`; anything else is `network-error`. Both are transient.
 */
export function classifyFailure(error: unknown, url: string, timeoutMs: number): TransportOutcome<never> {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    const e = new OutboxError('request-timeout', { url, ms: timeoutMs }, { cause: error });
    return { kind: 'transient', error: info(e), retryAfterMs: undefined, network: false };
  }
  const reason = error instanceof Error ? error.message : String(error);
  const e = new OutboxError('network-error', { url, reason }, { cause: error });
  return { kind: 'transient', error: info(e), retryAfterMs: undefined, network: true };
}
