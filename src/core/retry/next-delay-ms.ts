/** Default first backoff ceiling, in milliseconds. */
export const DEFAULT_BASE_DELAY_MS = 1_000;
/** Default largest backoff ceiling, in milliseconds (5 minutes). */
export const DEFAULT_MAX_DELAY_MS = 300_000;

/** Bounds of exponential backoff, in milliseconds. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry), with full jitter:
 * a uniform draw in `[0, min(capMs, baseMs * 2^attempt))`.
 *
 * Full jitter spreads many clients that failed together (a server restart) over the
 * whole window instead of bunching them at the same instants.
 *
 * @param random - returns a number in [0, 1), like `Math.random`.
 */
export function nextDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.min(Math.floor(attempt), 52));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}
