import type { JsonValue } from '../../protocol/json-value.ts';

const encoder = new TextEncoder();

/** Size of a value as UTF-8 JSON, in bytes (what `PendingWrite.size` records); 0 for a delete. */
export function jsonBytes(value: JsonValue | undefined): number {
  return value === undefined ? 0 : encoder.encode(JSON.stringify(value)).length;
}
