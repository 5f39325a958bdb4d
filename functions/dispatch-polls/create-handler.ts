/** dispatch-polls: on each Scheduler tick, enqueue one poll request per due feed. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { SCHEDULE_EVENT_SOURCE } from '../../shared/config/env.js';
import type { FeedHealth } from '../../shared/domain/feed-health.js';
import type { FeedConfig } from '../../shared/domain/types.js';
import { type DispatchDeps, dispatchPolls } from '../../shared/use-cases/dispatch-polls.js';
import type { EmfMetrics } from '../lib/observability.js';
import { parseEvent } from '../lib/parse-event.js';

/** The payload the stack's schedule sends (its `input`, with Scheduler context attributes filled in). */
export const schedulerEventSchema = z.object({
  source: z.literal(SCHEDULE_EVENT_SOURCE),
  scheduledTime: z.string().min(1),
  executionId: z.string().min(1),
});

export interface DispatchHandlerDeps extends DispatchDeps {
  feeds: readonly FeedConfig[];
  /** See DispatchOptions.slackMs. */
  slackMs: number;
  logger: Logger;
  metrics: EmfMetrics;
}

export interface DispatchSummary {
  dispatched: number;
  notDue: number;
  health: Record<FeedHealth, number>;
}

/** Builds the Lambda handler around its dependencies. */
export function createDispatchHandler(
  deps: DispatchHandlerDeps,
): (event: unknown) => Promise<DispatchSummary> {
  return async (event) => {
    const tick = parseEvent(schedulerEventSchema, event, 'scheduler event');
    try {
      const result = await dispatchPolls(deps, deps.feeds, { slackMs: deps.slackMs });
      deps.metrics.add('feedsDispatched', result.dispatched.length);
      deps.metrics.add('staleFeeds', result.health.stale);
      deps.metrics.add('failingFeeds', result.health.failing);
      deps.logger.info('dispatched polls', {
        scheduledTime: tick.scheduledTime,
        ...result,
        dispatched: result.dispatched.length,
      });
      return { dispatched: result.dispatched.length, notDue: result.notDue, health: result.health };
    } finally {
      deps.metrics.flush();
    }
  };
}
