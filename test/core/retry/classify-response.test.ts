import { describe, expect, test } from 'vitest';
import { classifyFailure, classifyResponse, type RawResponse } from '../../../src/core/retry/classify-response.ts';
import { pushResponseSchema } from '../../../src/protocol/push-messages.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const url = 'http://server/v1/push';
const raw = (status: number, body?: unknown, retryAfter: string | null = null): RawResponse => ({
  url,
  status,
  retryAfter,
  body,
});
const errorBody = (code: string) => ({ error: { code, message: `server says ${code}` } });
const kind = (status: number) => classifyResponse(raw(status, errorBody('x')), pushResponseSchema, now).kind;

describe('classifyResponse', () => {
  test('returns the validated body for a 200 that follows the protocol', () => {
    const body = { protocol: 1, results: [] };
    expect(classifyResponse(raw(200, body), pushResponseSchema, now)).toEqual({ kind: 'ok', body });
  });

  test('treats a 200 that breaks the protocol as a transient protocol-error', () => {
    const outcome = classifyResponse(raw(200, { protocol: 2, results: [] }), pushResponseSchema, now);
    expect(outcome.kind).toBe('transient');
    expect(outcome.kind === 'transient' && outcome.error.code).toBe('protocol-error');
  });

  test('treats 408, 425, 429 and every 5xx as transient', () => {
    expect([408, 425, 429, 500, 502, 503, 504, 599].map(kind)).toEqual(Array(8).fill('transient'));
  });

  test('treats 401 as auth, 413 as too-large and other 4xx as permanent', () => {
    expect([401, 413, 400, 403, 404, 409, 422].map(kind)).toEqual([
      'auth',
      'too-large',
      'permanent',
      'permanent',
      'permanent',
      'permanent',
      'permanent',
    ]);
  });

  test("keeps the server's error code", () => {
    const outcome = classifyResponse(raw(400, errorBody('invalid-request')), pushResponseSchema, now);
    expect(outcome.kind === 'permanent' && outcome.error.code).toBe('invalid-request');
  });

  test('falls back to server-error when the error body is not the protocol shape', () => {
    const outcome = classifyResponse(raw(502, undefined), pushResponseSchema, now);
    expect(outcome.kind === 'transient' && outcome.error.code).toBe('server-error');
  });

  test('passes Retry-After in both forms on as a floor in milliseconds', () => {
    const seconds = classifyResponse(raw(429, errorBody('rate-limited'), '30'), pushResponseSchema, now);
    const date = classifyResponse(raw(503, undefined, 'Thu, 01 Jan 2026 00:02:00 GMT'), pushResponseSchema, now);
    expect(seconds.kind === 'transient' && seconds.retryAfterMs).toBe(30_000);
    expect(date.kind === 'transient' && date.retryAfterMs).toBe(120_000);
  });

  test('treats statuses outside the protocol (3xx, 204) as transient protocol errors', () => {
    for (const status of [204, 302]) {
      const outcome = classifyResponse(raw(status), pushResponseSchema, now);
      expect(outcome.kind === 'transient' && outcome.error.code).toBe('protocol-error');
    }
  });
});

describe('classifyFailure', () => {
  test('maps a TimeoutError to a transient request-timeout that is not a network failure', () => {
    const outcome = classifyFailure(new DOMException('timed out', 'TimeoutError'), url, 5_000);
    expect(outcome).toMatchObject({ kind: 'transient', network: false, error: { code: 'request-timeout' } });
  });

  test('maps any other failure to a transient network-error', () => {
    const outcome = classifyFailure(new TypeError('fetch failed'), url, 5_000);
    expect(outcome).toMatchObject({ kind: 'transient', network: true, error: { code: 'network-error' } });
  });
});
