/**
 * The deployed flow, handler by handler, with real event shapes: Scheduler → dispatch-polls → SQS (fauxqs)
 * → poll-feed → DynamoDB Local → stream batch (through the stack's event filter) → publish-alerts →
 * SNS (fauxqs) → SQS subscribers; then the query API over what was stored.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Message } from '@aws-sdk/client-sqs';
import { FilterCriteria } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_ALERT_FILTER } from '../../../infra/constructs/alerting.js';
import { TABLE_ACCESS, type TableAccess } from '../../../infra/constructs/radar-function.js';
import { filterPolicyValues } from '../../../infra/deploy-config.js';
import { KEYS } from '../../../shared/adapters/dynamodb/table-schema.js';
import type { Alert } from '../../../shared/domain/types.js';
import { matchesPattern } from '../../support/event-pattern.js';
import {
  httpRequest,
  lambdaContext,
  schedulerEvent,
  sqsEvent,
  streamEvent,
  streamRecord,
} from '../../support/lambda-events.js';
import { type EnvelopeAttributes, snsFilterMatches } from '../../support/sns-filter.js';
import { buildHandlers, type Harness, metricTotal, startHarness } from './harness.js';

let h: Harness;
let handlers: ReturnType<typeof buildHandlers>;
let allQueue: string;
let criticalQueue: string;
const ctx = lambdaContext();

const STORY_A = 'US and EU officials meet at Treasury to coordinate new sanctions on Russia';
const STORY_B =
  'EU ambassadors agree 19th sanctions package against Russia, targeting LNG imports and shadow fleet tankers';

interface Delivered {
  subject: string | null;
  body: Record<string, unknown>;
  attributes: EnvelopeAttributes;
}

/** Unwraps the SNS envelope. fauxqs delivers the whole MessageStructure JSON; SNS would send `default`. */
function delivered(messages: Message[]): Delivered[] {
  return messages.map((m) => {
    const envelope = JSON.parse(m.Body ?? '{}') as {
      Subject: string | null;
      Message: string;
      MessageAttributes: EnvelopeAttributes;
    };
    const structured = JSON.parse(envelope.Message) as { default: string };
    return {
      subject: envelope.Subject,
      body: JSON.parse(structured.default),
      attributes: envelope.MessageAttributes,
    };
  });
}

/** The deployed event-source filter, as Lambda would apply it to the stream. */
const streamFilter = JSON.parse((FilterCriteria.filter(NEW_ALERT_FILTER) as { pattern: string }).pattern);

beforeAll(async () => {
  h = await startHarness();
  handlers = buildHandlers(h);
  allQueue = await h.subscribeQueue('all-alerts');
  criticalQueue = await h.subscribeQueue('critical-only', filterPolicyValues({ severity: ['critical'] }));
});
afterAll(async () => h?.close());

