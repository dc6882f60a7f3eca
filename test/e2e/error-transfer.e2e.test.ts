import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openApp } from './support/app-page.ts';
import { launchBrowser } from './support/browser.ts';
import { type E2eEnv, startE2eEnv } from './support/e2e-env.ts';

let env: E2eEnv;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  env = await startE2eEnv();
  browser = await launchBrowser();
  context = await browser.newContext();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await env?.stop();
});

describe('error transfer (issue 5 item 7)', () => {
  test('an OutboxError thrown in the worker arrives in the page as an OutboxError with its code and details', async () => {
    const page = await openApp(context, env, 'errors', { sw: false });
    const caught = await page.evaluate(async () => {
      const { outbox, OutboxError } = window.app;
      const describe = (e: unknown) => ({
        isOutboxError: e instanceof OutboxError,
        code: (e as InstanceType<typeof OutboxError>).code,
        details: (e as InstanceType<typeof OutboxError>).details,
        hasMessage: typeof (e as Error).message === 'string' && (e as Error).message.length > 0,
      });
      const results = [];
      // A value the collection's schema (zod, in the worker) refuses.
      results.push(await outbox.put('notes', 'n1', { text: 42 as unknown as string }).then(() => null, describe));
      // A collection the worker does not know.
      results.push(await outbox.put('nope' as 'notes', 'n1', { text: 'x' }).then(() => null, describe));
      // An operation on a dead letter that does not exist.
      results.push(await outbox.discardDeadLetter('0'.repeat(32) as never).then(() => null, describe));
      return results;
    });
    expect(caught[0]).toMatchObject({ isOutboxError: true, code: 'invalid-value', hasMessage: true });
    expect(caught[0]?.details).toMatchObject({ collection: 'notes', key: 'n1', path: ['text'] });
    expect(caught[1]).toMatchObject({ isOutboxError: true, code: 'unknown-collection', details: { collection: 'nope' } });
    expect(caught[2]).toMatchObject({ isOutboxError: true, code: 'not-found', details: { kind: 'dead letter' } });
  });

  test('a refused write loses nothing already queued', async () => {
    const page = await openApp(context, env, 'errors-queue', { sw: false });
    const after = await page.evaluate(async () => {
      const { outbox } = window.app;
      await outbox.put('notes', 'kept', { text: 'queued' });
      await outbox.put('notes', 'bad', { text: null as unknown as string }).catch(() => undefined);
      return {
        kept: await outbox.get('notes', 'kept'),
        bad: await outbox.get('notes', 'bad'),
        pending: await outbox.listPending(),
      };
    });
    expect(after.kept?.value).toEqual({ text: 'queued' });
    expect(after.bad).toBeUndefined();
    expect(after.pending.map((w) => w.key)).toEqual(['kept']);
  });
});
