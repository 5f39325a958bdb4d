/**
 * The handler.ts modules themselves (composition from env at module scope), as Lambda loads them: env
 * set as the stack sets it, SDK endpoints pointed at DynamoDB Local and fauxqs, bundled config in a dir.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interceptLocalhostDns } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ENV } from '../../../shared/config/env.js';
import {
  httpRequest,
  lambdaContext,
  schedulerEvent,
  sqsEvent,
  streamEvent,
  streamRecord,
} from '../../support/lambda-events.js';
import { CREDENTIALS, type Harness, MEASURES_DIR, REGION, startHarness } from './harness.js';

let h: Harness;
let configDir: string;
let restoreDns: () => void;
const emf: string[] = [];

beforeAll(async () => {
  // The entry modules build SQS clients from env only; SQS then sends to the queue URL's host
  // (sqs.us-east-1.localhost), which this resolves to fauxqs on loopback.
  restoreDns = interceptLocalhostDns();
  h = await startHarness();
  configDir = mkdtempSync(join(tmpdir(), 'radar-bundled-config-'));
  copyFileSync(join(MEASURES_DIR, 'measures.yaml'), join(configDir, 'measures.yaml'));
  writeFileSync(
    join(configDir, 'feeds.yaml'),
    `settings:\n  allowPrivateHosts: true\nfeeds:\n  - id: syndicated\n    url: ${h.feedServer.baseUrl}/syndicated.xml\n`,
  );
});
afterAll(async () => {
  rmSync(configDir, { recursive: true, force: true });
  await h?.close();
  restoreDns?.();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Sets the env exactly as the stack does (plus local endpoints), then loads the module fresh. */
async function loadEntry<T>(name: keyof typeof ENTRIES, unset: string[] = []): Promise<T> {
  const env: Record<string, string> = {
    [ENV.tableName]: h.tableName,
    [ENV.pollQueueUrl]: h.pollQueueUrl,
    [ENV.alertTopicArn]: h.topicArn,
    [ENV.configDir]: configDir,
    [ENV.scheduleMinutes]: '5',
    [ENV.userAgent]: 'radar-test/1 (+https://example.org)',
    [ENV.metricsNamespace]: 'RadarTest',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: inject('ddbEndpoint'),
    AWS_ENDPOINT_URL_SNS: h.snsEndpoint,
    AWS_ENDPOINT_URL_SQS: h.snsEndpoint,
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, unset.includes(k) ? '' : v);
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    if (String(chunk).includes('"_aws"')) {
      emf.push(String(chunk));
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  vi.resetModules();
  return (await ENTRIES[name]()) as T;
}

const ENTRIES = {
  'dispatch-polls': () => import('../../../functions/dispatch-polls/handler.js'),
  'poll-feed': () => import('../../../functions/poll-feed/handler.js'),
  'publish-alerts': () => import('../../../functions/publish-alerts/handler.js'),
  'query-matches': () => import('../../../functions/query-matches/handler.js'),
} as const;

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const ctx = lambdaContext();

describe('handler entry modules', () => {
  it('fail at cold start naming a missing env var', async () => {
    await expect(loadEntry('query-matches', [ENV.tableName])).rejects.toThrow(
      'environment variable RADAR_TABLE_NAME: missing (it is set by the CDK stack)',
    );
  });

  it('dispatch-polls → poll-feed → publish-alerts → query-matches, each composed from env', async () => {
    const dispatch = (await loadEntry<{ handler: Handler }>('dispatch-polls')).handler;
    expect(await dispatch(schedulerEvent(), ctx)).toMatchObject({ dispatched: 1 });
    const [message] = await h.drain(h.pollQueueUrl);
    expect(JSON.parse(message?.Body ?? '{}').feedId).toBe('syndicated');

    const poll = (await loadEntry<{ handler: Handler }>('poll-feed')).handler;
    expect(await poll(sqsEvent([message?.Body ?? '']), ctx)).toEqual({ batchItemFailures: [] });
    expect((await h.store.getFeedState('syndicated'))?.lastSuccessAt).toEqual(expect.any(String));

    const subscriber = await h.subscribeQueue('entry-all');
    const [pending] = await h.store.listPendingAlerts(1);
    expect(pending).toBeDefined();
    const publish = (await loadEntry<{ handler: Handler }>('publish-alerts')).handler;
    const record = streamRecord({ pk: `ALERT#${pending?.id}`, sk: 'ALERT', entity: 'alert', ...pending });
    expect(await publish(streamEvent([record, record]), ctx)).toEqual({ batchItemFailures: [] });
    expect(await h.drain(subscriber)).toHaveLength(1);

    const query = (await loadEntry<{ handler: Handler }>('query-matches')).handler;
    const feeds = (await query(httpRequest('GET /feeds'), ctx)) as { statusCode: number; body: string };
    expect(feeds.statusCode).toBe(200);
    expect(JSON.parse(feeds.body).feeds[0]).toMatchObject({ id: 'syndicated', health: 'ok' });

    // Metrics left the functions as EMF lines on stdout, in the configured namespace.
    const docs = emf.map((line) => JSON.parse(line));
    expect(docs.every((d) => d._aws.CloudWatchMetrics[0].Namespace === 'RadarTest')).toBe(true);
    expect(docs.some((d) => d.alertsPublished === 1)).toBe(true);
    expect(docs.some((d) => d.pollsSucceeded === 1)).toBe(true);
  });
});
