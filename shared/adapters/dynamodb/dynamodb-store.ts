/** RadarStore on one DynamoDB table: only Get, Put, Update, Query and BatchWrite (no Scan, no transactions). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type TranslateConfig,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { STORY_SOURCES_MAX } from '../../domain/story.js';
import type { Alert, FeedState, StoredItem, StoredMatch } from '../../domain/types.js';
import type {
  MatchPage,
  MatchQuery,
  RadarStore,
  StoryBandOwner,
  StoryRecord,
  StorySource,
} from '../../ports/index.js';
import {
  bucketMayHold,
  compareKeys,
  encodeMatchCursor,
  isInBounds,
  type MatchQueryBounds,
  matchSortKey,
  monthBucket,
  resolveMatchQuery,
  stripUndefined,
} from './cursor.js';
import { AlertNotFoundError, StoreWriteError, TableSetupError } from './errors.js';
import { createTableInput, ENTITY, KEYS, RECORD_ATTRIBUTES, TABLE_SCHEMA } from './table-schema.js';

type Record_ = Record<string, unknown>;

/** The domain fields of a band record. */
interface BandRecord {
  storyKey: string;
  published: string;
}

/** Document-client settings the composition roots should use (the store also strips undefined itself). */
export const DOCUMENT_CLIENT_TRANSLATE_CONFIG: TranslateConfig = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
};

export interface DynamoDbStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Retries of BatchWrite UnprocessedItems, with exponential backoff and full jitter.
   * @default { attempts: 8, baseDelayMs: 25 }
   */
  readonly batchRetry?: { attempts: number; baseDelayMs: number };
}

const BATCH_WRITE_SIZE = 25;
const [GSI1, GSI2, GSI3] = TABLE_SCHEMA.globalSecondaryIndexes;

const HIDDEN_ATTRIBUTES: ReadonlySet<string> = new Set([
  TABLE_SCHEMA.partitionKey.name,
  TABLE_SCHEMA.sortKey.name,
  ...TABLE_SCHEMA.globalSecondaryIndexes.flatMap((index) => [index.partitionKey.name, index.sortKey.name]),
  RECORD_ATTRIBUTES.entity,
  RECORD_ATTRIBUTES.alertPublishedAt,
  RECORD_ATTRIBUTES.storySourceKeys,
]);

/** Drops the key and bookkeeping attributes so only the domain fields remain. */
function fromRecord<T>(record: Record_): T {
  const out: Record_ = {};
  for (const [name, value] of Object.entries(record)) {
    if (!HIDDEN_ATTRIBUTES.has(name)) out[name] = value;
  }
  return out as T;
}

/** Maps an alert record (for example an unmarshalled stream NEW_IMAGE) to the Alert it holds. */
export function alertFromRecord(record: Record<string, unknown>): Alert {
  return fromRecord<Alert>(record);
}

interface IndexRead {
  indexName: string;
  partitionAttribute: string;
  sortAttribute: string;
  partition: string;
  /** Keeps only rows of this feed (FilterExpression; paging stays correct because reads loop). */
  feedId?: string;
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The single-table DynamoDB implementation of every store port. */
export class DynamoDbStore implements RadarStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly batchRetry: { attempts: number; baseDelayMs: number };

  constructor(props: DynamoDbStoreProps) {
    this.client = props.client;
    this.tableName = props.tableName;
    this.batchRetry = props.batchRetry ?? { attempts: 8, baseDelayMs: 25 };
  }

  async getFeedState(feedId: string): Promise<FeedState | null> {
    return this.getRecord<FeedState>(KEYS.feedState(feedId));
  }

  async putFeedState(state: FeedState): Promise<void> {
    await this.put({
      ...stripUndefined(state),
      ...KEYS.feedState(state.feedId),
      ...KEYS.feedStatesIndex(state.feedId),
      [RECORD_ATTRIBUTES.entity]: ENTITY.feedState,
    });
  }

