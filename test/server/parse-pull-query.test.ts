import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parsePullQuery } from '../../server/http/parse-pull-query.ts';
import { OutboxError } from '../../src/errors.ts';
import { checkProperty } from '../support/property.ts';

const parse = (query: string) => parsePullQuery(new URL(`http://x/v1/pull${query}`));
const codeOf = (query: string): string => {
  try {
    parse(query);
    return 'ok';
  } catch (e) {
    if (e instanceof OutboxError) return e.code;
    throw e;
  }
};

/** The grammar of docs/PROTOCOL.md, written independently of the parser. */
const CURSOR = /^(0|[1-9][0-9]{0,18})$/;
const LIMIT = /^[1-9][0-9]{0,3}$/;
const validCursor = (v: string) => CURSOR.test(v) && BigInt(v) <= 2n ** 63n - 1n;
const validLimit = (v: string) => LIMIT.test(v) && Number(v) <= 1000;

describe('parsePullQuery', () => {
  test('reads a cursor and a limit given as plain decimal integers', () => {
    expect(parse('?cursor=1289&limit=7')).toMatchObject({ cursor: '1289', limit: 7, resync: false });
    expect(parse('')).toMatchObject({ cursor: '0', limit: 100, resync: false });
    expect(parse('?cursor=9223372036854775807&limit=1000')).toMatchObject({ cursor: '9223372036854775807', limit: 1000 });
  });

  test('reads resync=1 (a page of a full re-pull) and refuses any other resync value', () => {
    expect(parse('?cursor=12&resync=1')).toEqual({ cursor: '12', limit: 100, resync: true });
    expect(codeOf('?resync=true')).toBe('invalid-request');
    expect(codeOf('?resync=')).toBe('invalid-request');
  });

  test.each([
    ['?limit=1e2'],
    ['?limit=0x10'],
    ['?limit=+5'],
    ['?limit=%205'],
    ['?limit=5.0'],
    ['?limit=05'],
    ['?limit=0'],
    ['?limit=1001'],
    ['?limit='],
    ['?cursor=00'],
    ['?cursor=007'],
    ['?cursor=-1'],
    ['?cursor=1e3'],
    ['?cursor=+1'],
    ['?cursor='],
    ['?cursor=9223372036854775808'],
    ['?cursor=1&cursor=1'],
  ])('refuses %s as invalid-request', (query) => {
    expect(codeOf(query)).toBe('invalid-request');
  });

  test.each([['?__proto__=5'], ['?constructor=1'], ['?toString=1'], ['?limit=5&extra=1'], ['?=5'], ['?Limit=5']])(
    'refuses the unknown parameter in %s as unknown-field',
    (query) => {
      expect(codeOf(query)).toBe('unknown-field');
    },
  );

  test('accepts exactly the queries the documented grammar accepts', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.stringMatching(/^[-+ 0]?[0-9]{0,20}(\.[0-9]?)?$/),
      fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
      fc.constantFrom('1e2', '0x10', '%20', '5 ', 'NaN', 'Infinity', '١'),
    );
    const name = fc.oneof(fc.constantFrom('cursor', 'limit', 'resync'), fc.constantFrom('__proto__', 'constructor', 'x', ''));
    await checkProperty(
      300,
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 3 }), (params) => {
        const query = params.length === 0 ? '' : `?${new URLSearchParams(params).toString()}`;
        const names = params.map(([n]) => n);
        const known = names.every((n) => n === 'cursor' || n === 'limit' || n === 'resync');
        const once = new Set(names).size === names.length;
        const valid = params.every(([n, v]) => (n === 'cursor' ? validCursor(v) : n === 'limit' ? validLimit(v) : v === '1'));
        const code = codeOf(query);
        if (!known) expect(code).toBe('unknown-field');
        else expect(code).toBe(once && valid ? 'ok' : 'invalid-request');
      }),
    );
  });
});
