/** poll-feed: each SQS message names one feed; poll it and store what is new. Partial batch failures. */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import type { FeedConfig } from '../../shared/domain/types.js';
import { type IngestDeps, type IngestResult, ingestFeed } from '../../shared/use-cases/ingest-feed.js';
import type { EmfMetrics } from '../lib/observability.js';
import { parseEvent, parseJson } from '../lib/parse-event.js';

/** Body of a poll-queue message (a PollRequest from dispatch-polls). */
export const pollRequestSchema = z.object({ feedId: z.string().min(1), requestedAt: z.string().min(1) });

export interface PollFeedHandlerDeps extends IngestDeps {
  feeds: readonly FeedConfig[];
  logger: Logger;
  metrics: EmfMetrics;
}

/**
 * Builds the Lambda handler. A feed's own failure (HTTP error, bad XML) is recorded in its feed state and
 * is NOT a batch failure: its backoff decides when to retry. A bad message or a store outage is one.
 */
export function createPollFeedHandler(
  deps: PollFeedHandlerDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const feedsById = new Map(deps.feeds.map((f) => [f.id, f]));
  const processor = new BatchProcessor(EventType.SQS);

  const pollOne = async (record: SQSRecord): Promise<IngestResult['status'] | 'unknown-feed'> => {
    const request = parseEvent(pollRequestSchema, parseJson(record.body, 'poll request'), 'poll request');
    const feed = feedsById.get(request.feedId);
    if (!feed) {
      // Removed from feeds.yaml after the request was queued: nothing to retry.
      deps.logger.warn('feed not configured; request dropped', { feedId: request.feedId });
      return 'unknown-feed';
    }
    // The dispatcher already decided the feed is due (with slack), so the use case must not skip it.
    const result = await ingestFeed(deps, feed, { force: true });
    deps.metrics.add('itemsFetched', result.itemsInFeed);
    deps.metrics.add('matchesStored', result.matches);
    if (result.status === 'error') {
      deps.metrics.add('feedErrors', 1);
      deps.logger.warn('feed poll failed', { feedId: feed.id, error: result.error });
    } else {
      deps.metrics.add('pollsSucceeded', 1);
      deps.logger.info('feed polled', { ...result });
    }
    return result.status;
  };

  return async (event, context) => {
    deps.logger.addContext(context);
    try {
      // All records failing is still a partial response: SQS redrives each one to the DLQ after 3 receives.
      return await processPartialResponse(event, pollOne, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      deps.metrics.flush();
    }
  };
}
