import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newSession, openApp, setAuth, until } from './support/app-page.ts';
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

/** What `JSON.parse` builds from this text holds `__proto__` as own keys, at the top and deeper down. */
const TEXT = '{"__proto__":{"a":1},"constructor":"c","b":[{"__proto__":{"toString":2}}],"s":"\\ud800 😀 \\u0000"}';

describe('document values through the whole layer', () => {
  test('a value with __proto__ keys crosses page → worker → IndexedDB → server → another device unchanged', async () => {
    const { token } = await newSession(env);
    const a = await openApp(context, env, 'values-a', { sw: false });
    await setAuth(a, token);
    const local = await a.evaluate(async (text) => {
      const { outbox } = window.app;
      await outbox.put('values', 'p', JSON.parse(text));
      const doc = await outbox.get('values', 'p');
      await outbox.flush();
      return JSON.stringify(doc?.value);
    }, TEXT);
    expect(local).toBe(TEXT);

    const res = await fetch(`${env.server.url}/v1/pull?cursor=0`, { headers: { authorization: `Bearer ${token}` } });
    const pulled = (await res.json()) as { changes: { key: string; value: unknown }[] };
    expect(JSON.stringify(pulled.changes.find((c) => c.key === 'p')?.value)).toBe(TEXT);

    const b = await openApp(context, env, 'values-b', { sw: false });
    await setAuth(b, token);
    // Stringified in the page: Playwright's own transfer of a returned object would drop `__proto__` keys.
    const remote = await until(
      () =>
        b.evaluate(async () => {
          const doc = await window.app.outbox.get('values', 'p');
          return doc === undefined ? undefined : JSON.stringify(doc.value);
        }),
      'the value pulled on the second device',
    );
    expect(remote).toBe(TEXT);
  });

  test('put() in the page refuses a value nested too deep with a code; earlier writes stay', async () => {
    // Up to depths the browser can clone, the worker refuses it (value-too-deep); far deeper (100,000) the browser's
    // copy to the worker throws a RangeError, which the page answers invalid-value.
    const page = await openApp(context, env, 'values-deep', { sw: false });
    const out = await page.evaluate(async () => {
      const { outbox } = window.app;
      await outbox.put('values', 'kept', { n: 1 });
      const codes: (string | undefined)[] = [];
      for (const depth of [101, 1_000, 100_000]) {
        let deep: unknown = 1;
        for (let i = 0; i < depth; i++) deep = [deep];
        codes.push(
          await outbox.put('values', 'deep', deep as never).then(
            () => 'resolved',
            (e: unknown) => (e as { code?: string }).code,
          ),
        );
      }
      return { codes, kept: await outbox.get('values', 'kept'), deep: await outbox.get('values', 'deep') };
    });
    expect(out.codes).toEqual(['value-too-deep', 'value-too-deep', 'invalid-value']);
    expect(out.kept?.value).toEqual({ n: 1 });
    expect(out.deep).toBeUndefined();
  });
});
