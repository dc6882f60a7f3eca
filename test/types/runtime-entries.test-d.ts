import { describe, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import type { OutboxService } from '../../src/core/outbox-service.ts';
import { defineCollection } from '../../src/core/docs/define-collection.ts';
import { precacheAppShell, registerOutboxSync, syncTagFor } from '../../sw/index.ts';
import { startOutboxWorker } from '../../worker/index.ts';

const prefs = defineCollection({ name: 'prefs', schema: z.strictObject({ theme: z.enum(['light', 'dark']) }) });

describe('startOutboxWorker', () => {
  test('takes collections as a list or a record, a server URL and optional database and policy', () => {
    expectTypeOf(startOutboxWorker({ collections: [prefs], serverUrl: '/' })).toEqualTypeOf<Promise<OutboxService>>();
    expectTypeOf(startOutboxWorker).toBeCallableWith({
      collections: { prefs },
      serverUrl: '/',
      dbName: 'u1',
      policy: { capMs: 1 },
    });
    // @ts-expect-error the server URL is required
    void startOutboxWorker({ collections: [prefs] });
    // @ts-expect-error policy fields are numbers
    void startOutboxWorker({ collections: [prefs], serverUrl: '/', policy: { capMs: '1s' } });
  });
});

describe('service worker helpers', () => {
  test('registerOutboxSync takes the same collections and server, and an optional tag', () => {
    expectTypeOf(registerOutboxSync({ collections: [prefs], serverUrl: '/', tag: 'app-sync' })).toEqualTypeOf<void>();
    // @ts-expect-error collections are required
    registerOutboxSync({ serverUrl: '/' });
  });

  test('precacheAppShell takes the injected manifest and a navigation fallback', () => {
    expectTypeOf(precacheAppShell).toBeCallableWith([{ url: '/index.html', revision: 'a' }], {
      navigationFallback: '/index.html',
    });
    expectTypeOf(syncTagFor('u1')).toEqualTypeOf<string>();
  });
});
