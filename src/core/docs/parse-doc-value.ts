import type { z } from 'zod';
import type { JsonValue } from '../../protocol/json-value.ts';

/** `__proto__` followed by zero or more U+0000: the keys that take part in the escape below. */
const isProtoFamily = (key: string): boolean => {
  if (!key.startsWith('__proto__')) return false;
  for (let i = 9; i < key.length; i++) if (key.charCodeAt(i) !== 0) return false;
  return true;
};

const escapeKey = (key: string): string => (isProtoFamily(key) ? `${key}\u0000` : key);
const unescapeKey = (key: string): string => (key.length > 9 && isProtoFamily(key) ? key.slice(0, -1) : key);

type Plain = { [key: string]: unknown };

const isPlainObject = (v: unknown): v is Plain => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Whether some object in `value` has an own key of the `__proto__` family. Iterative. */
function hasProtoFamilyKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) for (const child of node) stack.push(child);
    else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        if (isProtoFamily(key)) return true;
        stack.push(node[key]);
      }
    }
  }
  return false;
}

const shell = (v: unknown): unknown =>
  Array.isArray(v) ? [] : isPlainObject(v) ? (Object.getPrototypeOf(v) === null ? Object.create(null) : {}) : v;

/**
 * Copies the arrays and plain objects of `value`, keys in their order, each passed through
 * `rename`; anything else is kept by reference. Iterative.
 */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  const root = shell(value);
  const stack: [unknown, unknown][] = root === value ? [] : [[value, root]];
  while (stack.length > 0) {
    const [src, copy] = stack.pop() as [unknown, unknown];
    const fill = (child: unknown): unknown => {
      const out = shell(child);
      if (out !== child) stack.push([child, out]);
      return out;
    };
    if (Array.isArray(src)) for (const child of src) (copy as unknown[]).push(fill(child));
    else {
      for (const key of Object.keys(src as Plain)) {
        const out = fill((src as Plain)[key]);
        Object.defineProperty(copy, rename(key), { value: out, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return root;
}

/**
 * `schema.safeParse(value)`, except that own `__proto__` keys survive. Zod leaves such keys out
 * of its output (so they cannot set a prototype), which would drop them from a document without
 * a word. Here the collection's schema sees them under an escaped name (`__proto__` + U+0000, and
 * each key already of that form one U+0000 longer), treated like any other key, and the output
 * and issue paths get the real names back. Values without such keys go to the schema as they are.
 */
export function parseDocValue(schema: z.ZodType<JsonValue>, value: unknown): z.ZodSafeParseResult<JsonValue> {
  if (!hasProtoFamilyKey(value)) return schema.safeParse(value);
  const parsed = schema.safeParse(renameKeys(value, escapeKey));
  if (parsed.success) return { success: true, data: renameKeys(parsed.data, unescapeKey) as JsonValue };
  for (const issue of parsed.error.issues) {
    (issue as { path: PropertyKey[] }).path = issue.path.map((p) => (typeof p === 'string' ? unescapeKey(p) : p));
  }
  return parsed;
}
