/** Feed health verdicts for `radar feeds` and the stale-feed alarm, and the feed's usual interval. Pure. */
import type { FeedState } from './types.js';

export type FeedHealth = 'ok' | 'failing' | 'stale' | 'never-polled';

/** Thresholds of the verdicts. */
export interface FeedHealthOptions {
  /** Consecutive failed polls that make a feed failing. @default 3 */
  failingAfter?: number;
  /** A feed is stale when silent longer than max(minStaleMs, staleFactor × typical interval). @default 5 */
  staleFactor?: number;
  /** Never call a feed stale sooner than this, however busy it usually is. @default 24 hours */
  minStaleMs?: number;
  /** Silence that makes a feed stale when its typical interval is unknown. @default 7 days */
  staleAfterMs?: number;
}

/** Everything `radar feeds` shows about one feed's health. */
export interface FeedHealthReport {
  /** One verdict; failing wins over stale because a failing feed is also silent. */
  health: FeedHealth;
  failing: boolean;
  stale: boolean;
  typicalIntervalMs: number | null;
  /** Time since the last new item (or the last success when none was ever new); null if never polled. */
  silentForMs: number | null;
  /** The silence after which this feed counts as stale. */
  staleAfterMs: number;
}

const DEFAULTS = { failingAfter: 3, staleFactor: 5, minStaleMs: 24 * 3600_000, staleAfterMs: 7 * 86400_000 };

/** Full health report: failing after consecutive failures, stale when silent much longer than usual. */
export function feedHealthReport(
  state: FeedState | null,
  now: Date,
  options: FeedHealthOptions = {},
): FeedHealthReport {
  const o = { ...DEFAULTS, ...stripUndefinedOptions(options) };
  const typical = state?.typicalIntervalMs ?? null;
  const staleAfterMs =
    typical !== null && typical > 0 ? Math.max(o.minStaleMs, o.staleFactor * typical) : o.staleAfterMs;
  if (!state?.lastPollAt) {
    return {
      health: 'never-polled',
      failing: false,
      stale: false,
      typicalIntervalMs: typical,
      silentForMs: null,
      staleAfterMs,
    };
  }
  const failing = state.consecutiveFailures >= o.failingAfter;
  const lastNew = state.lastNewItemAt ?? state.lastSuccessAt;
  const lastNewMs = lastNew ? Date.parse(lastNew) : Number.NaN;
  const silentForMs = Number.isNaN(lastNewMs) ? null : Math.max(0, now.getTime() - lastNewMs);
  // A feed that never succeeded has no silence to measure; failing says what is wrong with it.
  const stale = silentForMs !== null && silentForMs > staleAfterMs;
  const health: FeedHealth = failing ? 'failing' : stale ? 'stale' : 'ok';
  return { health, failing, stale, typicalIntervalMs: typical, silentForMs, staleAfterMs };
}

/**
 * A feed is failing after 3 consecutive errors, stale when silent longer than max(24 h, 5 × its typical
 * interval), or longer than `staleAfterMs` (default 7 days) while its typical interval is unknown.
 */
export function feedHealth(
  state: FeedState | null,
  now: Date,
  options: number | FeedHealthOptions = {},
): FeedHealth {
  const o = typeof options === 'number' ? { staleAfterMs: options } : options;
  return feedHealthReport(state, now, o).health;
}

/** Median of the positive gaps between distinct times (ISO strings); null with fewer than two gaps. */
export function medianGapMs(times: ReadonlyArray<string | null>): number | null {
  const ms = [
    ...new Set(times.map((t) => (t ? Date.parse(t) : Number.NaN)).filter((t) => Number.isFinite(t))),
  ].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < ms.length; i++) gaps.push((ms[i] as number) - (ms[i - 1] as number));
  if (gaps.length < 2) return null;
  gaps.sort((a, b) => a - b);
  const mid = Math.floor(gaps.length / 2);
  return gaps.length % 2 === 1
    ? (gaps[mid] as number)
    : Math.round(((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2);
}

/** How many new-item poll times the state keeps for the fallback interval. */
export const NEW_ITEM_ARRIVALS_KEPT = 8;

/**
 * The feed's typical interval after a successful fetch: the median gap between the items' published
 * times when at least three are dated, else between the polls that brought new items, else the old value.
 */
export function typicalIntervalMs(input: {
  published: ReadonlyArray<string | null>;
  arrivals: readonly string[];
  previous: number | null;
}): number | null {
  return medianGapMs(input.published) ?? medianGapMs(input.arrivals) ?? input.previous;
}

function stripUndefinedOptions(options: FeedHealthOptions): Partial<typeof DEFAULTS> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
