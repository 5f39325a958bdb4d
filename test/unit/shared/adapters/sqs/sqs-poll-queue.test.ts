import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PollQueueError, SqsPollQueue } from '../../../../../shared/adapters/sqs/sqs-poll-queue.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const requests = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ feedId: `feed-${i}`, requestedAt: '2026-11-29T10:00:00.000Z' }));

describe('SqsPollQueue', () => {
  it('sends one message per request, ten per batch call', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await new SqsPollQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: 'https://q' }).enqueue(
      requests(23),
    );
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(JSON.parse(calls[2]?.[2]?.MessageBody ?? '{}')).toEqual({
      feedId: 'feed-22',
      requestedAt: '2026-11-29T10:00:00.000Z',
    });
  });

  it('retries only the failed entries once, then fails loudly', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'Throttled', Message: 'slow down', SenderFault: false }] })
      .resolvesOnce({ Failed: [] });
    const queue = new SqsPollQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: 'https://q' });
    await queue.enqueue(requests(3));
    expect(sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries?.map((e) => e.Id)).toEqual([
      '1',
    ]);

    sqs.reset();
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'Throttled', Message: 'no', SenderFault: false }] });
    await expect(queue.enqueue(requests(1))).rejects.toThrow(PollQueueError);
  });
});
