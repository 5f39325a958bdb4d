/**
 * Wiring for handler integration tests: a fresh table in DynamoDB Local, an in-process fauxqs (SNS/SQS),
 * the pipeline fixtures on loopback, and the handlers built by their createHandler factories.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { inject } from 'vitest';
import { type StaticFeedServer, startStaticFeedServer } from '../../../cli/static-feed-server.js';
import { createDispatchHandler } from '../../../functions/dispatch-polls/create-handler.js';
import { createStore } from '../../../functions/lib/aws-clients.js';
import { EmfMetrics } from '../../../functions/lib/observability.js';
import { loadRuntimeConfig, namesById, type RuntimeConfig } from '../../../functions/lib/runtime-config.js';
import { createPollFeedHandler } from '../../../functions/poll-feed/create-handler.js';
import { createPublishAlertsHandler } from '../../../functions/publish-alerts/create-handler.js';
import { createQueryHandler } from '../../../functions/query-matches/create-handler.js';
import { ensureTable } from '../../../shared/adapters/dynamodb/dynamodb-store.js';
import { HttpFeedFetcher } from '../../../shared/adapters/http/http-feed-fetcher.js';
import { IdempotentPublisher } from '../../../shared/adapters/sns/idempotent-publisher.js';
import { SnsAlertPublisher } from '../../../shared/adapters/sns/sns-alert-publisher.js';
import { SqsPollQueue } from '../../../shared/adapters/sqs/sqs-poll-queue.js';
import { compileMeasures } from '../../../shared/domain/classifier/index.js';
import type { FeedConfig } from '../../../shared/domain/types.js';
import type { AlertStore, RadarStore } from '../../../shared/ports/index.js';
import { ManualClock } from '../../support/fakes.js';

export const REGION = 'us-east-1';
export type FunctionName = 'dispatch' | 'poll' | 'publish' | 'query';
export const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'pipeline');
export const MEASURES_DIR = join(import.meta.dirname, '..', '..', '..', 'config');

/** One DynamoDB call: the IAM action it needs and the index it read, if any. */
export interface DynamoCall {
  action: string;
  indexName: string | undefined;
}

export interface Harness {
  tableName: string;
  /** DynamoDB calls made by each handler built by buildHandlers, by function name. */
  dynamoCalls: Record<FunctionName, DynamoCall[]>;
  /** A client on DynamoDB Local that records each call (command → IAM action) into `calls`. */
  recordingClient(calls: DynamoCall[]): DynamoDBClient;
  ddb: DynamoDBClient;
  store: RadarStore;
  sns: SNSClient;
  sqs: SQSClient;
  snsEndpoint: string;
  topicArn: string;
  pollQueueUrl: string;
  feeds: FeedConfig[];
  config: RuntimeConfig;
  clock: ManualClock;
  feedServer: StaticFeedServer;
  metricLines: string[];
  logger: Logger;
  /** Creates an SQS queue subscribed to the alerts topic (optionally filtered); returns its URL. */
  subscribeQueue(name: string, filterPolicy?: Record<string, string[]>): Promise<string>;
  /** Receives every message currently in a queue (bodies and attributes). */
  drain(queueUrl: string): Promise<Message[]>;
  close(): Promise<void>;
}

