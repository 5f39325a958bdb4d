/** Feed health verdicts for `radar feeds` and the stale-feed alarm. Pure. */
import type { FeedState } from './types.js';

export type FeedHealth = 'ok' | 'failing' | 'stale' | 'never-polled';

/** A feed is failing after 3 consecutive errors, stale when no new item for 7 days while polls succeed. */
export function feedHealth(state: FeedState | null, now: Date, staleAfterMs = 7 * 86400_000): FeedHealth {
  if (!state || !state.lastPollAt) return 'never-polled';
  if (state.consecutiveFailures >= 3) return 'failing';
  const lastNew = state.lastNewItemAt ?? state.lastSuccessAt;
  if (lastNew && now.getTime() - Date.parse(lastNew) > staleAfterMs) return 'stale';
  return 'ok';
}
