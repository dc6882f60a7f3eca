import { describe, expect, test } from 'vitest';
import { errorMessages, isErrorCode } from '../src/error-messages.ts';
import { isOutboxError, OutboxError } from '../src/errors.ts';

describe('OutboxError', () => {
  test('carries its code, details and cause', () => {
    const cause = new Error('boom');
    const e = new OutboxError('too-large', { collection: 'notes', key: 'a', bytes: 10, limit: 5 }, { cause });
    expect(e.code).toBe('too-large');
    expect(e.details).toEqual({ collection: 'notes', key: 'a', bytes: 10, limit: 5 });
    expect(e.cause).toBe(cause);
    expect(isOutboxError(e, 'too-large')).toBe(true);
    expect(isOutboxError(e, 'invalid-key')).toBe(false);
  });

  test('builds its message from the table, naming the subject', () => {
    const e = new OutboxError('unknown-collection', { collection: 'nope' });
    expect(e.message).toContain("'nope'");
  });

  test('serialises to plain data', () => {
    expect(new OutboxError('malformed-json').toJSON()).toEqual({
      code: 'malformed-json',
      message: errorMessages['malformed-json'](),
    });
  });
});

describe('errorMessages', () => {
  test('every code is kebab-case and every text tells what to do', () => {
    for (const [code, text] of Object.entries(errorMessages)) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(isErrorCode(code)).toBe(true);
      expect(text({}).length).toBeGreaterThan(20);
    }
    expect(isErrorCode('no-such-code')).toBe(false);
  });
});
