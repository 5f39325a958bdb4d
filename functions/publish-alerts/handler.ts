/** Lambda entry: composition root of publish-alerts (runs once per cold start). */
import { SNSClient } from '@aws-sdk/client-sns';
import { IdempotentPublisher } from '../../shared/adapters/sns/idempotent-publisher.js';
import { SnsAlertPublisher } from '../../shared/adapters/sns/sns-alert-publisher.js';
import { loadEnv } from '../../shared/config/env.js';
import { createStore } from '../lib/aws-clients.js';
import { createLogger, EmfMetrics } from '../lib/observability.js';
import { loadRuntimeConfig, namesById } from '../lib/runtime-config.js';
import { createPublishAlertsHandler } from './create-handler.js';

const env = loadEnv(process.env, {
  tableName: 'string',
  alertTopicArn: 'string',
  configDir: 'string',
  metricsNamespace: 'string',
});
const config = await loadRuntimeConfig(env.configDir);
const { client, store } = createStore(env.tableName);
const metrics = new EmfMetrics(env.metricsNamespace);
const sns = new SnsAlertPublisher({
  client: new SNSClient({}),
  topicArn: env.alertTopicArn,
  feedNames: namesById(config.feeds),
  measureNames: namesById(config.measures),
});

export const handler = createPublishAlertsHandler({
  alerts: store,
  publisher: new IdempotentPublisher({
    // Counted inside the idempotent wrapper, so only real deliveries count.
    inner: {
      publish: async (alert) => {
        await sns.publish(alert);
        metrics.add('alertsPublished', 1);
      },
    },
    client,
    tableName: env.tableName,
  }),
  clock: { now: () => new Date() },
  logger: createLogger(),
  metrics,
});
