/**
 * The single-table layout: one definition shared by the CDK stack, the local stores and the adapter.
 * No SDK runtime import here, so infra can import it without pulling in a client.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Table keys and global secondary indexes. Every key attribute is a string; every GSI projects ALL. */
export const TABLE_SCHEMA = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      /** Matches by measure (`MEASURE#<id>`), feed states list (`FEEDS`), pending alerts (`ALERTS#PENDING`). */
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'ALL',
    },
    {
      /** Matches by feed (`FEED#<feedId>`). */
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'ALL',
    },
    {
      /** All matches by month bucket (`MATCHES#YYYY-MM`). */
      indexName: 'gsi3',
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const;

/** Value of the `entity` attribute on each record type (stream filters can match on it). */
export const ENTITY = {
  feedState: 'feedState',
  item: 'item',
  match: 'match',
  alert: 'alert',
  meta: 'meta',
  story: 'story',
  storyBand: 'storyBand',
  itemLink: 'itemLink',
} as const;

/** Attribute names the store adds next to the domain fields; never returned to callers. */
export const RECORD_ATTRIBUTES = {
  entity: 'entity',
  /** Set by markAlertPublished; not part of the Alert type. */
  alertPublishedAt: 'alertPublishedAt',
  /** String set of the month buckets that hold matches, on the META record. */
  matchMonths: 'months',
  /** String set of the item keys listed in a story's sources, for the idempotent append. */
  storySourceKeys: 'sourceItemKeys',
} as const;

/** Key-building functions: the only place the key formats are spelled out. */
export const KEYS = {
  feedState: (feedId: string) => ({ pk: `FEED#${feedId}`, sk: 'STATE' }),
  feedStatesIndex: (feedId: string) => ({ gsi1pk: 'FEEDS', gsi1sk: feedId }),
  feedStatesPartition: 'FEEDS',
  item: (itemKey: string) => ({ pk: `ITEM#${itemKey}`, sk: 'ITEM' }),
  itemPartition: (itemKey: string) => `ITEM#${itemKey}`,
  matchSortPrefix: 'MATCH#',
  match: (itemKey: string, measureId: string) => ({ pk: `ITEM#${itemKey}`, sk: `MATCH#${measureId}` }),
  byMeasurePartition: (measureId: string) => `MEASURE#${measureId}`,
  byFeedPartition: (feedId: string) => `FEED#${feedId}`,
  byMonthPartition: (bucket: string) => `MATCHES#${bucket}`,
  alert: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  pendingAlertsPartition: 'ALERTS#PENDING',
  pendingAlertSort: (createdAt: string, alertId: string) => `${createdAt}#${alertId}`,
  matchMonths: { pk: 'META', sk: 'MATCH_MONTHS' },
  story: (storyKey: string) => ({ pk: `STORY#${storyKey}`, sk: 'STORY' }),
  /** `bandKey` is `<band index>#<hash of its rows>` (domain/story.ts bandKeys). */
  storyBand: (bandKey: string) => ({ pk: `BAND#${bandKey}`, sk: 'BAND' }),
  itemLink: (feedId: string, linkHash: string) => ({ pk: `LINK#${feedId}#${linkHash}`, sk: 'LINK' }),
} as const;

/** CreateTable input for local stores (dynalite, DynamoDB Local): on-demand billing, no streams. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, globalSecondaryIndexes } = TABLE_SCHEMA;
  const names = new Set<string>([partitionKey.name, sortKey.name]);
  for (const index of globalSecondaryIndexes) {
    names.add(index.partitionKey.name);
    names.add(index.sortKey.name);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...names].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
