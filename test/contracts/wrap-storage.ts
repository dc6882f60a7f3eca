import type { OutboxStorage, StorageTx } from '../../src/core/storage/outbox-storage.ts';

export interface StorageHooks {
  /** Called as each transaction starts. */
  onTransact?: ((mode: 'readonly' | 'readwrite') => void) | undefined;
  /** Replaces the transaction handed to the function (e.g. with one that throws after some calls). */
  wrapTx?: ((tx: StorageTx, mode: 'readonly' | 'readwrite') => StorageTx) | undefined;
}

/** An OutboxStorage that delegates to `inner` and lets a test observe or sabotage transactions. */
export function wrapStorage(inner: OutboxStorage, hooks: StorageHooks): OutboxStorage {
  return {
    name: inner.name,
    transact(mode, fn) {
      hooks.onTransact?.(mode);
      return inner.transact(mode, (tx) => fn(hooks.wrapTx === undefined ? tx : hooks.wrapTx(tx, mode)));
    },
    close: () => inner.close(),
  };
}

/** A StorageTx whose listed methods are replaced; every other method goes to `tx`. */
export function overrideTx(tx: StorageTx, overrides: Partial<StorageTx>): StorageTx {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof StorageTx];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
