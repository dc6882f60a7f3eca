import { classifyFailure, classifyResponse } from '../../src/core/retry/classify-response.ts';
import type { TransportOutcome } from '../../src/core/retry/transport-outcome.ts';
import type { SyncTransport } from '../../src/core/sync/sync-transport.ts';
import type { JsonValue } from '../../src/protocol/json-value.ts';
import { type Change, type PullResponse, pullResponseSchema } from '../../src/protocol/pull-messages.ts';
import {
  type FinalResult,
  PROTOCOL_VERSION,
  type PushRequest,
  type PushResponse,
  pushResponseSchema,
  type ServerDoc,
  type WireWrite,
  type WriteResult,
} from '../../src/protocol/push-messages.ts';

/** One injected failure, answered instead of the real thing. */
export type InjectedFailure =
  | { readonly status: number; readonly code?: string; readonly retryAfter?: string }
  | { readonly network: true }
  | { readonly timeout: true }
  /** Answered normally (to place a failure after some successes). */
  | { readonly pass: true }
  /** The push is processed, then the answer is lost (a network error after the server committed). */
  | { readonly answerLost: true };

interface DocState extends ServerDoc {
  readonly clientId: string;
  /** Position in the change feed. */
  readonly change: number;
}

const OTHER_CLIENT = 'f'.repeat(32);
const encoder = new TextEncoder();

/**
 * An in-memory twin of the reference server's semantics behind the {@link SyncTransport}
 * interface, answers classified by the same code as the fetch transport:
 * - push: per-write results in order; exactly once per (client, seq) and write id (`duplicate`
 *   with the original result); a write conflicts when the document changed since its
 *   `baseVersion` by a different client; seq not above the highest seen → `stale-sequence`.
 * - pull: a compacted change feed (latest state per document) paged by an opaque cursor.
 * - failure injection: the next N answers (`failNext`), per-write rejections (`rejectWhen`),
 *   a body limit (413), and writes by another client (`writeAsOtherClient`).
 */
export class FakeSyncServer implements SyncTransport {
  /** `push:<seqs>` / `pull:<cursor>` per request, and what it was answered. */
  readonly log: string[] = [];
  /** Every applied write, in order: `<clientId>:<seq>`. */
  readonly applied: string[] = [];
  readonly #docs = new Map<string, DocState>();
  readonly #results = new Map<string, FinalResult>();
  readonly #highestSeq = new Map<string, number>();
  readonly #failures: InjectedFailure[] = [];
  readonly #now: () => number;
  #changes = 0;
  #reject: ((write: WireWrite) => { code: string; message: string } | undefined) | undefined;
  /** Largest push body in bytes; above it the answer is 413. */
  maxBodyBytes = Number.POSITIVE_INFINITY;
  /** Largest pull page the server grants. */
  maxPullLimit = 1000;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The next answers (push or pull) are these failures, in order. */
  failNext(...failures: InjectedFailure[]): void {
    this.#failures.push(...failures);
  }

  /** Rejects writes for which `rule` returns an error, with that code and message. */
  rejectWhen(rule: (write: WireWrite) => { code: string; message: string } | undefined): void {
    this.#reject = rule;
  }

  /** Another client changes a document (null deletes it). */
  writeAsOtherClient(collection: string, key: string, value: JsonValue | null, writtenAt = this.#now()): ServerDoc {
    return this.#apply(OTHER_CLIENT, collection, key, value, writtenAt);
  }

  /** The server's copy of a document. */
  doc(collection: string, key: string): ServerDoc | undefined {
    const d = this.#docs.get(docKey(collection, key));
    return d && { version: d.version, value: d.value, deleted: d.deleted, writtenAt: d.writtenAt };
  }

