/** runCycle: one poll of the configured feeds (bounded concurrency, isolated failures), then publishing. */
import { describeError } from '../domain/errors.js';
import type { FeedConfig } from '../domain/types.js';
import type { AlertPublisher } from '../ports/index.js';
import { type IngestDeps, type IngestResult, ingestFeed } from './ingest-feed.js';
import { type PublishResult, publishPendingAlerts } from './publish-alerts.js';

export interface RunCycleDeps extends IngestDeps {
  publisher: AlertPublisher;
  /** Called as each feed finishes, for progress output. */
  onFeedResult?: (result: IngestResult) => void;
}

export interface CycleResult {
  feeds: IngestResult[];
  publish: PublishResult;
}

/** Polls every feed (or only the due ones), at most `concurrency` at a time, then publishes pending alerts. */
export async function runCycle(
  deps: RunCycleDeps,
  feeds: FeedConfig[],
  options: { concurrency?: number; force?: boolean } = {},
): Promise<CycleResult> {
  const results: IngestResult[] = new Array(feeds.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < feeds.length; i = next++) {
      const feed = feeds[i] as FeedConfig;
      let r: IngestResult;
      try {
        r = await ingestFeed(deps, feed, { force: options.force });
      } catch (err) {
        // ingestFeed records feed errors itself; this is a store outage or a bug. Isolate it per feed.
        r = {
          feedId: feed.id,
          status: 'error',
          itemsInFeed: 0,
          newItems: 0,
          updatedItems: 0,
          matches: 0,
          alertsCreated: 0,
          error: describeError(err),
        };
      }
      results[i] = r;
      deps.onFeedResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, feeds.length) }, worker));
  const publish = await publishPendingAlerts({
    alerts: deps.store,
    publisher: deps.publisher,
    clock: deps.clock,
  });
  return { feeds: results, publish };
}