describe('deployed pipeline, handler by handler', () => {
  let pending: Alert[];

  it('dispatch-polls enqueues one poll request per due feed on a Scheduler tick', async () => {
    const summary = await handlers.dispatch(schedulerEvent());
    expect(summary).toEqual({
      dispatched: 3,
      notDue: 0,
      health: { ok: 0, failing: 0, stale: 0, 'never-polled': 3 },
    });
    expect(metricTotal(h.metricLines, 'feedsDispatched')).toBe(3);
    await expect(handlers.dispatch({ source: 'aws.events', detail: {} })).rejects.toThrow(
      /^scheduler event: source: /,
    );
  });

  it('poll-feed polls each requested feed from a real SQS batch, storing matches and one alert per story', async () => {
    const messages = await h.drain(h.pollQueueUrl);
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}').feedId).sort()).toEqual([
      'gone',
      'syndicated',
      'world-wire',
    ]);
    // Two batches, so which copy of the syndicated story is stored first is deterministic (the wire's).
    const bodies = messages.map((m) => m.Body ?? '');
    const wire = bodies.filter((b) => b.includes('"world-wire"'));
    expect(await handlers.poll(sqsEvent(wire), ctx)).toEqual({ batchItemFailures: [] });
    // A feed answering 404 is the feed's failure (recorded, backed off), not a batch failure.
    const rest = bodies.filter((b) => !b.includes('"world-wire"'));
    expect(await handlers.poll(sqsEvent(rest), ctx)).toEqual({ batchItemFailures: [] });

    const states = await h.store.listFeedStates();
    expect(states.find((s) => s.feedId === 'gone')).toMatchObject({
      consecutiveFailures: 1,
      lastError: { code: 'HTTP_STATUS' },
    });
    expect(metricTotal(h.metricLines, 'feedErrors')).toBe(1);
    expect(metricTotal(h.metricLines, 'pollsSucceeded')).toBe(2);
    expect(metricTotal(h.metricLines, 'matchesStored')).toBeGreaterThanOrEqual(9);

    const page = await h.store.queryMatches({ measureId: 'eu-package', limit: 10 });
    expect(page.matches.map((m) => m.title)).toEqual(expect.arrayContaining([STORY_A, STORY_B]));
    pending = await h.store.listPendingAlerts(10);
    expect(pending.map((a) => a.title).sort()).toEqual([STORY_A, STORY_B].sort());
  });

  it('the next tick dispatches nothing: every polled feed is due again only after its interval', async () => {
    h.clock.advance(60_000);
    const summary = await handlers.dispatch(schedulerEvent('2026-11-29T10:01:00Z'));
    expect(summary.dispatched).toBe(0);
  });

  it('publish-alerts sends exactly one SNS message per story from a stream batch with duplicate records', async () => {
    const images = await Promise.all(
      pending.map(async (a) => {
        const out = await h.ddb.send(
          new GetItemCommand({
            TableName: h.tableName,
            Key: { pk: { S: KEYS.alert(a.id).pk }, sk: { S: 'ALERT' } },
          }),
        );
        return out.Item as Record<string, unknown>;
      }),
    );
    const itemImage = await h.ddb.send(
      new GetItemCommand({
        TableName: h.tableName,
        Key: { pk: { S: KEYS.item(pending[0]?.itemKey ?? '').pk }, sk: { S: 'ITEM' } },
      }),
    );
    const [a, b] = images.map((img) => streamRecord(img, 'INSERT', { marshalled: true }));
    const raw = [
      a,
      streamRecord(itemImage.Item as Record<string, unknown>, 'INSERT', { marshalled: true }),
      b,
      streamRecord(images[0] as Record<string, unknown>, 'INSERT', { marshalled: true }),
      streamRecord(images[1] as Record<string, unknown>, 'INSERT', { marshalled: true }),
    ];
    const batch = raw.filter((r) => matchesPattern(streamFilter, r));
    expect(batch).toHaveLength(4);

    expect(await handlers.publish(streamEvent(batch as never), ctx)).toEqual({ batchItemFailures: [] });
    // The stream retries the whole batch (e.g. after a timeout): still nothing new is sent.
    expect(await handlers.publish(streamEvent(batch as never), ctx)).toEqual({ batchItemFailures: [] });

    const all = delivered(await h.drain(allQueue));
    expect(all.map((d) => d.body.title).sort()).toEqual([STORY_A, STORY_B].sort());
    expect(metricTotal(h.metricLines, 'alertsPublished')).toBe(2);
    expect(await h.store.listPendingAlerts(10)).toEqual([]);
    expect((await h.store.getAlert(pending[0]?.id ?? ''))?.status).toBe('published');

    const storyA = all.find((d) => d.body.title === STORY_A);
    expect(storyA?.subject).toMatch(
      /^Sanctions alert \[critical\] ru-energy\+5: US and EU officials meet .*\.\.\.$/,
    );
    expect(storyA?.subject?.length).toBeLessThan(100);
    expect(storyA?.attributes).toMatchObject({
      measures: {
        Type: 'String.Array',
        Value: JSON.stringify(pending.find((p) => p.title === STORY_A)?.measures),
      },
      severity: { Type: 'String', Value: 'critical' },
      stage: { Type: 'String', Value: expect.any(String) },
    });
  });

  it('a subscriber with a severity filter receives only its alerts', async () => {
    const critical = delivered(await h.drain(criticalQueue));
    expect(critical.map((d) => d.body.title)).toEqual([STORY_A]);
  });

  it('a subscriber with a measures filter matches only alerts carrying its measures (SNS String.Array semantics)', async () => {
    await handlers.publish(streamEvent([]), ctx);
    const all = (await Promise.all(pending.map((p) => h.store.getAlert(p.id)))).filter(Boolean) as Alert[];
    const published = all.map((a) => ({ title: a.title, attributes: attributesOf(a) }));
    const shadowFleetOnly = filterPolicyValues({ measures: ['shadow-fleet'] });
    expect(
      published.filter((p) => snsFilterMatches(shadowFleetOnly, p.attributes)).map((p) => p.title),
    ).toEqual([STORY_B]);
    const banksOrTariffs = filterPolicyValues({
      measures: ['ru-banks', 'tariffs'],
      severity: ['critical', 'high'],
    });
    expect(
      published.filter((p) => snsFilterMatches(banksOrTariffs, p.attributes)).map((p) => p.title),
    ).toEqual([STORY_A]);
  });

  it('the query API pages through stored matches, serves an item and the feed list, and rejects bad parameters', async () => {
    const first = await handlers.query(
      httpRequest('GET /matches', { query: { measure: 'eu-package', limit: '1' } }),
      ctx,
    );
    expect(first.statusCode).toBe(200);
    const page1 = JSON.parse(first.body ?? '{}');
    expect(page1.matches).toHaveLength(1);
    expect(page1.cursor).toEqual(expect.any(String));
    const second = JSON.parse(
      (
        await handlers.query(
          httpRequest('GET /matches', { query: { measure: 'eu-package', limit: '1', cursor: page1.cursor } }),
          ctx,
        )
      ).body ?? '{}',
    );
    expect(second.matches[0].itemKey).not.toBe(page1.matches[0].itemKey);

    const itemKey = page1.matches[0].itemKey as string;
    const item = await handlers.query(
      httpRequest('GET /matches/{itemKey}', { path: `/matches/${itemKey}`, pathParameters: { itemKey } }),
      ctx,
    );
    expect(JSON.parse(item.body ?? '{}').matches.length).toBeGreaterThanOrEqual(1);

    const feeds = JSON.parse((await handlers.query(httpRequest('GET /feeds'), ctx)).body ?? '{}').feeds;
    expect(feeds.map((f: { id: string; health: string }) => [f.id, f.health])).toEqual([
      ['world-wire', 'ok'],
      ['syndicated', 'ok'],
      ['gone', 'ok'],
    ]);

    const bad = await handlers.query(httpRequest('GET /matches', { query: { since: '2026-13-45' } }), ctx);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body ?? '{}').error).toMatchObject({ code: 'BAD_QUERY', parameter: 'since' });
    const forged = await handlers.query(httpRequest('GET /matches', { query: { cursor: 'AAAA' } }), ctx);
    expect(JSON.parse(forged.body ?? '{}').error).toMatchObject({ parameter: 'cursor' });
  });
});

describe('IAM grants match what the code really calls', () => {
  it('each function made only DynamoDB calls its role allows (actions, base table, named indexes)', () => {
    const grants = {
      dispatch: TABLE_ACCESS.listFeeds,
      poll: TABLE_ACCESS.ingest,
      publish: TABLE_ACCESS.publish,
      query: TABLE_ACCESS.read,
    };
    for (const [fn, access] of Object.entries(grants) as Array<[keyof typeof grants, TableAccess]>) {
      const calls = h.dynamoCalls[fn];
      expect(calls.length, `${fn} made no DynamoDB calls`).toBeGreaterThan(0);
      for (const call of calls) {
        expect(access.actions, `${fn} called ${call.action}`).toContain(call.action);
        if (call.indexName)
          expect(access.indexes, `${fn} read index ${call.indexName}`).toContain(call.indexName);
        else expect(access.baseTable, `${fn} used the base table (${call.action})`).toBe(true);
      }
    }
  });
});

function attributesOf(alert: Alert): EnvelopeAttributes {
  return {
    measures: { Type: 'String.Array', Value: JSON.stringify(alert.measures) },
    severity: { Type: 'String', Value: alert.severity },
    stage: { Type: 'String', Value: alert.stage ?? 'none' },
  };
}
