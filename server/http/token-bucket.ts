/** Per-user request budget: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  readonly burst: number;
  readonly perSecond: number;
}

/** Defaults: generous for a sync client (it pushes and pulls a few times a second at most). */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 60, perSecond: 20 };

/** Buckets kept before idle (full) ones are dropped, so memory stays bounded. */
const MAX_TRACKED = 10_000;

/**
 * A token bucket per key. `take(key)` returns 0 when the request may go on, else the
 * whole seconds to wait (the `Retry-After` value, at least 1).
 */
export function createTokenBucket(limit: RateLimit, now: () => number = Date.now): { take(key: string): number } {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
  };
  const prune = (t: number) => {
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= limit.burst) buckets.delete(key);
    }
  };
  return {
    take(key) {
      const t = now();
      if (!buckets.has(key) && buckets.size >= MAX_TRACKED) prune(t);
      const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
      buckets.set(key, b);
      refill(b, t);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
    },
  };
}
