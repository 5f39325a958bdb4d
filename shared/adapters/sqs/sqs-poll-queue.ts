/** PollQueue on SQS: poll requests as JSON messages, sent in batches of ten. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PollQueue, PollRequest } from '../../use-cases/dispatch-polls.js';

const SQS_BATCH = 10;

/** Some poll requests could not be enqueued even after a retry. */
export class PollQueueError extends Error {
  readonly code = 'POLL_QUEUE';
  override readonly name = 'PollQueueError';
}

export interface SqsPollQueueProps {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** Sends one SQS message per poll request. */
export class SqsPollQueue implements PollQueue {
  constructor(private readonly props: SqsPollQueueProps) {}

  async enqueue(requests: PollRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += SQS_BATCH) {
      await this.sendBatch(requests.slice(start, start + SQS_BATCH));
    }
  }

  private async sendBatch(batch: PollRequest[]): Promise<void> {
    let entries = batch.map((request, i) => ({ Id: String(i), MessageBody: JSON.stringify(request) }));
    // SendMessageBatch can fail per entry (throttling); one retry of the failed entries, then give up loudly.
    for (let attempt = 1; ; attempt++) {
      const out = await this.props.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.props.queueUrl, Entries: entries }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) return;
      if (attempt >= 2) {
        const first = out.Failed?.[0];
        throw new PollQueueError(
          `${failed.size} poll requests not enqueued (${first?.Code ?? 'unknown'}: ${first?.Message ?? ''})`,
        );
      }
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
}
