import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsAlertPublisher } from '../../../../../shared/adapters/sns/sns-alert-publisher.js';
import type { Alert } from '../../../../../shared/domain/types.js';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const alert: Alert = {
  id: 'story-1',
  itemKey: 'g:1',
  feedId: 'ofsi',
  title: 'UK sanctions Russian shadow fleet tankers',
  link: 'https://example.org/a',
  summary: null,
  published: null,
  measures: ['shadow-fleet'],
  severity: 'medium',
  stage: null,
  evidence: [],
  createdAt: '2026-11-29T10:00:00Z',
  status: 'pending',
};

describe('SnsAlertPublisher', () => {
  it('publishes one MessageStructure json message with a body per protocol and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const publisher = new SnsAlertPublisher({
      client: new SNSClient({ region: 'us-east-1' }),
      topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      feedNames: { ofsi: 'OFSI' },
    });
    await publisher.publish(alert);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      MessageStructure: 'json',
      Subject: 'Sanctions alert [medium] shadow-fleet: UK sanctions Russian shadow fleet tankers',
      MessageAttributes: {
        measures: { DataType: 'String.Array', StringValue: '["shadow-fleet"]' },
        severity: { DataType: 'String', StringValue: 'medium' },
        stage: { DataType: 'String', StringValue: 'none' },
      },
    });
    const bodies = JSON.parse(input?.Message ?? '{}');
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'sms']);
    expect(bodies.email).toContain('Source:     OFSI (ofsi)');
  });

  it('lets an SNS failure propagate so the stream record is retried', async () => {
    sns.on(PublishCommand).rejects(new Error('throttled'));
    const publisher = new SnsAlertPublisher({
      client: new SNSClient({ region: 'us-east-1' }),
      topicArn: 'arn:t',
    });
    await expect(publisher.publish(alert)).rejects.toThrow('throttled');
  });
});
