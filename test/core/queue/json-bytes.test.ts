import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { jsonBytes } from '../../../src/core/queue/json-bytes.ts';
import { anyJsonValue, nested } from '../../support/json-arbitraries.ts';
import { checkProperty } from '../../support/property.ts';

const encoder = new TextEncoder();

describe('jsonBytes', () => {
  test('equals the UTF-8 length of JSON.stringify for every JSON value', async () => {
    await checkProperty(
      300,
      fc.property(anyJsonValue(90), (value) => {
        expect(jsonBytes(value)).toBe(encoder.encode(JSON.stringify(value)).length);
      }),
    );
  });

  test('measures a value nested 100,000 deep without overflowing the stack', () => {
    expect(jsonBytes(nested(100_000, 'array'))).toBe(200_001);
    expect(jsonBytes(nested(100_000, 'object'))).toBe(600_001);
  });

  test('is 0 for a delete', () => {
    expect(jsonBytes(undefined)).toBe(0);
  });
});
