import { describe, expect, it } from 'vitest';
import type { FeedConfig, FeedState } from '../../../../shared/domain/types.js';
import { dispatchPolls, isDue, type PollRequest } from '../../../../shared/use-cases/dispatch-polls.js';
import { initialFeedState } from '../../../../shared/use-cases/ingest-feed.js';
import { ManualClock } from '../../../support/fakes.js';

const now = new Date('2026-11-29T10:00:00Z');
const feed = (id: string): FeedConfig => ({ id, url: `https://example.org/${id}.xml`, name: null, tags: [] });
const state = (f: FeedConfig, patch: Partial<FeedState>): FeedState => ({
  ...initialFeedState(f),
  lastPollAt: '2026-11-29T09:55:00Z',
  lastSuccessAt: '2026-11-29T09:55:00Z',
  lastNewItemAt: '2026-11-29T09:55:00Z',
  ...patch,
});

describe('isDue', () => {
  const f = feed('a');
  it.each([
    ['never polled', undefined, true],
    ['due in the past', state(f, { nextDueAt: '2026-11-29T09:59:00Z' }), true],
    ['due within the slack', state(f, { nextDueAt: '2026-11-29T10:02:00Z' }), true],
    ['due after the slack', state(f, { nextDueAt: '2026-11-29T10:04:00Z' }), false],
    [
      'URL changed since the last poll',
      state({ ...f, url: 'https://old.example.org/' }, { nextDueAt: '2026-11-29T11:00:00Z' }),
      true,
    ],
  ])('%s → %s', (_label, s, expected) => {
    expect(isDue(f, s, now, 150_000)).toBe(expected);
  });
});

describe('dispatchPolls', () => {
  it('enqueues only the due feeds, once each, and counts feed health', async () => {
    const feeds = [feed('new'), feed('due'), feed('later'), feed('failing'), feed('stale')];
    const states = [
      state(feeds[1] as FeedConfig, { nextDueAt: '2026-11-29T10:00:00Z' }),
      state(feeds[2] as FeedConfig, { nextDueAt: '2026-11-29T10:30:00Z' }),
      state(feeds[3] as FeedConfig, { nextDueAt: '2026-11-29T12:00:00Z', consecutiveFailures: 4 }),
      state(feeds[4] as FeedConfig, {
        nextDueAt: '2026-11-29T09:00:00Z',
        lastNewItemAt: '2026-11-01T00:00:00Z',
      }),
      // A state for a feed no longer configured is ignored.
      state(feed('removed'), { nextDueAt: '2026-11-29T09:00:00Z' }),
    ];
    const sent: PollRequest[][] = [];
    const result = await dispatchPolls(
      {
        feedStates: { listFeedStates: async () => states },
        queue: { enqueue: async (r) => void sent.push(r) },
        clock: new ManualClock(now),
      },
      feeds,
      { slackMs: 150_000 },
    );
    expect(result.dispatched).toEqual(['new', 'due', 'stale']);
    expect(sent).toEqual([
      ['new', 'due', 'stale'].map((feedId) => ({ feedId, requestedAt: '2026-11-29T10:00:00.000Z' })),
    ]);
    expect(result.notDue).toBe(2);
    expect(result.health).toEqual({ ok: 2, failing: 1, stale: 1, 'never-polled': 1 });
  });

  it('does not call the queue when nothing is due, and surfaces a queue failure', async () => {
    const f = feed('a');
    let calls = 0;
    const deps = {
      feedStates: { listFeedStates: async () => [state(f, { nextDueAt: '2026-11-29T11:00:00Z' })] },
      queue: {
        enqueue: async () => {
          calls++;
        },
      },
      clock: new ManualClock(now),
    };
    expect((await dispatchPolls(deps, [f], { slackMs: 0 })).dispatched).toEqual([]);
    expect(calls).toBe(0);
    const failing = { ...deps, queue: { enqueue: async () => Promise.reject(new Error('sqs down')) } };
    await expect(dispatchPolls(failing, [feed('b')], { slackMs: 0 })).rejects.toThrow('sqs down');
  });
});
