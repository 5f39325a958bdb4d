import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { alertFromRecord, DynamoDbStore } from '../../../../../shared/adapters/dynamodb/dynamodb-store.js';
import { createTableInput, TABLE_SCHEMA } from '../../../../../shared/adapters/dynamodb/table-schema.js';
import { sampleAlert, sampleMatch } from '../../../../support/store-contract.js';

const ddb = mockClient(DynamoDBDocumentClient);
// Every command is answered by the mock; the endpoint and keys only satisfy the constructor.
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
  }),
);
const store = () =>
  new DynamoDbStore({ client, tableName: 'radar', batchRetry: { attempts: 3, baseDelayMs: 0 } });

beforeEach(() => {
  ddb.reset();
});

describe('DynamoDbStore.putMatches', () => {
  it('registers the month buckets before writing, then writes in batches of 25', async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    const matches = Array.from({ length: 60 }, (_, i) =>
      sampleMatch({
        itemKey: `item-${i}`,
        published: i < 30 ? '2024-12-31T23:00:00.000Z' : '2025-01-01T01:00:00.000Z',
      }),
    );
    await store().putMatches(matches);
    const calls = ddb.calls().map((call) => call.args[0].constructor.name);
    expect(calls).toStrictEqual([
      'UpdateCommand',
      'BatchWriteCommand',
      'BatchWriteCommand',
      'BatchWriteCommand',
    ]);
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.Key).toStrictEqual({ pk: 'META', sk: 'MATCH_MONTHS' });
    expect(update?.ExpressionAttributeValues?.[':months']).toStrictEqual(new Set(['2024-12', '2025-01']));
    const sizes = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.radar?.length);
    expect(sizes).toStrictEqual([25, 25, 10]);
  });

  it('writes every index key on a match record and no transient field', async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    await store().putMatches([sampleMatch()]);
    const item =
      ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.radar?.[0]?.PutRequest?.Item;
    const sortKey = '2025-05-20T10:00:00.000Z#item-1#eu-package-17';
    expect(item).toStrictEqual({
      ...sampleMatch(),
      pk: 'ITEM#item-1',
      sk: 'MATCH#eu-package-17',
      entity: 'match',
      gsi1pk: 'MEASURE#eu-package-17',
      gsi1sk: sortKey,
      gsi2pk: 'FEED#feed-a',
      gsi2sk: sortKey,
      gsi3pk: 'MATCHES#2025-05',
      gsi3sk: sortKey,
    });
  });

  it('retries unprocessed items until they are written', async () => {
    ddb.on(UpdateCommand).resolves({});
    const match = sampleMatch({ itemKey: 'item-2' });
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { radar: [{ PutRequest: { Item: { pk: 'ITEM#item-2' } } }] } })
      .resolves({});
    await store().putMatches([sampleMatch(), match]);
    const batches = ddb.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.radar);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toStrictEqual([{ PutRequest: { Item: { pk: 'ITEM#item-2' } } }]);
  });

  it('fails with UNPROCESSED_ITEMS when retries run out', async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb
      .on(BatchWriteCommand)
      .resolves({ UnprocessedItems: { radar: [{ PutRequest: { Item: { pk: 'x' } } }] } });
    await expect(store().putMatches([sampleMatch()])).rejects.toMatchObject({ code: 'UNPROCESSED_ITEMS' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });
});

describe('DynamoDbStore.queryMatches', () => {
  it('queries the measure index newest first, filtering on the feed', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store().queryMatches({
      measureId: 'm-oil',
      feedId: 'feed-a',
      since: '2025-01',
      until: '2025-02',
      limit: 10,
    });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toStrictEqual({
      TableName: 'radar',
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
      FilterExpression: '#feedId = :feedId',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk', '#feedId': 'feedId' },
      ExpressionAttributeValues: {
        ':pk': 'MEASURE#m-oil',
        ':lower': '2025-01',
        ':upper': '2025-02',
        ':feedId': 'feed-a',
      },
      ScanIndexForward: false,
      Limit: 12,
      ExclusiveStartKey: undefined,
    });
  });

  it('follows LastEvaluatedKey while the filter leaves the page short', async () => {
    const row = (i: number) => ({
      ...sampleMatch({ itemKey: `item-${i}` }),
      gsi1sk: `2025-05-20T10:00:00.000Z#item-${i}#eu-package-17`,
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'a' } })
      .resolvesOnce({ Items: [row(9)], LastEvaluatedKey: { pk: 'b' } })
      .resolves({ Items: [row(8), row(7)] });
    const page = await store().queryMatches({ measureId: 'eu-package-17', feedId: 'feed-a', limit: 2 });
    expect(page.matches.map((m) => m.itemKey)).toStrictEqual(['item-9', 'item-8']);
    expect(page.cursor).not.toBeNull();
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.ExclusiveStartKey)).toStrictEqual([
      undefined,
      { pk: 'a' },
      { pk: 'b' },
    ]);
  });

  it('reads only the listed month buckets that overlap the range, newest first', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .onAnyCommand()
      .callsFake((input: { Key?: unknown }) =>
        input.Key
          ? { Item: { months: new Set(['2024-11', '2025-01', '2024-12', '2025-03']) } }
          : { Items: [] },
      );
    await store().queryMatches({
      since: '2024-12-10T00:00:00.000Z',
      until: '2025-02-01T00:00:00.000Z',
      limit: 5,
    });
    const partitions = ddb
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(partitions).toStrictEqual(['MATCHES#2025-01', 'MATCHES#2024-12']);
  });
});

describe('DynamoDbStore alerts', () => {
  it('puts a pending alert conditionally, in the sparse pending index', async () => {
    ddb.on(PutCommand).resolves({});
    expect(await store().createAlert(sampleAlert())).toBe(true);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(input?.Item).toMatchObject({
      pk: 'ALERT#story-1',
      sk: 'ALERT',
      entity: 'alert',
      gsi1pk: 'ALERTS#PENDING',
      gsi1sk: '2025-05-20T10:06:00.000Z#story-1',
    });
  });

  it('returns false when the alert exists and rethrows any other error', async () => {
    ddb
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }))
      .rejects(new Error('throttled'));
    expect(await store().createAlert(sampleAlert())).toBe(false);
    await expect(store().createAlert(sampleAlert())).rejects.toThrow('throttled');
  });

  it('maps a stored alert record back to the alert alone', () => {
    const record = {
      ...sampleAlert(),
      pk: 'ALERT#story-1',
      sk: 'ALERT',
      entity: 'alert',
      gsi1pk: 'x',
      gsi1sk: 'y',
      alertPublishedAt: 'z',
    };
    expect(alertFromRecord(record)).toStrictEqual(sampleAlert());
  });
});

describe('createTableInput', () => {
  it('defines every key attribute once, on demand, with the shared index names', () => {
    const input = createTableInput('radar');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName)).toStrictEqual([
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
    ]);
    expect(input.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toStrictEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((i) => i.indexName),
    );
    expect(input.StreamSpecification).toBeUndefined();
  });
});
