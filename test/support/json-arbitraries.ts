import fc from 'fast-check';
import type { JsonValue } from '../../src/protocol/json-value.ts';

/** Object keys that name Object.prototype members, or that `obj[k] = v` and zod treat specially. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', ''] as const;

/** Characters that break naive encoders: U+0000, lone surrogates, a pair, line separators, BOM, quotes. */
const oddUnit = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d\ude00', '\u2028', '\u2029', '\ufeff', '\uffff', 'é', '"', '\\', '\n'),
  fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
);

/** Strings of odd Unicode, lone surrogates included. */
export const oddString = fc.string({ unit: oddUnit, maxLength: 12 });

/** Numbers at the edges of a double: the largest and smallest, -0, 2^53 + 1, exponents JSON writes. */
export const edgeNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, 5e-324, -0, 2 ** 53 + 1, -(2 ** 53) - 1, 0.1, 1e21, 1e-7),
  fc.integer(),
);

/** A plain object holding `entries` as own properties, `__proto__` too (an object literal or `o[k] = v` would set the prototype). */
export function objectOf(entries: readonly (readonly [string, JsonValue])[]): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Nests `leaf` `depth` levels deep in arrays (`[[…]]`) or objects (`{"a":{…}}`). */
export function nested(depth: number, kind: 'array' | 'object', leaf: JsonValue = 1): JsonValue {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** The JSON text of {@link nested}, built as a string (so any depth can be sent without a recursive encoder). */
export function nestedText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const key = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), oddString);

const { tree } = fc.letrec<{ tree: JsonValue; array: JsonValue[]; object: JsonValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.constant(null),
    fc.boolean(),
    edgeNumber,
    oddString,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('tree'), { maxLength: 4 }),
  object: fc.uniqueArray(fc.tuple(key, tie('tree')), { maxLength: 5, selector: ([k]) => k }).map(objectOf),
}));

/** A chain of arrays and objects mixed, up to `maxDepth` deep, with a random leaf. */
export const deepValue = (maxDepth: number): fc.Arbitrary<JsonValue> =>
  fc
    .tuple(fc.array(fc.constantFrom<'array' | 'object'>('array', 'object'), { minLength: 1, maxLength: maxDepth }), tree)
    .map(([kinds, leaf]) => kinds.reduce<JsonValue>((v, kind) => (kind === 'array' ? [v] : objectOf([['__proto__', v]])), leaf));

/**
 * Every kind of JSON value a document may hold: fast-check's own, trees with prototype-named
 * keys at any depth, odd Unicode and edge numbers, and chains up to `maxDepth` deep.
 */
export const anyJsonValue = (maxDepth: number): fc.Arbitrary<JsonValue> =>
  fc.oneof(fc.jsonValue() as fc.Arbitrary<JsonValue>, tree, deepValue(maxDepth));

/** What a value is after a trip through JSON text: its JSON text (every own key, -0 written as 0). */
export const jsonText = (value: unknown): string => JSON.stringify(value);