  async push(request: PushRequest): Promise<TransportOutcome<PushResponse>> {
    const label = `push:${request.writes.map((w) => w.seq).join(',')}`;
    if (this.#failures[0] !== undefined && 'answerLost' in this.#failures[0]) {
      this.#failures.shift();
      const results = request.writes.map((w) => this.#pushOne(request.clientId, w));
      this.log.push(`${label} → ${results.map(short).join(',')} (answer lost)`);
      return classifyFailure(new TypeError('fetch failed'), 'fake', 0);
    }
    const failed = this.#injected(label);
    if (failed !== undefined) return failed as TransportOutcome<PushResponse>;
    if (encoder.encode(JSON.stringify(request)).length > this.maxBodyBytes) {
      return this.#answer(label, 413, { error: { code: 'body-too-large', message: 'too large' } }, null, 'push');
    }
    const results = request.writes.map((w) => this.#pushOne(request.clientId, w));
    const body: PushResponse = { protocol: PROTOCOL_VERSION, results };
    return this.#answer(`${label} → ${results.map(short).join(',')}`, 200, body, null, 'push');
  }

  async pull(cursor: string | undefined, limit: number): Promise<TransportOutcome<PullResponse>> {
    const label = `pull:${cursor ?? '-'}`;
    const failed = this.#injected(label);
    if (failed !== undefined) return failed as TransportOutcome<PullResponse>;
    const after = cursor === undefined ? 0 : Number(cursor);
    const feed = [...this.#docs.entries()].filter(([, d]) => d.change > after).sort(([, a], [, b]) => a.change - b.change);
    const page = feed.slice(0, Math.min(limit, this.maxPullLimit));
    const changes = page.map(([k, d]): Change => toChange(k, d));
    const next = page.at(-1)?.[1].change ?? after;
    const body: PullResponse = { protocol: PROTOCOL_VERSION, changes, cursor: String(next), hasMore: feed.length > page.length };
    return this.#answer(`${label} → ${changes.length}${body.hasMore ? '+' : ''}`, 200, body, null, 'pull');
  }

  #pushOne(clientId: string, w: WireWrite): WriteResult {
    const seen = this.#results.get(w.id);
    if (seen !== undefined) return { id: w.id, seq: w.seq, status: 'duplicate', original: seen };
    if (w.seq <= (this.#highestSeq.get(clientId) ?? 0)) {
      return { id: w.id, seq: w.seq, status: 'rejected', code: 'stale-sequence', message: 'stale' };
    }
    this.#highestSeq.set(clientId, w.seq);
    const result = this.#decide(clientId, w);
    this.#results.set(w.id, result);
    return result;
  }

  #decide(clientId: string, w: WireWrite): FinalResult {
    const rejection = this.#reject?.(w);
    if (rejection !== undefined) return { id: w.id, seq: w.seq, status: 'rejected', ...rejection };
    const doc = this.#docs.get(docKey(w.collection, w.key));
    if (doc !== undefined && doc.clientId !== clientId && doc.version > (w.baseVersion ?? 0)) {
      const current = { version: doc.version, value: doc.value, deleted: doc.deleted, writtenAt: doc.writtenAt };
      return { id: w.id, seq: w.seq, status: 'conflict', current };
    }
    const applied = this.#apply(clientId, w.collection, w.key, w.op === 'delete' ? null : (w.value ?? null), w.writtenAt);
    this.applied.push(`${clientId}:${w.seq}`);
    return { id: w.id, seq: w.seq, status: 'applied', version: applied.version };
  }

  #apply(clientId: string, collection: string, key: string, value: JsonValue | null, writtenAt: number): DocState {
    const k = docKey(collection, key);
    const version = (this.#docs.get(k)?.version ?? 0) + 1;
    const doc: DocState = { version, value, deleted: value === null, writtenAt, clientId, change: ++this.#changes };
    this.#docs.set(k, doc);
    return doc;
  }

  #injected(label: string): TransportOutcome<never> | undefined {
    const failure = this.#failures.shift();
    if (failure === undefined) return undefined;
    if ('network' in failure) {
      this.log.push(`${label} → network`);
      return classifyFailure(new TypeError('fetch failed'), 'fake', 0);
    }
    if ('answerLost' in failure || 'pass' in failure) return undefined;
    if ('timeout' in failure) {
      this.log.push(`${label} → timeout`);
      return classifyFailure(new DOMException('timed out', 'TimeoutError'), 'fake', 0);
    }
    const body = { error: { code: failure.code ?? `http-${failure.status}`, message: 'injected' } };
    return this.#answer(label, failure.status, body, failure.retryAfter ?? null, 'push') as TransportOutcome<never>;
  }

  #answer<T>(label: string, status: number, body: unknown, retryAfter: string | null, kind: 'push' | 'pull') {
    if (status !== 200) this.log.push(`${label} → ${status}`);
    else this.log.push(label);
    const raw = { url: `fake/${kind}`, status, retryAfter, body };
    const outcome =
      kind === 'push'
        ? classifyResponse(raw, pushResponseSchema, this.#now())
        : classifyResponse(raw, pullResponseSchema, this.#now());
    return outcome as TransportOutcome<T>;
  }
}

function docKey(collection: string, key: string): string {
  return `${collection}\u0000${key}`;
}

function toChange(k: string, d: DocState): Change {
  const [collection = '', key = ''] = k.split('\u0000');
  const base = { collection, key, version: d.version, writtenAt: d.writtenAt };
  return d.deleted ? { ...base, op: 'delete' } : { ...base, op: 'put', value: d.value as JsonValue };
}

function short(r: WriteResult): string {
  if (r.status === 'duplicate') return `dup(${short(r.original)})`;
  return r.status === 'applied' ? `ok` : r.status === 'conflict' ? 'conflict' : `rejected(${r.code})`;
}