  async listFeedStates(): Promise<FeedState[]> {
    const records = await this.queryAll({
      IndexName: GSI1.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey.name },
      ExpressionAttributeValues: { ':pk': KEYS.feedStatesPartition },
    });
    return records.map((record) => fromRecord<FeedState>(record));
  }

  async getItem(itemKey: string): Promise<StoredItem | null> {
    return this.getRecord<StoredItem>(KEYS.item(itemKey));
  }

  async putItem(item: StoredItem): Promise<void> {
    await this.put({
      ...stripUndefined(item),
      ...KEYS.item(item.itemKey),
      [RECORD_ATTRIBUTES.entity]: ENTITY.item,
    });
  }

  async putMatches(matches: StoredMatch[]): Promise<void> {
    if (matches.length === 0) return;
    // BatchWrite rejects two writes to one key in a request; the last write of a key wins, as with puts.
    const byKey = new Map<string, Record_>();
    for (const match of matches) {
      const record = matchRecord(match);
      byKey.set(`${record.pk}\u0000${record.sk}`, record);
    }
    // Register the month buckets first: a listed but empty bucket costs one Query, an unlisted one loses rows.
    const months = new Set([...byKey.values()].map((record) => record.gsi3bucket as string));
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: KEYS.matchMonths,
        UpdateExpression: 'ADD #months :months SET #entity = :entity',
        ExpressionAttributeNames: {
          '#months': RECORD_ATTRIBUTES.matchMonths,
          '#entity': RECORD_ATTRIBUTES.entity,
        },
        ExpressionAttributeValues: { ':months': months, ':entity': ENTITY.meta },
      }),
    );
    const records = [...byKey.values()].map(({ gsi3bucket: _bucket, ...record }) => record);
    for (let start = 0; start < records.length; start += BATCH_WRITE_SIZE) {
      await this.batchPut(records.slice(start, start + BATCH_WRITE_SIZE));
    }
  }

  async getMatchesForItem(itemKey: string): Promise<StoredMatch[]> {
    const records = await this.queryAll({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey.name, '#sk': TABLE_SCHEMA.sortKey.name },
      ExpressionAttributeValues: { ':pk': KEYS.itemPartition(itemKey), ':prefix': KEYS.matchSortPrefix },
      ConsistentRead: true,
    });
    return records.map((record) => fromRecord<StoredMatch>(record));
  }

  async queryMatches(query: MatchQuery): Promise<MatchPage> {
    const bounds = resolveMatchQuery(query);
    if (bounds.empty) return { matches: [], cursor: null };
    // One row past the page tells whether another page exists, so the last page has no cursor.
    const want = bounds.limit + 1;
    let records: Record_[];
    if (query.measureId !== undefined) {
      records = await this.readIndexDescending(
        {
          indexName: GSI1.indexName,
          partitionAttribute: GSI1.partitionKey.name,
          sortAttribute: GSI1.sortKey.name,
          partition: KEYS.byMeasurePartition(query.measureId),
          ...(query.feedId !== undefined ? { feedId: query.feedId } : {}),
        },
        bounds,
        want,
      );
    } else if (query.feedId !== undefined) {
      records = await this.readIndexDescending(
        {
          indexName: GSI2.indexName,
          partitionAttribute: GSI2.partitionKey.name,
          sortAttribute: GSI2.sortKey.name,
          partition: KEYS.byFeedPartition(query.feedId),
        },
        bounds,
        want,
      );
    } else {
      records = [];
      // Buckets are fixed-length prefixes of the sort key, so walking them newest first is already a merge.
      const buckets = (await this.matchMonths())
        .filter((bucket) => bucketMayHold(bucket, bounds))
        .sort((a, b) => compareKeys(b, a));
      for (const bucket of buckets) {
        if (records.length >= want) break;
        const rows = await this.readIndexDescending(
          {
            indexName: GSI3.indexName,
            partitionAttribute: GSI3.partitionKey.name,
            sortAttribute: GSI3.sortKey.name,
            partition: KEYS.byMonthPartition(bucket),
          },
          bounds,
          want - records.length,
        );
        records.push(...rows);
      }
    }
    const matches = records.slice(0, bounds.limit).map((record) => fromRecord<StoredMatch>(record));
    const last = matches.at(-1);
    return { matches, cursor: records.length > bounds.limit && last ? encodeMatchCursor(last) : null };
  }

  /** Sends a conditional write; false when its condition failed (the expected end of a lost race). */
  private async sendConditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      // The union defeats the client's overloads; each member is a valid command on its own.
      await (command instanceof PutCommand ? this.client.send(command) : this.client.send(command));
      return true;
    } catch (err) {
      if (isNamed(err, 'ConditionalCheckFailedException')) return false;
      throw err;
    }
  }

  async createAlert(alert: Alert): Promise<boolean> {
    const record: Record_ = {
      ...stripUndefined(alert),
      ...KEYS.alert(alert.id),
      [RECORD_ATTRIBUTES.entity]: ENTITY.alert,
    };
    if (alert.status === 'pending') {
      record[GSI1.partitionKey.name] = KEYS.pendingAlertsPartition;
      record[GSI1.sortKey.name] = KEYS.pendingAlertSort(alert.createdAt, alert.id);
    }
    return this.sendConditional(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey.name },
      }),
    );
  }

  async getAlert(id: string): Promise<Alert | null> {
    return this.getRecord<Alert>(KEYS.alert(id));
  }

  async listPendingAlerts(limit: number): Promise<Alert[]> {
    if (!Number.isInteger(limit) || limit < 1) return [];
    const records: Record_[] = [];
    let startKey: Record_ | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': GSI1.partitionKey.name },
          ExpressionAttributeValues: { ':pk': KEYS.pendingAlertsPartition },
          ScanIndexForward: true,
          Limit: limit - records.length,
          ExclusiveStartKey: startKey,
        }),
      );
      records.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && records.length < limit);
    return records.slice(0, limit).map((record) => fromRecord<Alert>(record));
  }

  async extendPendingAlert(alert: Alert, expectedMeasureCount: number): Promise<boolean> {
    return this.sendConditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: KEYS.alert(alert.id),
        UpdateExpression:
          'SET #measures = :measures, #evidence = :evidence, #severity = :severity, #stage = :stage',
        ConditionExpression: '#status = :pending AND size(#measures) = :n',
        ExpressionAttributeNames: {
          '#measures': 'measures',
          '#evidence': 'evidence',
          '#severity': 'severity',
          '#stage': 'stage',
          '#status': 'status',
        },
        ExpressionAttributeValues: stripUndefined({
          ':measures': alert.measures,
          ':evidence': alert.evidence,
          ':severity': alert.severity,
          ':stage': alert.stage,
          ':pending': 'pending',
          ':n': expectedMeasureCount,
        }),
      }),
    );
  }

  async markAlertPublished(id: string, publishedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEYS.alert(id),
          // Removing the GSI keys drops the alert from the sparse pending index.
          UpdateExpression: 'SET #status = :published, #at = if_not_exists(#at, :at) REMOVE #gpk, #gsk',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: {
            '#pk': TABLE_SCHEMA.partitionKey.name,
            '#status': 'status',
            '#at': RECORD_ATTRIBUTES.alertPublishedAt,
            '#gpk': GSI1.partitionKey.name,
            '#gsk': GSI1.sortKey.name,
          },
          ExpressionAttributeValues: { ':published': 'published', ':at': publishedAt },
        }),
      );
    } catch (err) {
      if (isNamed(err, 'ConditionalCheckFailedException')) {
        throw new AlertNotFoundError(`alert not found: ${id}`);
      }
      throw err;
    }
  }

  async getStoryBands(bandKeys: readonly string[]): Promise<Map<string, StoryBandOwner>> {
    // Parallel Gets rather than BatchGetItem: the same read units, and no extra IAM action for ingest.
    const owners = await Promise.all(bandKeys.map((key) => this.getRecord<BandRecord>(KEYS.storyBand(key))));
    const out = new Map<string, StoryBandOwner>();
    bandKeys.forEach((key, i) => {
      const owner = owners[i];
      if (owner) out.set(key, { storyKey: owner.storyKey, published: owner.published });
    });
    return out;
  }

  async claimStoryBand(
    bandKey: string,
    owner: StoryBandOwner,
    reclaimBefore: string,
  ): Promise<StoryBandOwner> {
    // A Get after a lost claim can only miss the owner if the band was deleted meanwhile; one retry covers it.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              storyKey: owner.storyKey,
              published: owner.published,
              ...KEYS.storyBand(bandKey),
              [RECORD_ATTRIBUTES.entity]: ENTITY.storyBand,
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #storyKey = :storyKey OR #published < :before',
            ExpressionAttributeNames: {
              '#pk': TABLE_SCHEMA.partitionKey.name,
              '#storyKey': 'storyKey',
              '#published': 'published',
            },
            ExpressionAttributeValues: { ':storyKey': owner.storyKey, ':before': reclaimBefore },
          }),
        );
        return { ...owner };
      } catch (err) {
        if (!isNamed(err, 'ConditionalCheckFailedException')) throw err;
      }
      const current = await this.getRecord<BandRecord>(KEYS.storyBand(bandKey));
      if (current) return { storyKey: current.storyKey, published: current.published };
    }
    throw new StoreWriteError(
      `band ${bandKey}: claim failed twice and no owner was found (table ${this.tableName})`,
    );
  }

  async getStory(storyKey: string): Promise<StoryRecord | null> {
    return this.getRecord<StoryRecord>(KEYS.story(storyKey));
  }

  async createStory(story: StoryRecord): Promise<boolean> {
    const record: Record_ = {
      ...stripUndefined(story),
      ...KEYS.story(story.storyKey),
      [RECORD_ATTRIBUTES.entity]: ENTITY.story,
    };
    // DynamoDB rejects an empty set, so a story without sources gets the set on its first append.
    if (story.sources.length > 0) {
      record[RECORD_ATTRIBUTES.storySourceKeys] = new Set(story.sources.map((source) => source.itemKey));
    }
    return this.sendConditional(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey.name },
      }),
    );
  }

  async appendStorySource(storyKey: string, source: StorySource): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEYS.story(storyKey),
          UpdateExpression: 'SET #sources = list_append(#sources, :one) ADD #keys :keySet',
          // The key set makes a retried append a no-op; the size cap keeps the record small.
          ConditionExpression:
            'attribute_exists(#pk) AND NOT contains(#keys, :itemKey) AND size(#sources) < :max',
          ExpressionAttributeNames: {
            '#pk': TABLE_SCHEMA.partitionKey.name,
            '#sources': 'sources',
            '#keys': RECORD_ATTRIBUTES.storySourceKeys,
          },
          ExpressionAttributeValues: {
            ':one': [stripUndefined(source)],
            ':keySet': new Set([source.itemKey]),
            ':itemKey': source.itemKey,
            ':max': STORY_SOURCES_MAX,
          },
        }),
      );
    } catch (err) {
      if (!isNamed(err, 'ConditionalCheckFailedException')) throw err;
    }
  }

  async markStoryMerged(storyKey: string, into: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEYS.story(storyKey),
          UpdateExpression: 'SET #merged = :into',
          ConditionExpression:
            'attribute_exists(#pk) AND (attribute_not_exists(#merged) OR attribute_type(#merged, :null))',
          ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey.name, '#merged': 'mergedInto' },
          ExpressionAttributeValues: { ':into': into, ':null': 'NULL' },
        }),
      );
    } catch (err) {
      if (!isNamed(err, 'ConditionalCheckFailedException')) throw err;
    }
  }

  async getItemKeyByLink(feedId: string, linkHash: string): Promise<string | null> {
    const record = await this.getRecord<{ itemKey: string }>(KEYS.itemLink(feedId, linkHash));
    return record?.itemKey ?? null;
  }

  async putItemLink(feedId: string, linkHash: string, itemKey: string): Promise<void> {
    await this.put({
      itemKey,
      ...KEYS.itemLink(feedId, linkHash),
      [RECORD_ATTRIBUTES.entity]: ENTITY.itemLink,
    });
  }

  private async getRecord<T>(key: { pk: string; sk: string }): Promise<T | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item ? fromRecord<T>(out.Item) : null;
  }

  private async put(record: Record_): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: record }));
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record_[]> {
    const records: Record_[] = [];
    let startKey: Record_ | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      records.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  /** Reads up to `want` rows of one index partition inside the bounds, newest first. */
  private async readIndexDescending(
    read: IndexRead,
    bounds: MatchQueryBounds,
    want: number,
  ): Promise<Record_[]> {
    const names: Record<string, string> = { '#pk': read.partitionAttribute };
    const values: Record_ = { ':pk': read.partition };
    let condition = '#pk = :pk';
    const { lower, upper } = bounds;
    // DynamoDB rejects unused expression names, so #sk is only declared with a sort-key condition.
    if (lower !== undefined || upper !== undefined) names['#sk'] = read.sortAttribute;
    if (lower !== undefined && upper !== undefined) {
      // BETWEEN is inclusive; the row equal to `upper` is dropped below.
      condition += ' AND #sk BETWEEN :lower AND :upper';
      values[':lower'] = lower;
      values[':upper'] = upper;
    } else if (upper !== undefined) {
      condition += ' AND #sk < :upper';
      values[':upper'] = upper;
    } else if (lower !== undefined) {
      condition += ' AND #sk >= :lower';
      values[':lower'] = lower;
    }
    let filter: string | undefined;
    if (read.feedId !== undefined) {
      filter = '#feedId = :feedId';
      names['#feedId'] = 'feedId';
      values[':feedId'] = read.feedId;
    }
    const rows: Record_[] = [];
    let startKey: Record_ | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: read.indexName,
          KeyConditionExpression: condition,
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // One spare row covers the BETWEEN row equal to `upper`.
          Limit: want - rows.length + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const sortKey = item[read.sortAttribute];
        if (typeof sortKey === 'string' && isInBounds(sortKey, bounds)) rows.push(item);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && rows.length < want);
    return rows.slice(0, want);
  }

  private async matchMonths(): Promise<string[]> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: KEYS.matchMonths, ConsistentRead: true }),
    );
    const months: unknown = out.Item?.[RECORD_ATTRIBUTES.matchMonths];
    if (months instanceof Set)
      return [...months].filter((month): month is string => typeof month === 'string');
    return [];
  }

  private async batchPut(records: Record_[]): Promise<void> {
    let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = records.map((Item) => ({
      PutRequest: { Item },
    }));
    for (let attempt = 1; ; attempt++) {
      const out = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      const unprocessed = out.UnprocessedItems?.[this.tableName] ?? [];
      if (unprocessed.length === 0) return;
      if (attempt >= this.batchRetry.attempts) {
        throw new StoreWriteError(
          `batch write left ${unprocessed.length} unprocessed items after ${attempt} attempts (table ${this.tableName})`,
        );
      }
      requests = unprocessed;
      const cap = this.batchRetry.baseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.random() * Math.min(cap, 2000));
    }
  }
}

