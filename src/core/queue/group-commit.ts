import { isOutboxError } from '../../errors.ts';

/** A job the group turned down on its own (its neighbours went ahead): its caller's promise rejects with `error`. */
export class JobFailed {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Runs one transaction for a whole group of jobs and returns one result per job, in order, or
 * {@link JobFailed} for a job it left out. It must be all-or-nothing: when it rejects, none of the
 * jobs took effect.
 */
export type CommitGroup<J, R> = (jobs: readonly J[]) => Promise<(R | JobFailed)[]>;

interface Waiting<J, R> {
  readonly job: J;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Errors that would fail each job alone just as they failed the group: no point retrying one by one. */
const GROUP_FATAL = ['quota-exceeded', 'database-closed', 'version-error', 'upgrade-blocked'] as const;

/**
 * Group commit: at most one transaction in flight; every job submitted while it runs (and every
 * job submitted in the same task) joins the next group, which starts as soon as the current one
 * ends. The first job of an idle queue starts at once (a microtask, no timer), so one put awaited
 * alone commits promptly, and a burst of concurrent puts costs a handful of transactions.
 *
 * Each `submit` resolves only after its group's transaction has completed. When a group fails,
 * its jobs are retried one per transaction so only the bad one rejects — except for errors that
 * would fail every job alike (quota exceeded, database closed), which reject the whole group.
 */
export class GroupCommit<J, R> {
  readonly #commit: CommitGroup<J, R>;
  #queue: Waiting<J, R>[] = [];
  #running: Promise<void> | undefined;

  constructor(commit: CommitGroup<J, R>) {
    this.#commit = commit;
  }

  /** Adds a job to the next group; resolves with its result once that group has committed. */
  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      if (this.#running === undefined) {
        const running = new Promise<void>((done) => queueMicrotask(() => this.#drain().then(done)));
        this.#running = running;
      }
    });
  }

  /** Resolves once every job submitted so far has settled. */
  async whenIdle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Commits groups until the queue is empty. Never rejects: every failure goes to its job's caller. */
  async #drain(): Promise<void> {
    // Bounded by the callers: each turn takes every job queued so far, so it only repeats while new jobs arrive.
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      await this.#commitGroup(group);
    }
    this.#running = undefined;
  }

  async #commitGroup(group: Waiting<J, R>[]): Promise<void> {
    try {
      const results = await this.#commit(group.map((w) => w.job));
      for (const [i, w] of group.entries()) {
        const result = results[i];
        if (result instanceof JobFailed) w.reject(result.error);
        else w.resolve(result as R);
      }
    } catch (error) {
      if (group.length === 1 || GROUP_FATAL.some((code) => isOutboxError(error, code))) {
        for (const w of group) w.reject(error);
        return;
      }
      for (const w of group) await this.#commitGroup([w]);
    }
  }
}
