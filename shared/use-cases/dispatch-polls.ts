/**
 * dispatchPolls: decide which configured feeds are due (from their stored states) and enqueue one poll
 * request per due feed. Also reports feed health counts for the stale/failing-feed alarms.
 */
import { type FeedHealth, feedHealth } from '../domain/feed-health.js';
import type { FeedConfig, FeedState } from '../domain/types.js';
import type { Clock, FeedStateStore } from '../ports/index.js';

/** One feed to poll; the body of a poll-queue message. */
export interface PollRequest {
  feedId: string;
  /** When the dispatcher decided the feed was due (ISO). */
  requestedAt: string;
}

/** Where poll requests go (SQS on AWS). */
export interface PollQueue {
  enqueue(requests: PollRequest[]): Promise<void>;
}

export interface DispatchDeps {
  feedStates: Pick<FeedStateStore, 'listFeedStates'>;
  queue: PollQueue;
  clock: Clock;
}

export interface DispatchOptions {
  /**
   * A feed due within this much of now counts as due, so a feed whose last poll ended a few seconds after
   * the previous tick is not pushed back a whole tick. Use about half the schedule rate.
   */
  slackMs: number;
  /** Passed to feedHealth. @default 7 days */
  staleAfterMs?: number;
}

export interface DispatchResult {
  dispatched: string[];
  notDue: number;
  health: Record<FeedHealth, number>;
}

/** True when the feed should be polled now: never polled, URL changed, or next due time reached. */
export function isDue(feed: FeedConfig, state: FeedState | undefined, now: Date, slackMs: number): boolean {
  if (!state || state.url !== feed.url || !state.nextDueAt) return true;
  const due = Date.parse(state.nextDueAt);
  return Number.isNaN(due) || due <= now.getTime() + slackMs;
}

/** Enqueues every due feed (one request each) and counts feed health; throws if the queue fails. */
export async function dispatchPolls(
  deps: DispatchDeps,
  feeds: readonly FeedConfig[],
  options: DispatchOptions,
): Promise<DispatchResult> {
  const now = deps.clock.now();
  const states = new Map((await deps.feedStates.listFeedStates()).map((s) => [s.feedId, s]));
  const health: Record<FeedHealth, number> = { ok: 0, failing: 0, stale: 0, 'never-polled': 0 };
  const due: PollRequest[] = [];
  for (const feed of feeds) {
    const state = states.get(feed.id);
    health[feedHealth(state ?? null, now, options.staleAfterMs)]++;
    if (isDue(feed, state, now, options.slackMs))
      due.push({ feedId: feed.id, requestedAt: now.toISOString() });
  }
  if (due.length > 0) await deps.queue.enqueue(due);
  return { dispatched: due.map((r) => r.feedId), notDue: feeds.length - due.length, health };
}
