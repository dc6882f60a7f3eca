import type { JsonValue } from '../../protocol/json-value.ts';
import { utf8Length } from '../docs/validate-write.ts';

const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x22, 0x5c]);
const PLAIN = /^[\u0020-\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** Bytes of `JSON.stringify(s)` as UTF-8: quotes, `\"` `\\` `\n`…, `\u00XX` for other controls and for lone surrogates. */
function stringBytes(s: string): number {
  if (PLAIN.test(s)) return s.length + 2;
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (SHORT_ESCAPES.has(c)) bytes += 2;
    else if (c < 0x20) bytes += 6;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6;
    else bytes += utf8Length(s[i] as string);
  }
  return bytes;
}

/**
 * Size of a value as UTF-8 JSON, in bytes (what `PendingWrite.size` records); 0 for a delete.
 * Counted without building the text and without recursion, so no value, however deep, can
 * overflow the stack; equal to the UTF-8 length of `JSON.stringify(value)` for every JSON value.
 */
export function jsonBytes(value: JsonValue | undefined): number {
  if (value === undefined) return 0;
  let bytes = 0;
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as JsonValue;
    if (v === null) bytes += 4;
    else if (typeof v === 'boolean') bytes += v ? 4 : 5;
    else if (typeof v === 'number') bytes += JSON.stringify(v).length;
    else if (typeof v === 'string') bytes += stringBytes(v);
    else if (Array.isArray(v)) {
      bytes += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else {
      const keys = Object.keys(v);
      bytes += 2 + Math.max(0, keys.length - 1);
      for (const key of keys) {
        bytes += stringBytes(key) + 1;
        stack.push(v[key] as JsonValue);
      }
    }
  }
  return bytes;
}
