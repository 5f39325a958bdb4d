import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbStore, ensureTable } from '../../shared/adapters/dynamodb/dynamodb-store.js';
import {
  createLocalDocumentClient,
  type EmbeddedDynalite,
  startEmbeddedDynalite,
} from '../../shared/adapters/dynamodb/embedded-dynalite.js';
import {
  describeStoreContract,
  type StoreUnderTest,
  sampleItem,
  sampleMatch,
} from '../support/store-contract.js';

const ddbLocalEndpoint = inject('ddbEndpoint');

/** Every DynamoDB operation the store and its setup send, across all backends of this file. */
const commandsSent = new Set<string>();
let tables = 0;

function uniqueTableName(): string {
  tables += 1;
  return `radar-int-${process.pid}-${Date.now().toString(36)}-${tables}`;
}

function recordCommands(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commandsSent.add(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
}

/** A DynamoDbStore on a fresh table; cleanup deletes the table and closes the client. */
async function makeTableStore(endpoint: string): Promise<StoreUnderTest> {
  const { client, documentClient } = createLocalDocumentClient(endpoint);
  recordCommands(client);
  const tableName = uniqueTableName();
  await ensureTable(client, tableName);
  return {
    store: new DynamoDbStore({ client: documentClient, tableName }),
    async cleanup() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

let dynalite: EmbeddedDynalite;

beforeAll(async () => {
  dynalite = await startEmbeddedDynalite();
});

afterAll(async () => {
  await dynalite.close();
});

describeStoreContract('DynamoDbStore on DynamoDB Local', () => makeTableStore(ddbLocalEndpoint));
describeStoreContract('DynamoDbStore on embedded dynalite', () => makeTableStore(dynalite.endpoint));

describe('ensureTable', () => {
  it.each([
    ['DynamoDB Local', () => ddbLocalEndpoint],
    ['dynalite', () => dynalite.endpoint],
  ])('is idempotent on %s', async (_name, endpoint) => {
    const { client } = createLocalDocumentClient(endpoint());
    const tableName = uniqueTableName();
    try {
      await ensureTable(client, tableName);
      await ensureTable(client, tableName);
      await Promise.all([ensureTable(client, tableName), ensureTable(client, tableName)]);
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  });

  it('rejects an existing table that lacks the indexes, naming them', async () => {
    const { client } = createLocalDocumentClient(ddbLocalEndpoint);
    const tableName = uniqueTableName();
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    try {
      await expect(ensureTable(client, tableName)).rejects.toMatchObject({
        code: 'TABLE_SETUP',
        message: expect.stringContaining('gsi1, gsi2, gsi3'),
      });
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  });
});

describe('startEmbeddedDynalite', () => {
  it('keeps data on disk across a restart when given a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'radar-dynalite-'));
    try {
      const first = await startEmbeddedDynalite({ dir });
      const a = createLocalDocumentClient(first.endpoint);
      await ensureTable(a.client, 'radar-persisted');
      await new DynamoDbStore({ client: a.documentClient, tableName: 'radar-persisted' }).putItem(
        sampleItem(),
      );
      await new DynamoDbStore({ client: a.documentClient, tableName: 'radar-persisted' }).putMatches([
        sampleMatch(),
      ]);
      a.client.destroy();
      await first.close();
      await first.close();

      const second = await startEmbeddedDynalite({ dir });
      const b = createLocalDocumentClient(second.endpoint);
      try {
        await ensureTable(b.client, 'radar-persisted');
        const store = new DynamoDbStore({ client: b.documentClient, tableName: 'radar-persisted' });
        expect(await store.getItem('item-1')).toStrictEqual(sampleItem());
        expect((await store.queryMatches({ limit: 5 })).matches).toStrictEqual([sampleMatch()]);
      } finally {
        b.client.destroy();
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps data in memory only when given no directory', async () => {
    const first = await startEmbeddedDynalite();
    const a = createLocalDocumentClient(first.endpoint);
    await ensureTable(a.client, 'radar-memory');
    a.client.destroy();
    await first.close();
    const second = await startEmbeddedDynalite();
    const b = createLocalDocumentClient(second.endpoint);
    try {
      await ensureTable(b.client, 'radar-memory');
      const store = new DynamoDbStore({ client: b.documentClient, tableName: 'radar-memory' });
      expect(await store.getItem('item-1')).toBeNull();
    } finally {
      b.client.destroy();
      await second.close();
    }
  });
});

// Runs last in this file (tests run in order), after every contract test above has sent its commands.
describe('operations used', () => {
  it('never sends a Scan, a transaction, or a TTL or stream call', () => {
    const allowed = new Set([
      'GetItemCommand',
      'PutItemCommand',
      'UpdateItemCommand',
      'QueryCommand',
      'BatchWriteItemCommand',
      'BatchGetItemCommand',
      'CreateTableCommand',
      'DescribeTableCommand',
      'DeleteTableCommand',
    ]);
    expect(commandsSent.size).toBeGreaterThan(5);
    expect([...commandsSent].filter((name) => !allowed.has(name))).toStrictEqual([]);
  });
});
