import { conflictRecordSchema } from '../../protocol/conflict-record.ts';
import { deadLetterSchema } from '../../protocol/dead-letter.ts';
import type { DocRecord } from './doc-value-links.ts';
import type { StoredWrite } from './stored-write.ts';

/**
 * Shape checks of records read back from IndexedDB (the trust boundary: another version of the
 * app, an extension, a bug, or a disk can leave anything there). Each returns what is wrong, or
 * undefined for a record of the right shape. Documents and writes sit on the hot path, so they are
 * checked by hand, field by field (no zod, no walk of the value); dead letters and conflicts are
 * rare and go through their zod schemas. Fields this code does not store count as wrong too.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isVersion = (v: unknown): boolean => v === null || isCount(v);

/** Whether a value can be a stored JSON value at its top level (its inside is not walked). */
function isJsonTop(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      return v === null || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;
    default:
      return false;
  }
}

/** The first field of `record` not in `known`, if any. */
function unknownField(record: Record<string, unknown>, known: ReadonlySet<string>): string | undefined {
  for (const name in record) if (!known.has(name)) return name;
  return undefined;
}

const DOC_FIELDS = new Set(['value', 'valueSeq', 'version', 'schemaVersion', 'updatedAt']);

/** What is wrong with a `docs` record ({@link DocRecord}), if anything. */
export function docRecordProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return `not an object (${describeValue(raw)})`;
  const extra = unknownField(raw, DOC_FIELDS);
  if (extra !== undefined) return `unknown field '${extra}'`;
  if (!isVersion(raw.version)) return `'version' is ${describeValue(raw.version)}`;
  if (!(Number.isSafeInteger(raw.schemaVersion) && (raw.schemaVersion as number) >= 1)) {
    return `'schemaVersion' is ${describeValue(raw.schemaVersion)}`;
  }
  if (!isCount(raw.updatedAt)) return `'updatedAt' is ${describeValue(raw.updatedAt)}`;
  const linked = 'valueSeq' in raw;
  if (linked && 'value' in raw) return `both 'value' and 'valueSeq'`;
  if (linked)
    return Number.isSafeInteger(raw.valueSeq) && (raw.valueSeq as number) >= 1
      ? undefined
      : `'valueSeq' is ${describeValue(raw.valueSeq)}`;
  return isJsonTop(raw.value) ? undefined : `'value' is ${describeValue(raw.value)}`;
}

/** Narrows a record {@link docRecordProblem} found nothing wrong with. */
export const asDocRecord = (raw: unknown): DocRecord => raw as DocRecord;

const WRITE_FIELDS = new Set([
  'seq',
  'id',
  'collection',
  'key',
  'op',
  'baseVersion',
  'createdAt',
  'size',
  'attempts',
  'leaseUntil',
  'firstFailedAt',
  'lastError',
  'clientId',
  'value',
]);

/** What is wrong with a write inside an outbox chunk ({@link StoredWrite}), if anything. */
export function storedWriteProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return `not an object (${describeValue(raw)})`;
  const extra = unknownField(raw, WRITE_FIELDS);
  if (extra !== undefined) return `unknown field '${extra}'`;
  if (!(Number.isSafeInteger(raw.seq) && (raw.seq as number) >= 1)) return `'seq' is ${describeValue(raw.seq)}`;
  for (const name of ['id', 'collection', 'key'] as const) {
    if (typeof raw[name] !== 'string' || raw[name] === '') return `'${name}' is ${describeValue(raw[name])}`;
  }
  if (raw.op !== 'put' && raw.op !== 'delete') return `'op' is ${describeValue(raw.op)}`;
  if (raw.op === 'put' ? !isJsonTop(raw.value) : 'value' in raw) return `'value' is ${describeValue(raw.value)} for a ${raw.op}`;
  if (!isVersion(raw.baseVersion)) return `'baseVersion' is ${describeValue(raw.baseVersion)}`;
  if (!isCount(raw.createdAt)) return `'createdAt' is ${describeValue(raw.createdAt)}`;
  if (!isCount(raw.size)) return `'size' is ${describeValue(raw.size)}`;
  if ('attempts' in raw && !isCount(raw.attempts)) return `'attempts' is ${describeValue(raw.attempts)}`;
  for (const name of ['leaseUntil', 'firstFailedAt'] as const) {
    if (name in raw && !isTime(raw[name])) return `'${name}' is ${describeValue(raw[name])}`;
  }
  if ('clientId' in raw && typeof raw.clientId !== 'string') return `'clientId' is ${describeValue(raw.clientId)}`;
  if ('lastError' in raw) {
    const e = raw.lastError;
    if (!isObject(e) || typeof e.code !== 'string' || typeof e.message !== 'string') return `'lastError' is ${describeValue(e)}`;
  }
  return undefined;
}

/** Narrows a write {@link storedWriteProblem} found nothing wrong with. */
export const asStoredWrite = (raw: unknown): StoredWrite => raw as StoredWrite;

/** What is wrong with a dead letter, if anything (its whole zod schema). */
export function deadLetterProblem(raw: unknown): string | undefined {
  return zodProblem(deadLetterSchema.safeParse(raw));
}

/** What is wrong with a conflict record, if anything (its whole zod schema). */
export function conflictProblem(raw: unknown): string | undefined {
  return zodProblem(conflictRecordSchema.safeParse(raw));
}

function zodProblem(result: {
  success: boolean;
  error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } | undefined;
}): string | undefined {
  if (result.success) return undefined;
  const issue = result.error?.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return path === '' ? (issue?.message ?? 'invalid') : `'${path}': ${issue?.message ?? 'invalid'}`;
}

/** A short description of a wrong value for a reason text. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
