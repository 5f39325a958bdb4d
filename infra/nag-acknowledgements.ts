/**
 * cdk-nag AwsSolutions findings this stack accepts, each on the construct that raises it and with its
 * reason. Anything not listed here fails synth.
 */

import type { Acknowledgment, CfnResource } from 'aws-cdk-lib';
import { Stack, Validations } from 'aws-cdk-lib';
import type { Alerting } from './constructs/alerting.js';
import type { Ingestion } from './constructs/ingestion.js';
import type { RadarFunction } from './constructs/radar-function.js';

/** Logical ID as nag prints it inside `<…>` tokens. */
function logicalId(resource: CfnResource): string {
  return Stack.of(resource).resolve(resource.logicalId) as string;
}

export interface NagScope {
  readonly ingestion: Ingestion;
  readonly alerting: Alerting;
  readonly functions: readonly RadarFunction[];
}

/** Acknowledges the accepted findings; returns them (for the infra test and the report). */
export function acknowledgeNagFindings(scope: NagScope): Acknowledgment[] {
  const acknowledged: Acknowledgment[] = [];
  const ack = (construct: Parameters<typeof Validations.of>[0], id: string, reason: string) => {
    Validations.of(construct).acknowledge({ id, reason });
    acknowledged.push({ id, reason });
  };

  for (const f of scope.functions) {
    ack(
      f.fn,
      'AwsSolutions-L1',
      'Node.js 22 is pinned on purpose: the bundle, Powertools 2.35 and the tests are verified on it, and it is ' +
        'supported by Lambda until 2027; moving to Node 24 is a tested change, not a default bump.',
    );
  }

  const dispatcher = scope.ingestion.dispatcher.fn.node.defaultChild as CfnResource;
  // The Scheduler target role is created by CDK at stack level; the finding id names the one resource.
  ack(
    Stack.of(scope.ingestion),
    `AwsSolutions-IAM5[Resource::<${logicalId(dispatcher)}.Arn>:*]`,
    'The Scheduler LambdaInvoke target grants lambda:InvokeFunction on the dispatcher and its versions ' +
      '(`<arn>:*`); the wildcard is limited to qualifiers of that one function.',
  );

  const publisher = scope.alerting.publisher.fn.node.defaultChild as CfnResource;
  ack(
    Stack.of(scope.alerting),
    `AwsSolutions-IAM5[Resource::<${logicalId(publisher)}.Arn>:*]`,
    "The sweep schedule's LambdaInvoke target grants lambda:InvokeFunction on the publisher and its versions " +
      '(`<arn>:*`); the wildcard is limited to qualifiers of that one function.',
  );

  ack(
    scope.alerting.publisher.role,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'Publishing to a KMS-encrypted SNS topic needs kms:GenerateDataKey (and variants) on the topic key; ' +
      'the grant is on that one key only (topic.grantPublish).',
  );

  ack(
    scope.alerting.streamDlq,
    'AwsSolutions-SQS3',
    'This queue IS a dead-letter queue: the on-failure destination of the table stream event source mapping. ' +
      'cdk-nag only recognises DLQs referenced by a redrive policy.',
  );
  return acknowledged;
}
