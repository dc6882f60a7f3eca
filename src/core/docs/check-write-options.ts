import { OutboxError } from '../../errors.ts';
import { RANDOM_ID_PATTERN } from '../../protocol/ids.ts';
import type { WriteOptions } from '../../protocol/outbox-api.ts';

/**
 * Checks the options of a put/delete that crossed from the page and throws `invalid-write-id`
 * unless the id is 32 lowercase hex digits and a replay's `createdAt` a finite epoch-ms time.
 */
export function checkWriteOptions(options: WriteOptions): WriteOptions {
  const { id, replay } = options;
  let issue: string | undefined;
  if (id !== undefined && (typeof id !== 'string' || !RANDOM_ID_PATTERN.test(id))) issue = 'it is not 32 lowercase hex digits';
  else if (replay !== undefined && !Number.isFinite(replay?.createdAt)) issue = 'replay.createdAt is not an epoch-ms time';
  if (issue !== undefined) throw new OutboxError('invalid-write-id', { id: String(id).slice(0, 40), issue });
  return { id, replay };
}
