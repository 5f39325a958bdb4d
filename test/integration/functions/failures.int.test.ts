/**
 * Partial batch failures and crash recovery with real event shapes against DynamoDB Local and fauxqs:
 * one bad record never fails or repeats the others, and a crash after publishing sends nothing twice.
 */
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SWEEP_EVENT_SOURCE, SWEEP_MIN_AGE_MS } from '../../../functions/publish-alerts/create-handler.js';
import { KEYS } from '../../../shared/adapters/dynamodb/table-schema.js';
import { IDEMPOTENCY_PARTITION } from '../../../shared/adapters/sns/idempotent-publisher.js';
import type { Alert } from '../../../shared/domain/types.js';
import type { AlertStore } from '../../../shared/ports/index.js';
import { lambdaContext, sqsEvent, streamEvent, streamRecord } from '../../support/lambda-events.js';
import { buildHandlers, type Harness, startHarness } from './harness.js';

let h: Harness;
let subscriber: string;
const ctx = lambdaContext();

beforeAll(async () => {
  h = await startHarness();
  subscriber = await h.subscribeQueue('failures-all');
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.drain(subscriber);
});

function alert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    itemKey: `g:${id}`,
    feedId: 'world-wire',
    title: `Story ${id}`,
    link: `https://example.org/${id}`,
    summary: null,
    published: '2026-11-29T09:00:00.000Z',
    measures: ['ru-banks'],
    severity: 'high',
    stage: null,
    evidence: [{ measureId: 'ru-banks', field: 'title', start: 0, end: 5, text: 'Story' }],
    createdAt: '2026-11-29T10:00:00.000Z',
    status: 'pending',
    ...overrides,
  };
}

/** Stores alerts the way ingest does and returns their stream INSERT records (exact stored images). */
async function storedAlertRecords(alerts: Alert[]) {
  const records = [];
  for (const a of alerts) {
    expect(await h.store.createAlert(a)).toBe(true);
    const out = await h.ddb.send(
      new GetItemCommand({
        TableName: h.tableName,
        Key: { pk: { S: KEYS.alert(a.id).pk }, sk: { S: KEYS.alert(a.id).sk } },
      }),
    );
    records.push(streamRecord(out.Item as Record<string, unknown>, 'INSERT', { marshalled: true }));
  }
  return records;
}

const titlesDelivered = async () =>
  (await h.drain(subscriber))
    .map((m) => JSON.parse(JSON.parse(JSON.parse(m.Body ?? '{}').Message).default).title)
    .sort();

describe('poll-feed partial batch failures', () => {
  it('reports only malformed requests and store outages as batch item failures', async () => {
    const outage = buildHandlers(h, {
      store: new Proxy(h.store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== 'getFeedState') return typeof value === 'function' ? value.bind(target) : value;
          return async (feedId: string) => {
            if (feedId === 'syndicated')
              throw Object.assign(new Error('ProvisionedThroughputExceededException'), {
                name: 'ProvisionedThroughputExceededException',
              });
            return target.getFeedState(feedId);
          };
        },
      }),
    });
    const event = sqsEvent([
      JSON.stringify({ feedId: 'gone', requestedAt: '2026-11-29T10:00:00Z' }),
      '{"feedId": ',
      JSON.stringify({ requestedAt: '2026-11-29T10:00:00Z' }),
      JSON.stringify({ feedId: 'removed-from-config', requestedAt: '2026-11-29T10:00:00Z' }),
      JSON.stringify({ feedId: 'syndicated', requestedAt: '2026-11-29T10:00:00Z' }),
    ]);
    expect(await outage.poll(event, ctx)).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'msg-1' },
        { itemIdentifier: 'msg-2' },
        { itemIdentifier: 'msg-4' },
      ],
    });
    // The good request in the same batch was fully processed.
    expect(await h.store.getFeedState('gone')).toMatchObject({ consecutiveFailures: 1 });
  });
});

