import { applyPullPage, readPullCursor } from '../queue/apply-pull-page.ts';
import { readPullResync, seenKey, sweepAbsentDocs, writePullResync } from '../queue/sweep-absent-docs.ts';
import type { PassDeps, PassEnd } from './pass-deps.ts';

/** Most pages one pass reads before yielding to the loop (which starts another pass). */
const MAX_PAGES_PER_PASS = 1_000;

/**
 * Pages through the server's changes since the stored cursor; each page is applied with its
 * cursor in one transaction, so a pass cut short resumes where it stopped.
 *
 * A `cursor-expired` answer (the server pruned deletions newer than the cursor) starts a full
 * re-pull: from the beginning, noting every document the server returns, then removing the local
 * documents it no longer has ({@link sweepAbsentDocs}). A re-pull cut short starts over next pass.
 */
export async function pullPass(d: PassDeps): Promise<PassEnd> {
  d.event({ type: 'phase', at: d.now(), phase: 'pulling' });
  let resync = await readPullResync(d.storage);
  let cursor = resync ? undefined : await readPullCursor(d.storage);
  const seen = new Set<string>();
  for (let i = 0; i < MAX_PAGES_PER_PASS; i++) {
    if (d.shouldStop()) return { kind: 'stopped' };
    const from = cursor;
    const full = resync;
    const outcome = await d.send(() => d.transport.pull(from, d.policy.pullLimit, full));
    if (outcome.kind === 'auth') return { kind: 'auth', error: outcome.error };
    if (outcome.kind === 'permanent' && outcome.error.code === 'cursor-expired' && !resync) {
      await writePullResync(d.storage, true);
      resync = true;
      cursor = undefined;
      seen.clear();
      continue;
    }
    if (outcome.kind !== 'ok') {
      const retryAfterMs = outcome.kind === 'transient' ? outcome.retryAfterMs : undefined;
      return { kind: 'failed', error: outcome.error, retryAfterMs, network: outcome.kind === 'transient' && outcome.network };
    }
    if (resync) for (const c of outcome.body.changes) if (c.op === 'put') seen.add(seenKey(c.collection, c.key));
    const changes = await applyPullPage(d.storage, outcome.body, d.context());
    if (changes.length > 0) d.emitChanges(changes);
    cursor = outcome.body.cursor;
    if (!outcome.body.hasMore) {
      if (resync) await finishResync(d, seen);
      d.event({ type: 'pull-succeeded', at: d.now() });
      return { kind: 'done', exchanged: true, more: false };
    }
  }
  return { kind: 'done', exchanged: true, more: true };
}

async function finishResync(d: PassDeps, seen: ReadonlySet<string>): Promise<void> {
  const removed = await sweepAbsentDocs(d.storage, seen, d.context());
  if (removed.length > 0) d.emitChanges(removed);
  await writePullResync(d.storage, false);
}
