/**
 * `promise`, or a rejection with `onTimeout()` once `ms` have passed first (`ms` undefined: no
 * limit). What `promise` does after that is ignored; the work it stands for goes on.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> {
  if (ms === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
