import { describe, expect, test } from 'vitest';
import { measurePageBundle, PAGE_BUNDLE_BUDGET_BYTES } from '../../scripts/page-bundle.mjs';

describe('the page bundle (src/index.ts, minified)', () => {
  test('holds the client and Comlink only: no zod, no idb, no core, no full error table', async () => {
    const rows = await measurePageBundle();
    const entry = rows.find((r) => r.entry);
    expect(entry).toBeDefined();
    const modules = rows.flatMap((r) => r.modules);
    expect(modules.filter((id) => /node_modules\/(zod|idb)\//.test(id))).toEqual([]);
    expect(modules.filter((id) => id.startsWith('src/core/') && !id.startsWith('src/core/runtime/worker-rpc'))).toEqual([]);
    expect(modules).not.toContain('src/error-messages.ts');
    expect(modules).toContain('src/client-error-messages.ts');
  });

  test('stays within its budget of 6 KB min+gzip', async () => {
    const entry = (await measurePageBundle()).find((r) => r.entry);
    expect(entry?.gzip).toBeLessThanOrEqual(PAGE_BUNDLE_BUDGET_BYTES);
  });
});

describe('OutboxError in the page', () => {
  test("gives the client's own codes their full text", async () => {
    const { OutboxError } = await import('../../src/outbox-error.ts');
    const e = new OutboxError('call-timeout', { method: 'put', ms: 10 });
    expect(e.message).toContain("'put'");
    expect(e.message).toContain('10 ms');
  });
});
