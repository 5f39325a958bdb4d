/**
 * Monitoring: alarms on DLQ depth, function errors, no successful poll for 30 minutes and stale/failing
 * feeds, all notifying one ops topic; and one dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS, type MetricName, SERVICE_NAME } from '../../shared/config/env.js';
import type { RadarFunction } from './radar-function.js';

/** Minutes without one successful poll before the alarm fires. */
export const NO_SUCCESSFUL_POLL_MINUTES = 30;

export interface MonitoringProps {
  readonly key: IKey;
  /** Subscribed to the ops topic when set. */
  readonly opsEmail: string | null;
  /** Functions whose errors alarm, by display name. */
  readonly functions: Readonly<Record<string, RadarFunction>>;
  /** Dead-letter queues whose depth alarms, by display name. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly pollQueue: IQueue;
  /** Stale (or failing) feeds at which the feed alarms fire. */
  readonly staleFeedsThreshold: number;
  /** @default METRICS.namespace */
  readonly metricsNamespace?: string;
}

/** Ops topic, alarms and the dashboard. */
export class Monitoring extends Construct {
  readonly opsTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const namespace = props.metricsNamespace ?? METRICS.namespace;
    const custom = (name: MetricName, statistic: string, period: Duration) =>
      new Metric({
        namespace,
        metricName: METRICS.names[name],
        dimensionsMap: { [METRICS.dimension]: SERVICE_NAME },
        statistic,
        period,
      });

    this.opsTopic = new Topic(this, 'OpsTopic', {
      displayName: 'Sanctions Radar ops',
      masterKey: props.key,
      enforceSSL: true,
    });
    // The topic policy created for enforceSSL replaces SNS's default one, so CloudWatch needs an explicit allow.
    this.opsTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    // CloudWatch must encrypt what it publishes to a KMS-encrypted topic.
    props.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    if (props.opsEmail) this.opsTopic.addSubscription(new EmailSubscription(props.opsEmail));

    const action = new SnsAction(this.opsTopic);
    const alarm = (alarmId: string, a: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, a);
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}DlqDepth`, {
        alarmDescription: `${name} dead-letter queue has messages: inspect, fix, then redrive them`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, {
        alarmDescription: `${name} function invocations failed`,
        metric: fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    const periods = NO_SUCCESSFUL_POLL_MINUTES / 5;
    alarm('NoSuccessfulPoll', {
      alarmDescription: `no feed was polled successfully for ${NO_SUCCESSFUL_POLL_MINUTES} minutes`,
      metric: custom('pollsSucceeded', 'Sum', Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      // No data at all means nothing ran: that is exactly what this alarm is for.
      treatMissingData: TreatMissingData.BREACHING,
    });
    for (const [alarmId, metric, what] of [
      ['StaleFeeds', 'staleFeeds', 'feeds have had no new item for 7 days'],
      ['FailingFeeds', 'failingFeeds', 'feeds failed 3 or more polls in a row'],
    ] as const) {
      alarm(alarmId, {
        alarmDescription: `${props.staleFeedsThreshold} or more ${what}; see GET /feeds`,
        metric: custom(metric, 'Maximum', Duration.hours(1)),
        threshold: props.staleFeedsThreshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    const fiveMinutes = Duration.minutes(5);
    const perFunction = (f: (fn: RadarFunction) => IMetric) => Object.values(props.functions).map(f);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Polling',
        left: [custom('itemsFetched', 'Sum', fiveMinutes), custom('pollsSucceeded', 'Sum', fiveMinutes)],
        right: [custom('feedErrors', 'Sum', fiveMinutes)],
      }),
      new GraphWidget({
        title: 'Matches and alerts',
        left: [custom('matchesStored', 'Sum', fiveMinutes), custom('alertsPublished', 'Sum', fiveMinutes)],
      }),
      new GraphWidget({
        title: 'Feed health',
        left: [custom('staleFeeds', 'Maximum', fiveMinutes), custom('failingFeeds', 'Maximum', fiveMinutes)],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queues',
        left: [
          props.pollQueue.metricApproximateNumberOfMessagesVisible({ label: 'poll queue' }),
          ...Object.entries(props.deadLetterQueues).map(([name, q]) =>
            q.metricApproximateNumberOfMessagesVisible({ label: `${name} DLQ` }),
          ),
        ],
        right: [props.pollQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest poll request (s)' })],
      }),
      new GraphWidget({ title: 'Function errors', left: perFunction((f) => f.fn.metricErrors()) }),
      new GraphWidget({
        title: 'Function duration p95',
        left: perFunction((f) => f.fn.metricDuration({ statistic: 'p95' })),
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}
