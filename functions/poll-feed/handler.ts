/** Lambda entry: composition root of poll-feed (runs once per cold start). */
import { HttpFeedFetcher } from '../../shared/adapters/http/http-feed-fetcher.js';
import { loadEnv } from '../../shared/config/env.js';
import { createStore } from '../lib/aws-clients.js';
import { createLogger, EmfMetrics } from '../lib/observability.js';
import { loadClassifier, loadRuntimeConfig } from '../lib/runtime-config.js';
import { createPollFeedHandler } from './create-handler.js';

const env = loadEnv(process.env, {
  tableName: 'string',
  configDir: 'string',
  userAgent: 'string',
  metricsNamespace: 'string',
});
const config = await loadRuntimeConfig(env.configDir);
const { classifier, precompiled } = loadClassifier(env.configDir, config.measures);
const logger = createLogger();
logger.info('measures loaded', { measures: config.measures.length, precompiled });

export const handler = createPollFeedHandler({
  feeds: config.feeds,
  fetcher: new HttpFeedFetcher({ userAgent: env.userAgent, allowPrivateHosts: config.allowPrivateHosts }),
  store: createStore(env.tableName).store,
  classifier,
  clock: { now: () => new Date() },
  pollIntervalMs: config.pollIntervalMinutes * 60_000,
  logger,
  metrics: new EmfMetrics(env.metricsNamespace),
});
