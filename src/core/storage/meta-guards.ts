/**
 * Type checks of the small values kept in `meta`, for `getMeta(key, isValid)`: a stored value
 * that fails one reads as absent and goes to the quarantine instead of misleading its reader.
 */

/** A count: a safe integer ≥ 0. */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export const isString = (value: unknown): value is string => typeof value === 'string';

/** A plain object whose every value passes `isValue`. */
function isRecordOf<T>(value: unknown, isValue: (v: unknown) => boolean): value is Record<string, T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(isValue);
}

/** Collection name → schema version (each a positive integer). */
export const isVersionMap = (value: unknown): value is Record<string, number> =>
  isRecordOf<number>(value, (v) => Number.isSafeInteger(v) && (v as number) >= 1);

/** Header name → value, or null (signed out). */
export const isHeadersOrNull = (value: unknown): value is Record<string, string> | null =>
  value === null || isRecordOf<string>(value, (v) => typeof v === 'string');
