import { describe, expect, test } from 'vitest';
import { mapStorageError } from '../../../src/core/storage/map-storage-error.ts';
import { OutboxError } from '../../../src/errors.ts';

const context = { name: 'db', operation: 'transact' };

describe('mapStorageError', () => {
  test.each([
    ['QuotaExceededError', 'quota-exceeded'],
    ['VersionError', 'version-error'],
    ['InvalidStateError', 'database-closed'],
    ['BlockedError', 'upgrade-blocked'],
    ['ConstraintError', 'storage-failed'],
    ['AbortError', 'storage-failed'],
  ])('maps a DOMException named %s to %s and keeps it as cause', (name, code) => {
    const platform = new DOMException('platform says no', name);
    const mapped = mapStorageError(platform, context);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(platform);
  });

  test('maps anything else to storage-failed with the reason in details', () => {
    const mapped = mapStorageError(new TypeError('not cloneable'), context);
    expect(mapped.code).toBe('storage-failed');
    expect(mapped.details).toMatchObject({ name: 'db', operation: 'transact', reason: 'TypeError: not cloneable' });
  });

  test('passes an OutboxError through unchanged', () => {
    const original = new OutboxError('pending-writes', { collection: 'c', count: 2 });
    expect(mapStorageError(original, context)).toBe(original);
  });
});
