/**
 * Wraps `task` so at most one run is in flight. A call while it runs does not start another at
 * once: every call made during a run shares ONE follow-up run, started when the current one ends,
 * so a burst of commits costs two recounts, not one per commit. Each call resolves after a run
 * that started after the call, so it sees every change made before it.
 *
 * @example
 * const refresh = coalesced(async () => publish(await readCounts(storage)));
 * void refresh(); void refresh(); await refresh(); // two runs of the task
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run = task().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (running === undefined) return start();
    if (next === undefined) {
      next = running
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          return start();
        });
    }
    return next;
  };
}
