/** Lambda entry: composition root of dispatch-polls (runs once per cold start). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsPollQueue } from '../../shared/adapters/sqs/sqs-poll-queue.js';
import { loadEnv } from '../../shared/config/env.js';
import { createStore } from '../lib/aws-clients.js';
import { createLogger, EmfMetrics } from '../lib/observability.js';
import { loadRuntimeConfig } from '../lib/runtime-config.js';
import { createDispatchHandler } from './create-handler.js';

const env = loadEnv(process.env, {
  tableName: 'string',
  pollQueueUrl: 'string',
  configDir: 'string',
  scheduleMinutes: 'positiveInt',
  metricsNamespace: 'string',
});
const config = await loadRuntimeConfig(env.configDir);

export const handler = createDispatchHandler({
  feeds: config.feeds,
  feedStates: createStore(env.tableName).store,
  queue: new SqsPollQueue({ client: new SQSClient({}), queueUrl: env.pollQueueUrl }),
  clock: { now: () => new Date() },
  // Half a tick: a feed that comes due just after this tick is polled now rather than a whole tick late.
  slackMs: (env.scheduleMinutes * 60_000) / 2,
  logger: createLogger(),
  metrics: new EmfMetrics(env.metricsNamespace),
});
