/** AlertPublisher on an SNS topic: one message per alert, a body per protocol, filterable attributes. */
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { type AlertMessageContext, renderAlertMessage } from '../../domain/alert-message.js';
import type { Alert } from '../../domain/types.js';
import type { AlertPublisher } from '../../ports/index.js';

export interface SnsAlertPublisherProps {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** Feed display names by feed id. @default {} (the feed id is shown) */
  readonly feedNames?: Readonly<Record<string, string>>;
  /** Measure display names by measure id. @default {} (the measure id is shown) */
  readonly measureNames?: Readonly<Record<string, string>>;
}

/** Builds the SNS Publish input for an alert (exported so tests can assert the exact shape). */
export function toPublishInput(
  alert: Alert,
  topicArn: string,
  context: AlertMessageContext,
): PublishCommandInput & { Message: string } {
  const message = renderAlertMessage(alert, context);
  return {
    TopicArn: topicArn,
    Subject: message.subject,
    MessageStructure: 'json',
    Message: JSON.stringify(message.bodies),
    MessageAttributes: {
      measures: { DataType: 'String.Array', StringValue: JSON.stringify(message.attributes.measures) },
      severity: { DataType: 'String', StringValue: message.attributes.severity },
      stage: { DataType: 'String', StringValue: message.attributes.stage },
    },
  };
}

/**
 * Publishes alerts to SNS. Not idempotent by itself (SNS standard topics do not deduplicate):
 * compose it with `IdempotentPublisher` so a retried alert is delivered once.
 */
export class SnsAlertPublisher implements AlertPublisher {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly feedNames: Readonly<Record<string, string>>;
  private readonly measureNames: Readonly<Record<string, string>>;

  constructor(props: SnsAlertPublisherProps) {
    this.client = props.client;
    this.topicArn = props.topicArn;
    this.feedNames = props.feedNames ?? {};
    this.measureNames = props.measureNames ?? {};
  }

  async publish(alert: Alert): Promise<void> {
    const context = { feedName: this.feedNames[alert.feedId] ?? null, measureNames: this.measureNames };
    await this.client.send(new PublishCommand(toPublishInput(alert, this.topicArn, context)));
  }
}
