import type { CollectionName, Outbox } from '../../src/client/outbox.ts';
import type { DocOf } from '../../src/core/docs/define-collection.ts';
import type { DemoCollections } from './collections.ts';

/** The demo's document types by collection name (types only: the page bundle holds no zod). */
export type DemoDocs = { [K in keyof DemoCollections]: DocOf<DemoCollections[K]> };

/** The typed page API the demo's views use, as `createOutbox<DemoDocs>()` returns it. */
export type DemoOutbox = Outbox<DemoDocs>;

/** Fired on `document` after an import or a clear, so every view reloads its documents. */
export const DATA_REPLACED_EVENT = 'demo:data-replaced';

/** The error code of a failed call, if it carries one (OutboxError codes survive the worker hop). */
export function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

/** A message fit for the page from any thrown value, with its stable code when it has one. */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = errorCode(e);
  return code === undefined ? message : `${message} (${code})`;
}

/** Reads every document of a collection, page by page (bounded: at most 1000 pages). */
export async function listAll(
  outbox: DemoOutbox,
  collection: CollectionName<DemoDocs>,
): Promise<{ key: string; value: unknown }[]> {
  const out: { key: string; value: unknown }[] = [];
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await outbox.list(collection, after === undefined ? { limit: 1000 } : { after, limit: 1000 });
    for (const item of res.items) out.push({ key: item.key, value: item.value });
    if (res.next === null) break;
    after = res.next;
  }
  return out;
}
