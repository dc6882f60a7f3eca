import { z } from 'zod';
import { isDeeperThan, MAX_VALUE_DEPTH } from './value-depth.ts';

export { isDeeperThan, MAX_VALUE_DEPTH } from './value-depth.ts';

/** A JSON value: what documents and write values may hold (they cross the wire as JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Where and why a value is not a JSON value. */
export interface JsonValueIssue {
  readonly path: (string | number)[];
  readonly issue: string;
}

type Container = JsonValue[] | { [key: string]: JsonValue };

interface Frame {
  readonly value: object;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
  /** The copy being filled; set when the frame is entered. */
  copy?: Container;
  /** Marks the point where every child of `value` has been copied (the frame leaves the ancestor chain). */
  readonly exit?: true;
}

function pathOf(frame: Frame | undefined, key?: string | number): (string | number)[] {
  const path: (string | number)[] = key === undefined ? [] : [key];
  for (let f = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

function scalarIssue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(v) ? undefined : 'must be a finite number';
    case 'object':
      return v === null ? undefined : 'container';
    default:
      return `${typeof v} is not a JSON value`;
  }
}

function containerIssue(v: object): string | undefined {
  if (Array.isArray(v)) return undefined;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) return undefined;
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return `must be a plain object or array, not ${typeof name === 'string' ? name : 'a class instance'}`;
}

/** Sets an own property, also for the key `__proto__` (which plain assignment would take as the prototype). */
function setOwn(target: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Copies a JSON value, or finds the first place where `value` is not one (NaN/Infinity,
 * undefined, functions, Dates, class instances, cycles). Every own key is kept, `__proto__`
 * and `constructor` included. Iterative: any depth is walked without growing the call stack.
 */
export function copyJsonValue(value: unknown): { ok: true; value: JsonValue } | { ok: false; issue: JsonValueIssue } {
  const rootIssue = scalarIssue(value);
  if (rootIssue === undefined) return { ok: true, value: value as JsonValue };
  if (rootIssue !== 'container') return { ok: false, issue: { path: [], issue: rootIssue } };
  const root: Frame = { value: value as object, parent: undefined, key: undefined, copy: Array.isArray(value) ? [] : {} };
  const stack: Frame[] = [root];
  const open = new Set<object>();
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.exit) {
      open.delete(frame.value);
      continue;
    }
    const src = frame.value;
    if (open.has(src)) return { ok: false, issue: { path: pathOf(frame), issue: 'holds a cycle' } };
    const bad = containerIssue(src);
    if (bad !== undefined) return { ok: false, issue: { path: pathOf(frame), issue: bad } };
    open.add(src);
    stack.push({ value: src, parent: undefined, key: undefined, exit: true });
    const isArray = Array.isArray(src);
    const keys = isArray ? undefined : Object.keys(src);
    const count = keys === undefined ? (src as unknown[]).length : keys.length;
    for (let i = 0; i < count; i++) {
      const key = keys === undefined ? i : (keys[i] as string);
      const child = (src as Record<string | number, unknown>)[key];
      const issue = scalarIssue(child);
      let out: JsonValue;
      if (issue === undefined) out = child as JsonValue;
      else if (issue === 'container') {
        out = Array.isArray(child) ? [] : {};
        stack.push({ value: child as object, parent: frame, key, copy: out });
      } else return { ok: false, issue: { path: pathOf(frame, key), issue } };
      if (keys === undefined) (frame.copy as JsonValue[]).push(out);
      else setOwn(frame.copy as { [key: string]: JsonValue }, key as string, out);
    }
  }
  return { ok: true, value: root.copy as JsonValue };
}

/**
 * Zod schema for {@link JsonValue}: refuses NaN/Infinity, undefined, functions, Dates, class
 * instances and cycles, and outputs a copy that keeps every own key (`__proto__` too, which zod's
 * own record and object schemas leave out). Stack-safe at any depth; the depth limit is a rule for
 * writes ({@link MAX_VALUE_DEPTH}), checked per write, not here.
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>().transform((value, ctx) => {
  const result = copyJsonValue(value);
  if (result.ok) return result.value;
  ctx.addIssue({ code: 'custom', message: result.issue.issue, path: result.issue.path, input: value });
  return z.NEVER;
});

/**
 * A write's value as pushed: {@link jsonValueSchema}, except that a value nested deeper than
 * {@link MAX_VALUE_DEPTH} passes as it is, unwalked, for the server to refuse that write alone
 * (`value-too-deep`) while its neighbours are processed. The depth test stops one level past the
 * limit, so a body nested millions deep costs no more than one nested 101 deep.
 */
export const writeValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>().transform((value, ctx) => {
  if (isDeeperThan(value, MAX_VALUE_DEPTH)) return value;
  const result = copyJsonValue(value);
  if (result.ok) return result.value;
  ctx.addIssue({ code: 'custom', message: result.issue.issue, path: result.issue.path, input: value });
  return z.NEVER;
});
