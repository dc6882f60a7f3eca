import type { ConflictRecord } from '../../src/protocol/conflict-record.ts';
import type { DeadLetter } from '../../src/protocol/dead-letter.ts';
import { type ClientId, randomId, type WriteId } from '../../src/protocol/ids.ts';
import type { JsonValue } from '../../src/protocol/json-value.ts';
import type { PendingWrite } from '../../src/protocol/pending-write.ts';
import type { StoredDoc } from '../../src/protocol/stored-doc.ts';

/** A fixed client id for fixtures. */
export const FIXTURE_CLIENT_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00' as ClientId;

/** A stored document with sensible defaults. */
export function makeDoc(collection: string, key: string, value: JsonValue = { n: 1 }, extra: Partial<StoredDoc> = {}): StoredDoc {
  return { collection, key, value, version: null, schemaVersion: 1, updatedAt: 1_000, ...extra };
}

/** A pending write without its seq (what `addWrite` takes), with a fresh random id. */
export function makeWrite(
  collection: string,
  key: string,
  extra: Partial<Omit<PendingWrite, 'seq'>> = {},
): Omit<PendingWrite, 'seq'> {
  return {
    v: 1,
    id: randomId() as WriteId,
    clientId: FIXTURE_CLIENT_ID,
    collection,
    key,
    op: 'put',
    value: { n: 1 },
    baseVersion: null,
    createdAt: 1_000,
    size: 7,
    attempts: 0,
    leaseUntil: null,
    firstFailedAt: null,
    lastError: null,
    ...extra,
  };
}

/** A dead letter wrapping a write. */
export function makeDeadLetter(write: PendingWrite, deadAt: number): DeadLetter {
  return { v: 1, id: write.id, reason: 'rejected', code: 'push-rejected', message: 'rejected', deadAt, write };
}

/** A recorded conflict. */
export function makeConflict(id: string, at: number): ConflictRecord {
  return {
    v: 1,
    id,
    collection: 'prefs',
    key: 'k',
    policy: 'server-wins',
    decision: 'server-won',
    local: { n: 1 },
    remote: { n: 2 },
    remoteVersion: 3,
    result: { n: 2 },
    writeId: randomId(),
    at,
  };
}
