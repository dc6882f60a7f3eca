/**
 * Deepest nesting of arrays and objects a written value may have (docs/PROTOCOL.md, Limits):
 * a scalar is depth 0, `[]` and `{}` depth 1, `[[1]]` and `{"a":{}}` depth 2.
 */
export const MAX_VALUE_DEPTH = 100;

/**
 * Whether `value` nests arrays and objects deeper than `limit` (see {@link MAX_VALUE_DEPTH}).
 * Iterative, and it stops one level past `limit`, so neither depth nor a cycle can overflow the
 * stack. Free of zod, so the page client can check a value before it crosses to the worker.
 */
export function isDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [object, number];
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
