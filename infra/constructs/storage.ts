/** Storage: the single DynamoDB table, keyed and indexed exactly as shared/adapters/dynamodb/table-schema.ts says. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/adapters/dynamodb/table-schema.js';
import { TTL_ATTRIBUTE } from '../../shared/adapters/sns/idempotent-publisher.js';

/**
 * Construct ID of the table. Part of the data contract: changing it (or this construct's path) makes
 * CloudFormation create a new, empty table. A test pins the resulting logical ID.
 */
export const TABLE_CONSTRUCT_ID = 'Table';

// Typed on the schema's literal: a key type other than 'S' in table-schema.ts fails to compile here.
const attributeType = (_type: 'S'): AttributeType => AttributeType.STRING;

/** The table: on-demand, point-in-time recovery, TTL, a NEW_IMAGE stream, and RETAIN on stack deletion. */
export class Storage extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { partitionKey, sortKey, globalSecondaryIndexes } = TABLE_SCHEMA;
    this.table = new TableV2(this, TABLE_CONSTRUCT_ID, {
      partitionKey: { name: partitionKey.name, type: attributeType(partitionKey.type) },
      sortKey: { name: sortKey.name, type: attributeType(sortKey.type) },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      dynamoStream: StreamViewType.NEW_IMAGE,
      // Stored matches are the product: `cdk destroy` leaves the table (and its data) in the account.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      globalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: ProjectionType[index.projection],
      })),
    });
  }
}
