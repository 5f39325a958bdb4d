import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { EmfMetrics } from '../../../../functions/lib/observability.js';
import { createPublishAlertsHandler } from '../../../../functions/publish-alerts/create-handler.js';
import type { Alert } from '../../../../shared/domain/types.js';
import { ManualClock, RecordingPublisher } from '../../../support/fakes.js';
import { InMemoryStore } from '../../../support/in-memory-store.js';
import { lambdaContext, streamEvent, streamRecord } from '../../../support/lambda-events.js';

const alert: Alert = {
  id: 'story-1',
  itemKey: 'g:1',
  feedId: 'f',
  title: 'T',
  link: null,
  summary: null,
  published: null,
  measures: ['ru-banks'],
  severity: 'high',
  stage: 'proposed',
  evidence: [],
  createdAt: '2026-11-29T10:00:00.000Z',
  status: 'pending',
};

function setup() {
  const store = new InMemoryStore();
  const publisher = new RecordingPublisher();
  const handler = createPublishAlertsHandler({
    alerts: store,
    publisher,
    clock: new ManualClock(),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new EmfMetrics('T', 's', () => undefined),
  });
  return { store, publisher, handler };
}

const record = (a: Alert, eventName: 'INSERT' | 'MODIFY' = 'INSERT') =>
  streamRecord(
    { pk: `ALERT#${a.id}`, sk: 'ALERT', entity: 'alert', gsi1pk: 'ALERTS#PENDING', ...a },
    eventName,
  );

describe('publish-alerts handler', () => {
  it('publishes the alert of an INSERT record (store attributes stripped) and marks it published', async () => {
    const { store, publisher, handler } = setup();
    await store.createAlert(alert);
    expect(await handler(streamEvent([record(alert)]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.delivered).toEqual([alert]);
    expect((await store.getAlert(alert.id))?.status).toBe('published');
  });

  it('skips an alert already marked published, without publishing', async () => {
    const { store, publisher, handler } = setup();
    await store.createAlert(alert);
    await store.markAlertPublished(alert.id, '2026-11-29T10:01:00.000Z');
    expect(await handler(streamEvent([record(alert)]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(publisher.delivered).toEqual([]);
  });

  it('fails records that are not new alert images, and a failing publisher, leaving the alert pending', async () => {
    const { store, publisher, handler } = setup();
    await store.createAlert(alert);
    const modify = record(alert, 'MODIFY');
    const noImage = { ...record(alert), dynamodb: { SequenceNumber: '7' } };
    const res = await handler(streamEvent([modify, noImage]), lambdaContext());
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      modify.dynamodb?.SequenceNumber,
      '7',
    ]);
    publisher.failing = true;
    const ok = record(alert);
    expect(await handler(streamEvent([ok]), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: ok.dynamodb?.SequenceNumber }],
    });
    expect((await store.getAlert(alert.id))?.status).toBe('pending');
  });
});
