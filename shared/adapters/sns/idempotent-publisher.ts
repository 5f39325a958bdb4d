/**
 * Makes any AlertPublisher deliver each alert id once, with Powertools idempotency records kept in the
 * single table (pk = a static partition, sk = the hashed alert id). Stream retries, duplicate stream
 * records and a crash between publishing and marking the alert all see the completed record and skip.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { Alert } from '../../domain/types.js';
import type { AlertPublisher } from '../../ports/index.js';
import { TABLE_SCHEMA } from '../dynamodb/table-schema.js';

/** The table's TTL attribute (epoch seconds); idempotency records expire through it. */
export const TTL_ATTRIBUTE = 'expiresAt';
/** Partition of the idempotency records; never collides with the `FEED#`/`ITEM#`/`ALERT#` entities. */
export const IDEMPOTENCY_PARTITION = 'IDEMPOTENCY#alerts';
/** Longer than the 24 h a DynamoDB stream keeps records, so no retry outlives its idempotency record. */
export const DEFAULT_IDEMPOTENCY_SECONDS = 3 * 24 * 3600;

export interface IdempotentPublisherProps {
  readonly inner: AlertPublisher;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** How long a delivered alert id is remembered. @default DEFAULT_IDEMPOTENCY_SECONDS */
  readonly expiresAfterSeconds?: number;
}

/** AlertPublisher decorator: idempotent on alert.id across invocations and concurrent instances. */
export class IdempotentPublisher implements AlertPublisher {
  private readonly config: IdempotencyConfig;
  private readonly publishOnce: (alert: Alert) => Promise<string>;

  constructor(props: IdempotentPublisherProps) {
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: props.tableName,
      awsSdkV3Client: props.client,
      keyAttr: TABLE_SCHEMA.partitionKey.name,
      sortKeyAttr: TABLE_SCHEMA.sortKey.name,
      staticPkValue: IDEMPOTENCY_PARTITION,
      expiryAttr: TTL_ATTRIBUTE,
    });
    this.config = new IdempotencyConfig({
      eventKeyJmesPath: 'id',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: props.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_SECONDS,
    });
    const inner = props.inner;
    this.publishOnce = makeIdempotent(
      async (alert: Alert) => {
        await inner.publish(alert);
        return alert.id;
      },
      // A fixed prefix keeps the records valid when the function is renamed or redeployed.
      { persistenceStore, config: this.config, keyPrefix: 'alert' },
    );
  }

  /** Lets in-progress records expire with the invocation, so a timed-out attempt can be retried. */
  registerLambdaContext(context: Context): void {
    this.config.registerLambdaContext(context);
  }

  async publish(alert: Alert): Promise<void> {
    await this.publishOnce(alert);
  }
}
