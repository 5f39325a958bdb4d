/** When to poll a feed next: its base interval while healthy, exponential backoff with jitter after failures. */

export interface PollDelayInput {
  /** Failed polls in a row; 0 means the last poll succeeded. */
  consecutiveFailures: number;
  /** The feed's normal polling interval. */
  baseIntervalMs: number;
  /** Ceiling for the backoff (raised to baseIntervalMs if lower, so backoff never polls faster than normal). */
  maxBackoffMs: number;
  /** Server's Retry-After, if any: a lower bound on the delay, itself clamped to the ceiling. */
  retryAfterMs?: number;
  /** Uniform [0, 1) source; injected for deterministic tests. Defaults to Math.random. */
  random?: () => number;
}

// 2^40 × any sane base interval is far past any ceiling; stops Infinity/NaN for absurd failure counts
const MAX_EXPONENT = 40;

/**
 * Milliseconds until the next poll. Healthy: exactly baseIntervalMs. After n failures:
 * min(ceiling, base × 2^n) scaled by a jitter factor in [0.5, 1) ("equal jitter": spreads retries of
 * many feeds that failed together while never backing off less than half the step). Retry-After raises
 * the result, never lowers it, but cannot push it past the ceiling (a hostile header must not park a
 * feed forever).
 */
export function nextPollDelayMs(input: PollDelayInput): number {
  const { consecutiveFailures, baseIntervalMs, maxBackoffMs, retryAfterMs } = input;
  assertNonNegative('consecutiveFailures', consecutiveFailures);
  assertNonNegative('baseIntervalMs', baseIntervalMs);
  assertNonNegative('maxBackoffMs', maxBackoffMs);
  if (retryAfterMs !== undefined) assertNonNegative('retryAfterMs', retryAfterMs);

  const ceiling = Math.max(maxBackoffMs, baseIntervalMs);
  let delay = baseIntervalMs;
  if (consecutiveFailures > 0) {
    const step = Math.min(
      ceiling,
      baseIntervalMs * 2 ** Math.min(Math.floor(consecutiveFailures), MAX_EXPONENT),
    );
    const r = clampUnit((input.random ?? Math.random)());
    delay = step * (0.5 + 0.5 * r);
  }
  if (retryAfterMs !== undefined) delay = Math.max(delay, Math.min(retryAfterMs, ceiling));
  return Math.round(delay);
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

function clampUnit(r: number): number {
  if (!Number.isFinite(r) || r < 0) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}
