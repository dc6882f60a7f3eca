import { describe, expect, test } from 'vitest';
import { isDeeperThan, jsonValueSchema, writeValueSchema } from '../../src/protocol/json-value.ts';
import { nested } from '../support/json-arbitraries.ts';

const issuesOf = (value: unknown) => jsonValueSchema.safeParse(value).error?.issues.map((i) => [i.path, i.message]);

describe('jsonValueSchema', () => {
  test('outputs a copy that keeps own __proto__ and constructor keys, in order', () => {
    const input = JSON.parse('{"__proto__":{"a":1},"constructor":[{"__proto__":null}],"b":2}');
    const out = jsonValueSchema.parse(input);
    expect(out).not.toBe(input);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"a":1},"constructor":[{"__proto__":null}],"b":2}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  test('names the path of what is not JSON: NaN, undefined, a hole, a Date, a function, a cycle', () => {
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).back = cyclic;
    expect(issuesOf({ a: [1, Number.NaN] })).toEqual([[['a', 1], 'must be a finite number']]);
    expect(issuesOf({ a: undefined })).toEqual([[['a'], 'undefined is not a JSON value']]);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(issuesOf([1, , 2])).toEqual([[[1], 'undefined is not a JSON value']]);
    expect(issuesOf({ at: new Date(0) })).toEqual([[['at'], 'must be a plain object or array, not Date']]);
    expect(issuesOf([() => 1])).toEqual([[[0], 'function is not a JSON value']]);
    expect(issuesOf(cyclic)).toEqual([[['a', 'back'], 'holds a cycle']]);
  });

  test('accepts a value shared twice (not a cycle) and a null-prototype object', () => {
    const shared = { x: 1 };
    expect(jsonValueSchema.parse([shared, shared])).toEqual([{ x: 1 }, { x: 1 }]);
    expect(jsonValueSchema.parse(Object.assign(Object.create(null), { a: 1 }))).toEqual({ a: 1 });
  });

  test('walks a value nested 100,000 deep without overflowing the stack', () => {
    expect(jsonValueSchema.safeParse(nested(100_000, 'array')).success).toBe(true);
    expect(jsonValueSchema.safeParse(nested(100_000, 'object')).success).toBe(true);
  });
});

describe('writeValueSchema', () => {
  test('passes a value nested deeper than the limit as it is, for a per-write rejection', () => {
    const deep = nested(101, 'array');
    expect(writeValueSchema.parse(deep)).toBe(deep);
    expect(writeValueSchema.safeParse({ a: Number.POSITIVE_INFINITY }).success).toBe(false);
  });
});

describe('isDeeperThan', () => {
  test('counts a scalar 0, [] and {} 1, and each level of nesting one more', () => {
    expect([isDeeperThan(1, 0), isDeeperThan([], 0), isDeeperThan([], 1), isDeeperThan({ a: [[]] }, 2)]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect([isDeeperThan(nested(100, 'object'), 100), isDeeperThan(nested(101, 'object'), 100)]).toEqual([false, true]);
  });

  test('reports a cycle as too deep instead of looping', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(isDeeperThan(cyclic, 100)).toBe(true);
  });
});
