import { type TransferHandler, transferHandlers } from 'comlink';
import type { ErrorCode } from '../error-messages.ts';
import { OutboxError } from '../outbox-error.ts';

/** What an OutboxError looks like on the wire between page and worker. */
interface SerializedOutboxError {
  readonly outboxError: true;
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
  readonly stack: string | undefined;
  readonly cause: { readonly name: string; readonly message: string } | undefined;
}

/** Comlink's built-in 'throw' handler, kept for every value that is not an OutboxError. */
type ThrowHandler = TransferHandler<{ value: unknown }, unknown>;

const MARK = Symbol.for('outbox.errorTransfer');

/**
 * Details must survive structured clone; anything that does not (functions, class
 * instances with methods) is reduced to its JSON form so the code still arrives.
 */
function cloneable(details: unknown): unknown {
  if (details === undefined) return undefined;
  try {
    return structuredClone(details);
  } catch {
    try {
      return JSON.parse(JSON.stringify(details)) as unknown;
    } catch {
      return { unserializable: String(details) };
    }
  }
}

function plainCause(cause: unknown): SerializedOutboxError['cause'] {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return { name: typeof cause, message: String(cause) };
}

function serialize(error: OutboxError): SerializedOutboxError {
  return {
    outboxError: true,
    code: error.code,
    message: error.message,
    details: cloneable(error.details),
    stack: error.stack,
    cause: plainCause(error.cause),
  };
}

function revive(s: SerializedOutboxError): Error {
  const details = (s.details ?? undefined) as Readonly<Record<string, unknown>> | undefined;
  // The worker's text and stack are the truth: the page carries no message table, and a code
  // this build does not know (mixed app versions) still arrives as an OutboxError with its code.
  const error = new OutboxError(s.code as ErrorCode, details, { cause: s.cause, message: s.message });
  if (s.stack !== undefined) Object.defineProperty(error, 'stack', { value: s.stack, configurable: true, writable: true });
  return error;
}

function isSerialized(v: unknown): v is SerializedOutboxError {
  return typeof v === 'object' && v !== null && (v as { outboxError?: unknown }).outboxError === true;
}

/**
 * Makes a thrown {@link OutboxError} cross the page↔worker boundary with its `code`,
 * `details`, message, stack and a plain `cause`. Comlink's default keeps only
 * message/name/stack (comlink.ts `throwTransferHandler`), so codes would be lost.
 *
 * Call it once on each side (the page client and the worker both do); calling again is a no-op.
 * It wraps Comlink's own 'throw' handler, so other thrown values behave as before.
 */
export function registerErrorTransfer(): void {
  const base = transferHandlers.get('throw') as (ThrowHandler & { [MARK]?: true }) | undefined;
  if (base === undefined || base[MARK]) return;
  const handler: ThrowHandler & { [MARK]: true } = {
    [MARK]: true,
    canHandle: (v: unknown): v is { value: unknown } => base.canHandle(v),
    serialize(thrown) {
      if (thrown.value instanceof OutboxError) return [{ isError: false, value: serialize(thrown.value) }, []];
      return base.serialize(thrown);
    },
    deserialize(wire) {
      const w = wire as { isError?: boolean; value?: unknown };
      if (w.isError === false && isSerialized(w.value)) throw revive(w.value);
      return base.deserialize(wire);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
