import { describe, expect, test } from 'vitest';
import { dbForSyncTag, syncTagFor } from '../../../src/core/runtime/worker-rpc.ts';

describe('sync tags', () => {
  test('name the default database with the bare tag and any other with a suffix', () => {
    expect(syncTagFor('outbox')).toBe('outbox-sync');
    expect(syncTagFor('outbox-demo-u1')).toBe('outbox-sync:outbox-demo-u1');
    expect(syncTagFor('db', 'app-sync')).toBe('app-sync:db');
  });

  test('are read back into the database they name, and foreign tags are ignored', () => {
    expect(dbForSyncTag('outbox-sync')).toBe('outbox');
    expect(dbForSyncTag('outbox-sync:outbox-demo-u1')).toBe('outbox-demo-u1');
    expect(dbForSyncTag('outbox-sync:a:b')).toBe('a:b');
    expect(dbForSyncTag('outbox-sync:')).toBeUndefined();
    expect(dbForSyncTag('other-tag')).toBeUndefined();
    expect(dbForSyncTag('outbox-syncx')).toBeUndefined();
  });
});
