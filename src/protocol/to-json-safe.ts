/**
 * A JSON-safe copy of any structured-cloneable value, for showing and exporting a quarantined
 * record's `raw` (IndexedDB can hold what JSON cannot: bigints, dates, maps, sets, binary data,
 * non-finite numbers, undefined, cycles). Each such value becomes a string or a tagged object
 * that names what it was; plain JSON comes out unchanged.
 */
export function toJsonSafe(value: unknown): unknown {
  return copy(value, new WeakSet());
}

function copy(value: unknown, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return { $undefined: true };
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (seen.has(value)) return { $cycle: true };
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => copy(v, seen));
    if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
    if (value instanceof Map) return { $map: [...value].map(([k, v]) => [copy(k, seen), copy(v, seen)]) };
    if (value instanceof Set) return { $set: [...value].map((v) => copy(v, seen)) };
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return { $bytes: value.byteLength };
    if (value instanceof RegExp) return { $regexp: String(value) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copy(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
