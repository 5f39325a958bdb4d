import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createDispatchHandler } from '../../../../functions/dispatch-polls/create-handler.js';
import { EmfMetrics } from '../../../../functions/lib/observability.js';
import type { PollRequest } from '../../../../shared/use-cases/dispatch-polls.js';
import { ManualClock } from '../../../support/fakes.js';
import { InMemoryStore } from '../../../support/in-memory-store.js';
import { schedulerEvent } from '../../../support/lambda-events.js';

function setup() {
  const sent: PollRequest[] = [];
  const lines: string[] = [];
  const handler = createDispatchHandler({
    feeds: [{ id: 'a', url: 'https://example.org/a', name: null, tags: [] }],
    feedStates: new InMemoryStore(),
    queue: { enqueue: async (r) => void sent.push(...r) },
    clock: new ManualClock(),
    slackMs: 0,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new EmfMetrics('T', 's', (l) => lines.push(l)),
  });
  return { sent, lines, handler };
}

describe('dispatch-polls handler', () => {
  it('enqueues due feeds on a Scheduler tick and emits the feed-health gauges', async () => {
    const { sent, lines, handler } = setup();
    expect(await handler(schedulerEvent())).toMatchObject({ dispatched: 1, notDue: 0 });
    expect(sent.map((r) => r.feedId)).toEqual(['a']);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      feedsDispatched: 1,
      staleFeeds: 0,
      failingFeeds: 0,
    });
  });

  it('rejects an event that is not the stack schedule payload, naming the field, before touching the queue', async () => {
    const { sent, handler } = setup();
    await expect(handler({ source: 'sanctions-radar.scheduler', scheduledTime: '' })).rejects.toThrow(
      /^scheduler event: scheduledTime: /,
    );
    expect(sent).toEqual([]);
  });
});
