import { applyPullPage, readPullCursor } from '../queue/apply-pull-page.ts';
import type { PassDeps, PassEnd } from './pass-deps.ts';

/** Most pages one pass reads before yielding to the loop (which starts another pass). */
const MAX_PAGES_PER_PASS = 1_000;

/**
 * Pages through the server's changes since the stored cursor; each page is applied with its
 * cursor in one transaction, so a pass cut short resumes where it stopped.
 */
export async function pullPass(d: PassDeps): Promise<PassEnd> {
  d.event({ type: 'phase', at: d.now(), phase: 'pulling' });
  let cursor = await readPullCursor(d.storage);
  for (let i = 0; i < MAX_PAGES_PER_PASS; i++) {
    if (d.shouldStop()) return { kind: 'stopped' };
    const from = cursor;
    const outcome = await d.send(() => d.transport.pull(from, d.policy.pullLimit));
    if (outcome.kind === 'auth') return { kind: 'auth', error: outcome.error };
    if (outcome.kind !== 'ok') {
      const retryAfterMs = outcome.kind === 'transient' ? outcome.retryAfterMs : undefined;
      return { kind: 'failed', error: outcome.error, retryAfterMs, network: outcome.kind === 'transient' && outcome.network };
    }
    const changes = await applyPullPage(d.storage, outcome.body, d.context());
    if (changes.length > 0) d.emitChanges(changes);
    cursor = outcome.body.cursor;
    if (!outcome.body.hasMore) {
      d.event({ type: 'pull-succeeded', at: d.now() });
      return { kind: 'done', exchanged: true, more: false };
    }
  }
  return { kind: 'done', exchanged: true, more: true };
}
