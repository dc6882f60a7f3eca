import type { WriteId } from '../../protocol/ids.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';

/** Meta key of the ids of the latest acknowledged writes, oldest first. */
export const ACKED_IDS_META_KEY = 'acked-ids';
/** How many acknowledged write ids are kept: a replayed journal entry older than that many acks is no longer recognised. */
export const ACKED_IDS_KEPT = 2048;

/**
 * Remembers writes that left the outbox acknowledged, in the transaction that removes them, so a
 * journal replay of one of them (its page went away before it heard of the commit) is skipped
 * rather than applied a second time. Keeps the latest {@link ACKED_IDS_KEPT}.
 */
export async function rememberAckedIds(tx: StorageTx, ids: readonly WriteId[]): Promise<void> {
  if (ids.length === 0) return;
  const kept = await readAckedIds(tx);
  const next = kept.concat(ids);
  await tx.putMeta(ACKED_IDS_META_KEY, next.length > ACKED_IDS_KEPT ? next.slice(next.length - ACKED_IDS_KEPT) : next);
}

/** The remembered acknowledged ids, oldest first (a stored value of another shape is quarantined and reads as none). */
export async function readAckedIds(tx: StorageTx): Promise<string[]> {
  return (await tx.getMeta(ACKED_IDS_META_KEY, isIdList)) ?? [];
}

const isIdList = (value: unknown): value is string[] => Array.isArray(value) && value.every((id) => typeof id === 'string');
