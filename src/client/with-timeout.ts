/**
 * `promise`, or a rejection with `onTimeout()` once `ms` have passed first (`ms` undefined: no
 * limit). What `promise` does after that is ignored; the work it stands for goes on.
 */
export const withTimeout = <T>(promise: Promise<T>, ms: number | undefined, onTimeout: () => Error): Promise<T> =>
  ms === undefined
    ? promise
    : Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(onTimeout()), ms))]);
