import { describe, expect, test } from 'vitest';
import { GroupCommit } from '../../../src/core/queue/group-commit.ts';
import { OutboxError } from '../../../src/errors.ts';

/** A commit function that records each group and fails any group `fail` returns an error for. */
function recorder(fail: (jobs: readonly string[]) => unknown = () => undefined) {
  const groups: string[][] = [];
  const commit = async (jobs: readonly string[]) => {
    groups.push([...jobs]);
    await Promise.resolve();
    const error = fail(jobs);
    if (error !== undefined) throw error;
    return jobs.map((j) => `done:${j}`);
  };
  return { groups, commit };
}

describe('GroupCommit', () => {
  test('starts the first job of an idle queue without a timer', async () => {
    const { groups, commit } = recorder();
    const group = new GroupCommit(commit);
    const result = group.submit('a');
    await Promise.resolve();
    expect(groups).toEqual([['a']]);
    expect(await result).toBe('done:a');
  });

  test('puts every job submitted in the same task into one group', async () => {
    const { groups, commit } = recorder();
    const group = new GroupCommit(commit);
    const results = await Promise.all(['a', 'b', 'c'].map((j) => group.submit(j)));
    expect(results).toEqual(['done:a', 'done:b', 'done:c']);
    expect(groups).toEqual([['a', 'b', 'c']]);
  });

  test('jobs arriving while a group commits join the next group, in order', async () => {
    let release: () => void = () => {};
    const groups: string[][] = [];
    const group = new GroupCommit(async (jobs: readonly string[]) => {
      groups.push([...jobs]);
      if (groups.length === 1) await new Promise<void>((r) => (release = r));
      return jobs.map((j) => j.toUpperCase());
    });
    const first = group.submit('a');
    await Promise.resolve();
    const later = [group.submit('b'), group.submit('c')];
    await Promise.resolve();
    expect(groups).toEqual([['a']]);
    release();
    expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C']);
    expect(groups).toEqual([['a'], ['b', 'c']]);
  });

  test('resolves no caller before its group has committed', async () => {
    const events: string[] = [];
    const group = new GroupCommit(async (jobs: readonly string[]) => {
      await Promise.resolve();
      events.push('committed');
      return [...jobs];
    });
    await Promise.all(['a', 'b'].map((j) => group.submit(j).then(() => events.push(`resolved:${j}`))));
    expect(events).toEqual(['committed', 'resolved:a', 'resolved:b']);
  });

  test('retries a failed group one job per commit so only the bad job rejects', async () => {
    const { groups, commit } = recorder((jobs) => (jobs.includes('bad') ? new OutboxError('storage-failed', {}) : undefined));
    const group = new GroupCommit(commit);
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((j) => group.submit(j)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  test('rejects the whole group at once on quota-exceeded, without retrying', async () => {
    const { groups, commit } = recorder(() => new OutboxError('quota-exceeded', {}));
    const group = new GroupCommit(commit);
    const settled = await Promise.allSettled(['a', 'b'].map((j) => group.submit(j)));
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as OutboxError).code)).toEqual([
      'quota-exceeded',
      'quota-exceeded',
    ]);
    expect(groups).toEqual([['a', 'b']]);
  });

  test('whenIdle resolves after every submitted job has settled', async () => {
    const { commit } = recorder();
    const group = new GroupCommit(commit);
    let settled = 0;
    for (const j of ['a', 'b']) void group.submit(j).then(() => settled++);
    await group.whenIdle();
    expect(settled).toBe(2);
  });
});