/** Builds the stored record of a match; `gsi3bucket` is a transient field naming its month bucket. */
function matchRecord(match: StoredMatch): Record_ & { pk: string; sk: string; gsi3bucket: string } {
  const sortKey = matchSortKey(match);
  const bucket = monthBucket(sortKey);
  return {
    ...stripUndefined(match),
    ...KEYS.match(match.itemKey, match.measureId),
    [RECORD_ATTRIBUTES.entity]: ENTITY.match,
    [GSI1.partitionKey.name]: KEYS.byMeasurePartition(match.measureId),
    [GSI1.sortKey.name]: sortKey,
    [GSI2.partitionKey.name]: KEYS.byFeedPartition(match.feedId),
    [GSI2.sortKey.name]: sortKey,
    [GSI3.partitionKey.name]: KEYS.byMonthPartition(bucket),
    [GSI3.sortKey.name]: sortKey,
    gsi3bucket: bucket,
  };
}

/** Creates the table if it is missing (idempotent), waits until it is ACTIVE, and checks its indexes. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let table = await describeTable(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (err) {
      // Another process created it first: fine, wait for it like our own.
      if (!isNamed(err, 'ResourceInUseException')) throw err;
    }
  }
  for (;;) {
    table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) break;
    if (Date.now() > deadline) {
      throw new TableSetupError(`table ${tableName} not active (status ${table?.TableStatus ?? 'missing'})`);
    }
    await sleep(50);
  }
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = TABLE_SCHEMA.globalSecondaryIndexes
    .map((index) => index.indexName)
    .filter((n) => !present.has(n));
  const keys = (table.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
  const expectedKeys = `${TABLE_SCHEMA.partitionKey.name}:HASH,${TABLE_SCHEMA.sortKey.name}:RANGE`;
  if (missing.length > 0 || keys !== expectedKeys) {
    throw new TableSetupError(
      `table ${tableName} does not match the schema (keys ${keys}, missing indexes: ${missing.join(', ') || 'none'}); ` +
        'delete it (locally: the data directory) so it is recreated',
    );
  }
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table;
  } catch (err) {
    if (isNamed(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}
