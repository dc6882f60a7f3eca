import type { z } from 'zod';
import { type PullResponse, pullResponseSchema } from '../../protocol/pull-messages.ts';
import { type PushRequest, type PushResponse, pushResponseSchema } from '../../protocol/push-messages.ts';
import { classifyFailure, classifyResponse } from '../retry/classify-response.ts';
import type { TransportOutcome } from '../retry/transport-outcome.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Default time a request may take before it counts as a transient `request-timeout`, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface FetchTransportOptions {
  /** Server root, e.g. `https://sync.example.com` (no trailing `/v1`). */
  readonly baseUrl: string;
  /** Injected `fetch` (the global one in browsers and Node 20). */
  readonly fetch: typeof fetch;
  readonly timeoutMs?: number | undefined;
  /** Extra headers per request, typically `Authorization`; called before every request. */
  readonly headers?: (() => Promise<Record<string, string>>) | undefined;
  /** Makes the abort signal for one request; default `AbortSignal.timeout(ms)`. */
  readonly timeoutSignal?: ((ms: number) => AbortSignal) | undefined;
  /** Epoch ms, for `Retry-After` dates; default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/**
 * A {@link SyncTransport} over `fetch`. Every response body is read (or cancelled), error
 * answers included: an unread body holds a file descriptor in the renderer until the
 * worker ends (see BROWSER-TESTING.md, "Unread response bodies leak file descriptors").
 *
 * @example
 * const transport = createFetchTransport({ baseUrl: 'https://sync.example.com', fetch, headers: async () => ({ authorization: `Bearer ${token}` }) });
 */
export function createFetchTransport(options: FetchTransportOptions): SyncTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const makeSignal = options.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));
  const now = options.now ?? Date.now;

  async function request<T>(url: string, init: RequestInit, schema: z.ZodType<T>): Promise<TransportOutcome<T>> {
    let res: Response;
    try {
      const headers = { ...(await options.headers?.()), ...(init.headers as Record<string, string> | undefined) };
      res = await options.fetch(url, { ...init, headers, signal: makeSignal(timeoutMs) });
    } catch (error) {
      return classifyFailure(error, url, timeoutMs);
    }
    let body: unknown;
    try {
      body = await readJson(res);
    } catch (error) {
      // The connection broke (or timed out) while the body was streaming in.
      return classifyFailure(error, url, timeoutMs);
    }
    return classifyResponse({ url, status: res.status, retryAfter: res.headers.get('retry-after'), body }, schema, now());
  }

  return {
    push(req: PushRequest): Promise<TransportOutcome<PushResponse>> {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) };
      return request(`${base}/v1/push`, init, pushResponseSchema);
    },
    pull(cursor: string | undefined, limit: number, resync = false): Promise<TransportOutcome<PullResponse>> {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== undefined) query.set('cursor', cursor);
      if (resync) query.set('resync', '1');
      return request(`${base}/v1/pull?${query}`, { method: 'GET' }, pullResponseSchema);
    },
  };
}

/** Reads the whole body; JSON when it parses, otherwise undefined (the text is consumed either way). */
async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
