import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type StaticFeedServer, startStaticFeedServer } from '../../cli/static-feed-server.js';
import { DynamoDbStore, ensureTable } from '../../shared/adapters/dynamodb/dynamodb-store.js';
import { createLocalDocumentClient } from '../../shared/adapters/dynamodb/embedded-dynalite.js';
import { HttpFeedFetcher } from '../../shared/adapters/http/http-feed-fetcher.js';
import { OutboxPublisher } from '../../shared/adapters/local/outbox-publisher.js';
import { loadMeasuresFile } from '../../shared/config/load-files.js';
import { compileMeasures } from '../../shared/domain/classifier/index.js';
import type { FeedConfig } from '../../shared/domain/types.js';
import { runCycle } from '../../shared/use-cases/run-cycle.js';
import { CrashError, crashingStore } from '../support/crashing-store.js';
import { ManualClock } from '../support/fakes.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pipeline');

/** Crash at each write of a real run against DynamoDB Local, re-run, and compare the outbox with a clean run. */
describe('crash between steps against DynamoDB Local', () => {
  let server: StaticFeedServer;
  let dir: string;
  const clients = createLocalDocumentClient(inject('ddbEndpoint'));
  let feeds: FeedConfig[];
  let classifier: ReturnType<typeof compileMeasures>;
  let tableCount = 0;

  beforeAll(async () => {
    server = await startStaticFeedServer(FIXTURES);
    dir = await mkdtemp(join(tmpdir(), 'radar-crash-'));
    feeds = ['world-wire.xml', 'syndicated.xml'].map((f) => ({
      id: f.split('.')[0] as string,
      url: `${server.baseUrl}/${f}`,
      name: null,
      tags: [],
    }));
    classifier = compileMeasures(
      await loadMeasuresFile(join(import.meta.dirname, '..', '..', 'config', 'measures.yaml')),
    );
  });

  afterAll(async () => {
    clients.client.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function freshStore() {
    const tableName = `crash-${process.pid}-${++tableCount}`;
    await ensureTable(clients.client, tableName);
    return new DynamoDbStore({ client: clients.documentClient, tableName });
  }

  async function ids(outbox: string): Promise<string[]> {
    const text = await readFile(outbox, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).id as string);
  }

  it("delivers exactly the clean run's alerts once, whichever write crashed", async () => {
    const fetcher = new HttpFeedFetcher({ userAgent: 'radar-test', allowPrivateHosts: true });
    const base = { fetcher, classifier, pollIntervalMs: 1 };

    const clean = crashingStore(await freshStore(), Number.POSITIVE_INFINITY);
    const cleanOutbox = join(dir, 'clean.jsonl');
    await runCycle(
      { ...base, store: clean.store, clock: new ManualClock(), publisher: new OutboxPublisher(cleanOutbox) },
      feeds,
    );
    const expected = await ids(cleanOutbox);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const writes = clean.writes();

    // Every write of the clean run, in turn, is the one that crashes.
    for (let crashAt = 1; crashAt <= writes; crashAt++) {
      const store = await freshStore();
      const outbox = join(dir, `crash-${crashAt}.jsonl`);
      const clock = new ManualClock();
      const crashing = crashingStore(store, crashAt);
      await runCycle(
        { ...base, store: crashing.store, clock, publisher: new OutboxPublisher(outbox) },
        feeds,
      ).catch((e) => {
        if (!(e instanceof CrashError)) throw e;
      });
      clock.advance(60_000);
      // The re-run is a new process: a new publisher instance reads the outbox afresh.
      await runCycle({ ...base, store, clock, publisher: new OutboxPublisher(outbox) }, feeds);
      const got = await ids(outbox);
      expect(got.sort(), `crash at write ${crashAt} of ${writes}`).toEqual([...expected].sort());
    }
  });
});
