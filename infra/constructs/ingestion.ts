/**
 * Ingestion: EventBridge Scheduler → dispatch-polls → SQS poll queue (DLQ after 3 receives) → poll-feed.
 * Throughput scales with poll-feed concurrency as feeds are added, never with a longer single run.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULE_EVENT_SOURCE } from '../../shared/config/env.js';
import { RadarFunction, type RadarFunctionProps, TABLE_ACCESS } from './radar-function.js';

/** Receives before a poll request moves to the DLQ. */
export const POLL_MAX_RECEIVES = 3;
/** Feeds per poll-feed invocation (polled in parallel). */
export const POLL_BATCH_SIZE = 5;
const POLL_TIMEOUT = Duration.seconds(90);

export interface IngestionProps {
  readonly table: ITableV2;
  /** Minutes between dispatcher runs. */
  readonly scheduleRateMinutes: number;
  /** Maximum concurrent poll-feed instances (SQS event source maxConcurrency). */
  readonly pollConcurrency: number;
  readonly userAgent: string;
  /** Shared function settings (config files, log retention). */
  readonly functionDefaults: Pick<RadarFunctionProps, 'configFiles' | 'logRetention'>;
}

/** Schedule, dispatcher, poll queue with its DLQ, and the poll-feed function. */
export class Ingestion extends Construct {
  readonly dispatcher: RadarFunction;
  readonly poller: RadarFunction;
  readonly pollQueue: Queue;
  readonly pollDlq: Queue;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    this.pollDlq = new Queue(this, 'PollDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.pollQueue = new Queue(this, 'PollQueue', {
      // AWS guidance for SQS event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(POLL_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.hours(6),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.pollDlq, maxReceiveCount: POLL_MAX_RECEIVES },
    });

    this.dispatcher = new RadarFunction(this, 'DispatchPolls', {
      ...props.functionDefaults,
      functionName: 'dispatch-polls',
      description: 'Enqueues one poll request per due feed',
      timeout: Duration.seconds(60),
      memorySize: 256,
      // A missed tick is made up by the next one; retries would only enqueue duplicates.
      retryAttempts: 0,
    })
      .useTable(props.table, TABLE_ACCESS.listFeeds)
      .sendTo(this.pollQueue)
      .setEnv('scheduleMinutes', String(props.scheduleRateMinutes));

    this.poller = new RadarFunction(this, 'PollFeed', {
      ...props.functionDefaults,
      functionName: 'poll-feed',
      description: 'Polls one feed per message: fetch, parse, classify, store',
      timeout: POLL_TIMEOUT,
      memorySize: 1024,
      precompileMeasures: true,
    })
      .useTable(props.table, TABLE_ACCESS.ingest)
      .setEnv('userAgent', props.userAgent);
    this.poller.fn.addEventSource(
      new SqsEventSource(this.pollQueue, {
        batchSize: POLL_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: props.pollConcurrency,
      }),
    );

    this.schedule = new Schedule(this, 'Schedule', {
      description: `Sanctions Radar: dispatch due feed polls every ${props.scheduleRateMinutes} min`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.scheduleRateMinutes)),
      target: new LambdaInvoke(this.dispatcher.fn, {
        input: ScheduleTargetInput.fromObject({
          source: SCHEDULE_EVENT_SOURCE,
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(Math.max(1, props.scheduleRateMinutes)),
      }),
    });
  }
}
