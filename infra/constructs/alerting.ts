/**
 * Alerting: table stream (filtered to newly inserted, pending alert records) → publish-alerts → SNS topic
 * (KMS) → email/SMS subscriptions from config, each with a filter policy on measures, severity and stage.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SWEEP_EVENT_SOURCE } from '../../functions/publish-alerts/create-handler.js';
import { ENTITY, RECORD_ATTRIBUTES } from '../../shared/adapters/dynamodb/table-schema.js';
import { filterPolicyValues, type SubscriberConfig } from '../deploy-config.js';
import { RadarFunction, type RadarFunctionProps, TABLE_ACCESS } from './radar-function.js';

/** How often the publisher re-drives alerts left pending (e.g. after an SNS outage emptied into the DLQ). */
export const SWEEP_RATE_MINUTES = 15;

/** Attempts per stream batch before its records go to the DLQ (bisection splits a failing batch first). */
export const STREAM_RETRY_ATTEMPTS = 5;

/** The stream filter: only INSERTs of alert records that are pending (MODIFY = marked published). */
export const NEW_ALERT_FILTER = {
  eventName: FilterRule.isEqual('INSERT'),
  dynamodb: {
    NewImage: {
      [RECORD_ATTRIBUTES.entity]: { S: FilterRule.isEqual(ENTITY.alert) },
      status: { S: FilterRule.isEqual('pending') },
    },
  },
};

export interface AlertingProps {
  readonly table: ITableV2;
  readonly key: IKey;
  readonly subscribers: readonly SubscriberConfig[];
  readonly functionDefaults: Pick<RadarFunctionProps, 'configFiles' | 'logRetention'>;
}

/** Alerts topic with its subscriptions, the stream-driven publisher and its on-failure DLQ. */
export class Alerting extends Construct {
  readonly topic: Topic;
  readonly publisher: RadarFunction;
  readonly streamDlq: Queue;
  readonly sweepSchedule: Schedule;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlertTopic', {
      displayName: 'Sanctions Radar',
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const s of props.subscribers) {
      const filterPolicy = Object.fromEntries(
        Object.entries(filterPolicyValues(s.filter)).map(([name, allowlist]) => [
          name,
          SubscriptionFilter.stringFilter({ allowlist }),
        ]),
      );
      // No filter at all rather than an empty policy: the subscriber asked for everything.
      const options = Object.keys(filterPolicy).length > 0 ? { filterPolicy } : {};
      const subscription =
        s.protocol === 'sms'
          ? new SmsSubscription(s.endpoint, options)
          : new EmailSubscription(s.endpoint, options);
      // Named after the endpoint by CDK, so reordering the list does not replace subscriptions.
      this.topic.addSubscription(subscription);
    }

    this.streamDlq = new Queue(this, 'StreamDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.publisher = new RadarFunction(this, 'PublishAlerts', {
      ...props.functionDefaults,
      functionName: 'publish-alerts',
      description: 'Publishes each new alert once to SNS and marks it published',
      timeout: Duration.seconds(60),
      memorySize: 512,
    })
      .useTable(props.table, TABLE_ACCESS.publish)
      .publishTo(this.topic);
    this.publisher.fn.addEventSource(
      new DynamoEventSource(props.table, {
        // From the oldest record, so alerts stored before the mapping existed are not skipped.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.streamDlq),
        filters: [FilterCriteria.filter(NEW_ALERT_FILTER)],
      }),
    );
    this.sweepSchedule = new Schedule(this, 'SweepSchedule', {
      description: `Sanctions Radar: publish alerts still pending after the stream gave up (every ${SWEEP_RATE_MINUTES} min)`,
      schedule: ScheduleExpression.rate(Duration.minutes(SWEEP_RATE_MINUTES)),
      target: new LambdaInvoke(this.publisher.fn, {
        input: ScheduleTargetInput.fromObject({ source: SWEEP_EVENT_SOURCE }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(SWEEP_RATE_MINUTES),
      }),
    });
  }
}
