import { describe, expect, it } from 'vitest';
import { nextPollDelayMs } from '../../../../shared/domain/backoff.js';

const MIN = 60_000;
const base = { baseIntervalMs: 15 * MIN, maxBackoffMs: 6 * 60 * MIN };

describe('nextPollDelayMs', () => {
  it('returns the base interval while healthy, whatever the random source', () => {
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 0, random: () => 0 })).toBe(15 * MIN);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 0, random: () => 0.99 })).toBe(15 * MIN);
  });

  it('doubles the step with each failure, jittered within [half, full) of the step', () => {
    // step after n failures = base × 2^n; random 0 → half the step, random → 1 → the full step
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 1, random: () => 0 })).toBe(15 * MIN);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 1, random: () => 0.5 })).toBe(22.5 * MIN);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 2, random: () => 0 })).toBe(30 * MIN);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 3, random: () => 0 })).toBe(60 * MIN);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 3, random: () => 1 - Number.EPSILON })).toBe(
      120 * MIN,
    );
  });

  it('never polls a failing feed sooner than a healthy one', () => {
    for (let failures = 1; failures <= 12; failures++) {
      expect(
        nextPollDelayMs({ ...base, consecutiveFailures: failures, random: () => 0 }),
      ).toBeGreaterThanOrEqual(base.baseIntervalMs);
    }
  });

  it('caps the backoff at maxBackoffMs, even for absurd failure counts', () => {
    expect(
      nextPollDelayMs({ ...base, consecutiveFailures: 10, random: () => 0.999_999 }),
    ).toBeLessThanOrEqual(base.maxBackoffMs);
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 10, random: () => 0 })).toBe(
      base.maxBackoffMs / 2,
    );
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 1e9, random: () => 0 })).toBe(
      base.maxBackoffMs / 2,
    );
  });

  it('raises the ceiling to the base interval when maxBackoffMs is lower', () => {
    const delay = nextPollDelayMs({
      baseIntervalMs: 10 * MIN,
      maxBackoffMs: MIN,
      consecutiveFailures: 4,
      random: () => 0,
    });
    expect(delay).toBe(5 * MIN);
  });

  it('honours Retry-After as a lower bound, clamped to the ceiling', () => {
    expect(
      nextPollDelayMs({ ...base, consecutiveFailures: 1, retryAfterMs: 2 * 60 * MIN, random: () => 0 }),
    ).toBe(120 * MIN);
    // a shorter Retry-After does not shorten the backoff
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 3, retryAfterMs: MIN, random: () => 0 })).toBe(
      60 * MIN,
    );
    // nor the healthy interval
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 0, retryAfterMs: MIN })).toBe(15 * MIN);
    // a hostile Retry-After of a year parks the feed at the ceiling, not for a year
    expect(
      nextPollDelayMs({
        ...base,
        consecutiveFailures: 1,
        retryAfterMs: 365 * 24 * 60 * MIN,
        random: () => 0,
      }),
    ).toBe(base.maxBackoffMs);
  });

  it('tolerates a random source outside [0, 1)', () => {
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 1, random: () => 5 })).toBeLessThanOrEqual(
      30 * MIN,
    );
    expect(nextPollDelayMs({ ...base, consecutiveFailures: 1, random: () => Number.NaN })).toBe(15 * MIN);
  });

  it('spreads delays with the default random source', () => {
    const delays = new Set(
      Array.from({ length: 20 }, () => nextPollDelayMs({ ...base, consecutiveFailures: 2 })),
    );
    expect(delays.size).toBeGreaterThan(1);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(30 * MIN);
      expect(d).toBeLessThanOrEqual(60 * MIN);
    }
  });

  it.each([
    { consecutiveFailures: -1 },
    { consecutiveFailures: Number.NaN },
    { baseIntervalMs: -5 },
    { maxBackoffMs: Number.POSITIVE_INFINITY },
    { retryAfterMs: -1 },
  ])('rejects invalid input %o', (override) => {
    expect(() => nextPollDelayMs({ ...base, consecutiveFailures: 1, ...override })).toThrow(RangeError);
  });
});
