/**
 * publish-alerts: table stream (filtered to new alert records) → one delivery per alert → mark published.
 * A scheduled sweep event re-drives alerts still pending after the stream gave up (SNS outage, stream DLQ):
 * the same idempotent publisher, so a sweep never sends an alert twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { alertFromRecord } from '../../shared/adapters/dynamodb/dynamodb-store.js';
import { SEVERITIES } from '../../shared/domain/types.js';
import type { AlertPublisher, AlertStore, Clock } from '../../shared/ports/index.js';
import { publishPendingAlerts } from '../../shared/use-cases/publish-alerts.js';
import type { EmfMetrics } from '../lib/observability.js';
import { parseEvent } from '../lib/parse-event.js';

const nullableString = z.string().nullable();

/** An Alert as stored (the domain fields of an alert record). */
export const alertSchema = z.object({
  id: z.string().min(1),
  itemKey: z.string().min(1),
  feedId: z.string().min(1),
  title: nullableString,
  link: nullableString,
  summary: nullableString,
  published: nullableString,
  measures: z.array(z.string()),
  severity: z.enum(SEVERITIES as [string, ...string[]]).transform((s) => s as (typeof SEVERITIES)[number]),
  stage: z.enum(['threatened', 'proposed', 'negotiated', 'adopted', 'eased']).nullable(),
  evidence: z.array(
    z.object({
      field: z.enum(['title', 'summary']),
      start: z.number().int(),
      end: z.number().int(),
      text: z.string(),
      measureId: z.string(),
    }),
  ),
  createdAt: z.string(),
  status: z.enum(['pending', 'published']),
});

/** A stream record the event-source filter lets through: an INSERT with its new image. */
const insertRecordSchema = z.object({
  eventName: z.literal('INSERT'),
  dynamodb: z.object({ NewImage: z.record(z.string(), z.unknown()) }),
});

/** The publisher plus the hook the idempotency layer needs for in-progress expiry. */
export type StreamPublisher = AlertPublisher & { registerLambdaContext?(context: Context): void };

/** The Scheduler payload of a sweep run. */
export const SWEEP_EVENT_SOURCE = 'sanctions-radar.sweep';
const sweepEventSchema = z.object({ source: z.literal(SWEEP_EVENT_SOURCE) });

/** Alerts younger than this are left to the stream, which normally delivers within seconds. */
export const SWEEP_MIN_AGE_MS = 10 * 60_000;

export interface SweepResult {
  swept: number;
  failed: number;
}

/** The stream path answers with batch item failures, the sweep path with counts. */
export interface PublishAlertsHandler {
  (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse>;
  (event: { source: typeof SWEEP_EVENT_SOURCE }, context: Context): Promise<SweepResult>;
}

export interface PublishAlertsHandlerDeps {
  alerts: Pick<AlertStore, 'getAlert' | 'markAlertPublished' | 'listPendingAlerts'>;
  publisher: StreamPublisher;
  clock: Clock;
  logger: Logger;
  metrics: EmfMetrics;
}

/** Builds the Lambda handler; records run in order so a failure checkpoints the stream correctly. */
export function createPublishAlertsHandler(deps: PublishAlertsHandlerDeps): PublishAlertsHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  const publishOne = async (record: DynamoDBRecord): Promise<'published' | 'already-published'> => {
    const insert = parseEvent(insertRecordSchema, record, 'stream record');
    const image = unmarshall(insert.dynamodb.NewImage as Record<string, AttributeValue>);
    const alert = parseEvent(alertSchema, alertFromRecord(image), 'alert record');
    // Belt and braces next to the idempotency record: a late replay of an old record sends nothing.
    const current = await deps.alerts.getAlert(alert.id);
    if (current?.status === 'published') {
      deps.logger.info('alert already published', { alertId: alert.id });
      return 'already-published';
    }
    await deps.publisher.publish(alert);
    await deps.alerts.markAlertPublished(alert.id, deps.clock.now().toISOString());
    deps.logger.info('alert published', {
      alertId: alert.id,
      measures: alert.measures,
      severity: alert.severity,
    });
    return 'published';
  };

  const sweep = async (): Promise<SweepResult> => {
    const createdBefore = new Date(deps.clock.now().getTime() - SWEEP_MIN_AGE_MS).toISOString();
    const result = await publishPendingAlerts(
      { alerts: deps.alerts, publisher: deps.publisher, clock: deps.clock },
      { createdBefore },
    );
    for (const a of result.published) deps.logger.info('stale pending alert published', { alertId: a.id });
    if (result.failed.length > 0) {
      // Fail the invocation so the function-errors alarm fires; the alerts stay pending for the next sweep.
      throw new Error(
        `sweep: ${result.failed.length} pending alert(s) not published, first ${result.failed[0]?.alertId}: ${result.failed[0]?.error.message}`,
      );
    }
    return { swept: result.published.length, failed: 0 };
  };

  const handler = async (
    event: DynamoDBStreamEvent | { source?: unknown },
    context: Context,
  ): Promise<DynamoDBBatchResponse | SweepResult> => {
    deps.logger.addContext(context);
    deps.publisher.registerLambdaContext?.(context);
    try {
      if (!('Records' in event)) {
        parseEvent(sweepEventSchema, event, 'sweep event');
        return await sweep();
      }
      return await processPartialResponse(event, publishOne, processor, {
        context,
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
    } finally {
      deps.metrics.flush();
    }
  };
  return handler as PublishAlertsHandler;
}
