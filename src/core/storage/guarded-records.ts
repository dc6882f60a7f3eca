import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import { metaEntry, type Quarantine } from './quarantine.ts';
import { conflictProblem, deadLetterProblem } from './record-guards.ts';

/** The requests made of one store of one transaction (structural, so this file needs no `idb`). */
export interface RecordStore {
  get(key: string): Promise<unknown>;
  getAll(): Promise<unknown[]>;
  getAllKeys(): Promise<IDBValidKey[]>;
  delete(key: string): Promise<unknown>;
}

/**
 * Reads of the dead-letter, conflict and meta stores of one IndexedDB transaction, each record
 * checked as it is read: one of the wrong shape reads as absent and goes to the quarantine.
 * Lists read the whole store, not its `by-deadAt` / `by-at` index (which would leave out a record
 * without a number there), and sort as the index does: by that number, then by key.
 */
export class GuardedRecords {
  readonly #deadLetters: RecordStore;
  readonly #conflicts: RecordStore;
  readonly #meta: RecordStore;
  readonly #quarantine: Quarantine;

  constructor(stores: { deadLetters: RecordStore; conflicts: RecordStore; meta: RecordStore }, quarantine: Quarantine) {
    this.#deadLetters = stores.deadLetters;
    this.#conflicts = stores.conflicts;
    this.#meta = stores.meta;
    this.#quarantine = quarantine;
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    const raw = await this.#deadLetters.get(id);
    return raw === undefined ? undefined : this.#letter(id, raw);
  }

  async listDeadLetters(): Promise<DeadLetter[]> {
    const [records, keys] = await Promise.all([this.#deadLetters.getAll(), this.#deadLetters.getAllKeys()]);
    const letters = records.flatMap((raw, i) => this.#letter(keys[i] as string, raw) ?? []);
    return letters.sort((a, b) => a.deadAt - b.deadAt || compareKeys(a.id, b.id));
  }

  async listConflicts(): Promise<ConflictRecord[]> {
    const [records, keys] = await Promise.all([this.#conflicts.getAll(), this.#conflicts.getAllKeys()]);
    const conflicts = records.flatMap((raw, i) => this.#conflict(keys[i] as string, raw) ?? []);
    return conflicts.sort((a, b) => a.at - b.at || compareKeys(a.id, b.id));
  }

  async getMeta<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined> {
    const raw = await this.#meta.get(key);
    if (raw === undefined || isValid === undefined || isValid(raw)) return raw as T | undefined;
    this.#quarantine.report({ ...metaEntry(key, raw), reread: (tx) => tx.getMeta(key, isValid) });
    this.#quarantine.repair(() => this.#meta.delete(key));
    return undefined;
  }

  #letter(key: string, raw: unknown): DeadLetter | undefined {
    const problem = deadLetterProblem(raw);
    if (problem === undefined) return raw as DeadLetter;
    this.#quarantine.report({
      code: 'record-quarantined',
      store: 'deadLetters',
      key,
      reason: `dead letter: ${problem}`,
      raw,
      reread: (tx) => tx.getDeadLetter(key),
    });
    this.#quarantine.repair(() => this.#deadLetters.delete(key));
    return undefined;
  }

  #conflict(key: string, raw: unknown): ConflictRecord | undefined {
    const problem = conflictProblem(raw);
    if (problem === undefined) return raw as ConflictRecord;
    this.#quarantine.report({
      code: 'record-quarantined',
      store: 'conflicts',
      key,
      reason: `conflict: ${problem}`,
      raw,
      reread: (tx) => tx.listConflicts(),
    });
    this.#quarantine.repair(() => this.#conflicts.delete(key));
    return undefined;
  }
}

/** IndexedDB's order of two string keys (by UTF-16 code units, as `<` compares). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
