import { describe, expect, test } from 'vitest';
import { jsonByteLength, utf8Length } from '../../../src/core/docs/validate-write.ts';

const encoder = new TextEncoder();

/** Strings mixing ASCII, 2- and 3-byte characters, surrogate pairs and lone surrogates. */
function sampleStrings(): string[] {
  const pieces = [
    'a',
    'é',
    'ß',
    '€',
    '中',
    '😀',
    '\ud800',
    '\udc00',
    '"',
    '\n',
    '\u007f',
    '\u0080',
    '\u07ff',
    '\u0800',
    '\uffff',
  ];
  let state = 7;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state;
  };
  return Array.from({ length: 300 }, () => Array.from({ length: next() % 20 }, () => pieces[next() % pieces.length]).join(''));
}

describe('utf8Length', () => {
  test('counts the bytes TextEncoder would write, for every kind of character and for lone surrogates', () => {
    for (const text of sampleStrings()) expect(utf8Length(text), JSON.stringify(text)).toBe(encoder.encode(text).byteLength);
  });

  test('jsonByteLength is the UTF-8 size of the JSON text', () => {
    const value = { title: 'café 😀', tags: ['中文', 'x'], n: 1.5, ok: true, none: null };
    expect(jsonByteLength(value)).toBe(encoder.encode(JSON.stringify(value)).byteLength);
  });
});
