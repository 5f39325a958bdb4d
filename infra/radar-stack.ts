/** The one stack: storage, ingestion, alerting, query API and monitoring, each its own construct. */
import { type Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alerting } from './constructs/alerting.js';
import { Ingestion } from './constructs/ingestion.js';
import { Monitoring } from './constructs/monitoring.js';
import { QueryApi } from './constructs/query-api.js';
import { Storage } from './constructs/storage.js';
import type { DeployConfig } from './deploy-config.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

export interface RadarStackProps extends StackProps {
  readonly config: DeployConfig;
}

/** Sanctions Radar on AWS: everything `cdk deploy` creates. */
export class RadarStack extends Stack {
  readonly storage: Storage;
  readonly ingestion: Ingestion;
  readonly alerting: Alerting;
  readonly queryApi: QueryApi;
  readonly monitoring: Monitoring;
  /** cdk-nag findings acknowledged, each with its reason (see nag-acknowledgements.ts). */
  readonly nagAcknowledgements: Acknowledgment[];

  constructor(scope: Construct, id: string, props: RadarStackProps) {
    super(scope, id, props);
    const { config } = props;
    const functionDefaults = {
      configFiles: { feeds: config.feedsPath, measures: config.measuresPath },
      logRetention: config.logRetentionDays as RetentionDays,
    };

    this.storage = new Storage(this, 'Storage');
    const table = this.storage.table;
    const key = new Key(this, 'TopicKey', {
      description: 'Sanctions Radar: encrypts the alerts and ops SNS topics',
      enableKeyRotation: true,
      // Only encrypts in-flight SNS messages, nothing at rest worth keeping: deleted (after 7 days) on destroy.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });

    this.ingestion = new Ingestion(this, 'Ingestion', {
      table,
      scheduleRateMinutes: config.scheduleRateMinutes,
      pollConcurrency: config.pollConcurrency,
      userAgent: config.userAgent,
      functionDefaults,
    });
    this.alerting = new Alerting(this, 'Alerting', {
      table,
      key,
      subscribers: config.subscribers,
      functionDefaults,
    });
    this.queryApi = new QueryApi(this, 'QueryApi', { table, functionDefaults });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      key,
      opsEmail: config.opsEmail,
      functions: {
        DispatchPolls: this.ingestion.dispatcher,
        PollFeed: this.ingestion.poller,
        PublishAlerts: this.alerting.publisher,
        QueryMatches: this.queryApi.handler,
      },
      deadLetterQueues: { Poll: this.ingestion.pollDlq, Stream: this.alerting.streamDlq },
      pollQueue: this.ingestion.pollQueue,
      staleFeedsThreshold: config.staleFeedsThreshold,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.queryApi.url, description: 'Query API base URL (IAM auth)' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'OpsTopicArn', { value: this.monitoring.opsTopic.topicArn });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'PollDlqUrl', { value: this.ingestion.pollDlq.queueUrl });
    new CfnOutput(this, 'StreamDlqUrl', { value: this.alerting.streamDlq.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });

    this.nagAcknowledgements = acknowledgeNagFindings({
      ingestion: this.ingestion,
      alerting: this.alerting,
      functions: [
        this.ingestion.dispatcher,
        this.ingestion.poller,
        this.alerting.publisher,
        this.queryApi.handler,
      ],
    });
  }
}
