/** `radar run`: the pipeline, locally. One cycle with --once, else a loop until Ctrl-C. */
import { join, resolve } from 'node:path';
import { HttpFeedFetcher } from '../../shared/adapters/http/http-feed-fetcher.js';
import { OutboxPublisher } from '../../shared/adapters/local/outbox-publisher.js';
import { loadFeedsFile, loadMeasuresFile } from '../../shared/config/load-files.js';
import { formatAlertLine } from '../../shared/domain/alert.js';
import { compileMeasures } from '../../shared/domain/classifier/index.js';
import type { FeedConfig } from '../../shared/domain/types.js';
import type { IngestResult } from '../../shared/use-cases/ingest-feed.js';
import { runCycle } from '../../shared/use-cases/run-cycle.js';
import { parseOptions } from '../args.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../io.js';
import { openLocalStore, systemClock } from '../local-runtime.js';

export const USER_AGENT =
  'SanctionsRadar/0.1 (+https://github.com/sanctions-radar/sanctions-radar; feed monitor)';

/** One line per polled feed. */
export function formatFeedResult(r: IngestResult): string {
  if (r.status === 'error') return `feed ${r.feedId}: FAILED ${r.error?.code}: ${r.error?.message}`;
  if (r.status === 'not-modified') return `feed ${r.feedId}: not modified`;
  if (r.status === 'not-due') return `feed ${r.feedId}: not due`;
  const updated = r.updatedItems ? `, ${r.updatedItems} updated` : '';
  return `feed ${r.feedId}: ${r.itemsInFeed} items, ${r.newItems} new${updated}, ${r.matches} matches, ${r.alertsCreated} alerts`;
}

export interface RunOptions {
  feeds: FeedConfig[];
  measuresFile: string;
  dataDir: string;
  allowPrivateHosts: boolean;
  intervalMinutes: number;
  once: boolean;
}

/** Runs the local pipeline with resolved options (shared by `run` and `demo`). */
export async function runPipeline(o: RunOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const classifier = compileMeasures(await loadMeasuresFile(o.measuresFile));
  const local = await openLocalStore(o.dataDir);
  const outbox = join(o.dataDir, 'outbox.jsonl');
  const deps = {
    fetcher: new HttpFeedFetcher({ userAgent: USER_AGENT, allowPrivateHosts: o.allowPrivateHosts }),
    store: local.store,
    classifier,
    clock: systemClock,
    pollIntervalMs: o.intervalMinutes * 60_000,
    publisher: new OutboxPublisher(outbox, (a) => io.stdout.write(`${formatAlertLine(a)}\n`)),
    onFeedResult: (r: IngestResult) => {
      if (r.status !== 'not-due') io.stdout.write(`${formatFeedResult(r)}\n`);
    },
  };
  try {
    let first = true;
    while (!signal?.aborted) {
      const cycle = await runCycle(deps, o.feeds, { force: first || o.once });
      first = false;
      const failed = cycle.feeds.filter((f) => f.status === 'error').length;
      const polled = cycle.feeds.filter((f) => f.status !== 'not-due').length;
      if (polled > 0 || cycle.publish.published.length > 0) {
        io.stdout.write(
          `cycle: ${polled} feeds polled, ${failed} failed, ${cycle.publish.published.length} alerts published → ${outbox}\n`,
        );
      }
      for (const f of cycle.publish.failed)
        io.stderr.write(`alert ${f.alertId}: not published: ${f.error.message}\n`);
      if (o.once) break;
      // Wake every minute: feeds become due at their own times (backoff, Retry-After).
      await sleep(Math.min(60_000, o.intervalMinutes * 60_000), signal);
    }
  } finally {
    await local.close();
  }
  return 0;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    // Aborted during the cycle (Ctrl-C): do not start waiting at all.
    if (signal?.aborted) return res();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Wires SIGINT/SIGTERM to an AbortSignal: first stops after the current cycle, second exits now. */
export function stopOnSignals(io: CliIo): AbortController {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    io.stderr.write('stopping after the current step (Ctrl-C again to force)\n');
    ac.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  ac.signal.addEventListener('abort', () => process.once('SIGINT', onSignal), { once: true });
  return ac;
}

export default async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('run', args, {
    once: { type: 'boolean' },
    feeds: { type: 'string' },
    measures: { type: 'string' },
    'data-dir': { type: 'string' },
    'allow-private-hosts': { type: 'boolean' },
    interval: { type: 'string' },
  });
  const feedsFile = resolve(io.cwd, values.feeds ?? 'config/feeds.yaml');
  const measuresFile = resolve(io.cwd, values.measures ?? 'config/measures.yaml');
  const config = await loadFeedsFile(feedsFile);
  let intervalMinutes = config.pollIntervalMinutes;
  if (values.interval !== undefined) {
    intervalMinutes = Number(values.interval);
    if (!Number.isFinite(intervalMinutes) || intervalMinutes <= 0 || intervalMinutes > 1440) {
      throw new UsageError(
        `radar run: --interval: expected minutes from 0.1 to 1440, got "${values.interval}"`,
      );
    }
  }
  const once = values.once ?? false;
  const ac = once ? undefined : stopOnSignals(io);
  return runPipeline(
    {
      feeds: config.feeds,
      measuresFile,
      dataDir: resolve(io.cwd, values['data-dir'] ?? '.data'),
      allowPrivateHosts: (values['allow-private-hosts'] ?? false) || config.allowPrivateHosts,
      intervalMinutes,
      once,
    },
    io,
    ac?.signal,
  );
}