/** Starts everything for one test file; call close() in afterAll. */
export async function startHarness(): Promise<Harness> {
  const ddb = new DynamoDBClient({
    endpoint: inject('ddbEndpoint'),
    region: REGION,
    credentials: CREDENTIALS,
  });
  const tableName = `radar-fn-${randomUUID().slice(0, 8)}`;
  await ensureTable(ddb, tableName);
  const { store } = createStore(tableName, ddb);

  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const snsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  const sns = new SNSClient({ endpoint: snsEndpoint, region: REGION, credentials: CREDENTIALS });
  const sqs = new SQSClient({ endpoint: snsEndpoint, region: REGION, credentials: CREDENTIALS });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `alerts-${randomUUID().slice(0, 8)}` }));
  const poll = await sqs.send(new CreateQueueCommand({ QueueName: 'poll-queue' }));

  const feedServer = await startStaticFeedServer(FIXTURES);
  const base = await loadRuntimeConfig(MEASURES_DIR);
  const feeds: FeedConfig[] = [
    { id: 'world-wire', url: `${feedServer.baseUrl}/world-wire.xml`, name: 'Demo World Wire', tags: [] },
    { id: 'syndicated', url: `${feedServer.baseUrl}/syndicated.xml`, name: 'Demo Syndication', tags: [] },
    { id: 'gone', url: `${feedServer.baseUrl}/no-such-feed.xml`, name: null, tags: [] },
  ];
  const config: RuntimeConfig = { ...base, feeds, allowPrivateHosts: true };

  const recordingClient = (calls: DynamoCall[]) => {
    const client = new DynamoDBClient({
      endpoint: inject('ddbEndpoint'),
      region: REGION,
      credentials: CREDENTIALS,
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        calls.push({
          action: `dynamodb:${String(context.commandName).replace(/Command$/, '')}`,
          indexName: input.IndexName,
        });
        return next(args);
      },
      { step: 'initialize', name: 'recordDynamoCalls' },
    );
    return client;
  };

  return {
    tableName,
    dynamoCalls: { dispatch: [], poll: [], publish: [], query: [] },
    recordingClient,
    ddb,
    store,
    sns,
    sqs,
    snsEndpoint,
    topicArn: TopicArn as string,
    pollQueueUrl: poll.QueueUrl as string,
    feeds,
    config,
    clock: new ManualClock(new Date('2026-11-29T10:00:00Z')),
    feedServer,
    metricLines: [],
    logger: new Logger({ logLevel: 'SILENT' }),
    async subscribeQueue(name, filterPolicy) {
      const q = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: attrs.Attributes?.QueueArn,
          Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {},
        }),
      );
      return q.QueueUrl as string;
    },
    async drain(queueUrl) {
      const out: Message[] = [];
      for (;;) {
        const r = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            MessageSystemAttributeNames: ['All'],
            VisibilityTimeout: 300,
          }),
        );
        if (!r.Messages?.length) return out;
        out.push(...r.Messages);
      }
    },
    async close() {
      await feedServer.close();
      await fauxqs.stop();
      sns.destroy();
      sqs.destroy();
      ddb.destroy();
    },
  };
}

/** The four handlers wired to the harness the way their handler.ts modules wire them to AWS. */
export function buildHandlers(
  h: Harness,
  overrides: {
    alerts?: Pick<AlertStore, 'getAlert' | 'markAlertPublished' | 'listPendingAlerts'>;
    store?: RadarStore;
  } = {},
) {
  const metrics = new EmfMetrics('Test', 'sanctions-radar', (line) => h.metricLines.push(line));
  // Each function gets its own recording client, as each Lambda has its own role.
  const clientOf = (fn: FunctionName) => h.recordingClient(h.dynamoCalls[fn]);
  const storeOf = (fn: FunctionName) => createStore(h.tableName, clientOf(fn)).store;
  const publishClient = clientOf('publish');
  const sns = new SnsAlertPublisher({
    client: h.sns,
    topicArn: h.topicArn,
    feedNames: namesById(h.feeds),
    measureNames: namesById(h.config.measures),
  });
  return {
    dispatch: createDispatchHandler({
      feeds: h.feeds,
      feedStates: storeOf('dispatch'),
      queue: new SqsPollQueue({ client: h.sqs, queueUrl: h.pollQueueUrl }),
      clock: h.clock,
      slackMs: 150_000,
      logger: h.logger,
      metrics,
    }),
    poll: createPollFeedHandler({
      feeds: h.feeds,
      fetcher: new HttpFeedFetcher({ userAgent: 'radar-test/1', allowPrivateHosts: true }),
      store: overrides.store ?? storeOf('poll'),
      classifier: compileMeasures(h.config.measures),
      clock: h.clock,
      pollIntervalMs: 5 * 60_000,
      logger: h.logger,
      metrics,
    }),
    publish: createPublishAlertsHandler({
      alerts: overrides.alerts ?? createStore(h.tableName, publishClient).store,
      publisher: new IdempotentPublisher({
        inner: {
          publish: async (alert) => {
            await sns.publish(alert);
            metrics.add('alertsPublished', 1);
          },
        },
        client: publishClient,
        tableName: h.tableName,
      }),
      clock: h.clock,
      logger: h.logger,
      metrics,
    }),
    query: createQueryHandler({ store: storeOf('query'), feeds: h.feeds, clock: h.clock, logger: h.logger }),
  };
}

/** Sum of a metric over every EMF line emitted so far. */
export function metricTotal(lines: string[], name: string): number {
  return lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .reduce((sum, doc) => sum + Number(doc[name] ?? 0), 0);
}