describe('publish-alerts partial batch failures and crash recovery', () => {
  it('reports a malformed alert record as a batch item failure while the others are published', async () => {
    const { publish } = buildHandlers(h);
    const [a, b] = await storedAlertRecords([alert('pf-a'), alert('pf-b')]);
    const bad = streamRecord({
      pk: 'ALERT#pf-bad',
      sk: 'ALERT',
      entity: 'alert',
      status: 'pending',
      id: 'pf-bad',
      severity: 'extreme',
    });
    const result = await publish(streamEvent([a, bad, b] as never), ctx);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }] });
    expect(await titlesDelivered()).toEqual(['Story pf-a', 'Story pf-b']);
  });

  it('sends nothing twice when the function crashes between publishing and marking the alert', async () => {
    let failNextMark = true;
    const flaky: Pick<AlertStore, 'getAlert' | 'markAlertPublished' | 'listPendingAlerts'> = {
      getAlert: (id) => h.store.getAlert(id),
      listPendingAlerts: (limit) => h.store.listPendingAlerts(limit),
      markAlertPublished: async (id, at) => {
        if (failNextMark) {
          failNextMark = false;
          throw new Error('connection reset after publish');
        }
        return h.store.markAlertPublished(id, at);
      },
    };
    const { publish } = buildHandlers(h, { alerts: flaky });
    const [c] = await storedAlertRecords([alert('crash-c', { severity: 'critical' })]);
    const seq = c?.dynamodb?.SequenceNumber;
    expect(await publish(streamEvent([c] as never), ctx)).toEqual({
      batchItemFailures: [{ itemIdentifier: seq }],
    });
    expect(await titlesDelivered()).toEqual(['Story crash-c']);
    expect((await h.store.getAlert('crash-c'))?.status).toBe('pending');

    // Lambda retries the record (same image, alert still pending): the idempotency record stops a resend.
    expect(await publish(streamEvent([c] as never), ctx)).toEqual({ batchItemFailures: [] });
    expect(await titlesDelivered()).toEqual([]);
    expect((await h.store.getAlert('crash-c'))?.status).toBe('published');
  });

  it('sweeps alerts the stream gave up on: publishes each once, leaves fresh ones to the stream, never resends', async () => {
    const { publish } = buildHandlers(h);
    // Stored while SNS was down and the stream exhausted its retries: they are still pending.
    const createdAt = h.clock.now().toISOString();
    await storedAlertRecords([alert('sweep-old-1', { createdAt }), alert('sweep-old-2', { createdAt })]);
    await titlesDelivered();
    // Too fresh: the stream normally delivers within seconds, so the sweep leaves them alone.
    expect(await publish({ source: SWEEP_EVENT_SOURCE }, ctx)).toEqual({ swept: 0, failed: 0 });
    expect(await titlesDelivered()).toEqual([]);

    h.clock.advance(SWEEP_MIN_AGE_MS + 1000);
    const first = await publish({ source: SWEEP_EVENT_SOURCE }, ctx);
    expect(first.swept).toBeGreaterThanOrEqual(2);
    const delivered = await titlesDelivered();
    expect(delivered).toEqual(expect.arrayContaining(['Story sweep-old-1', 'Story sweep-old-2']));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect((await h.store.getAlert('sweep-old-1'))?.status).toBe('published');
    // A second sweep (or a late stream retry) sends nothing.
    expect(await publish({ source: SWEEP_EVENT_SOURCE }, ctx)).toEqual({ swept: 0, failed: 0 });
    expect(await titlesDelivered()).toEqual([]);
  });

  it('rejects a malformed scheduled event naming it', async () => {
    const { publish } = buildHandlers(h);
    await expect(publish({ source: 'someone-else' } as never, ctx)).rejects.toThrow(/sweep event: source/);
  });

  it('keeps idempotency records in the single table under a static partition, expiring through the TTL attribute', async () => {
    const out = await h.ddb.send(
      new QueryCommand({
        TableName: h.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: IDEMPOTENCY_PARTITION } },
      }),
    );
    const records = out.Items ?? [];
    expect(records.length).toBeGreaterThanOrEqual(3);
    const now = Date.parse('2026-11-29T10:00:00Z') / 1000;
    for (const r of records) {
      // keyPrefix 'alert' + the MD5 (base64) of the alert id.
      expect(r.sk?.S).toMatch(/^alert#[A-Za-z0-9+/]{22}==$/);
      expect(r.status?.S).toBe('COMPLETED');
      expect(Number(r.expiresAt?.N)).toBeGreaterThan(now);
    }
  });
});
