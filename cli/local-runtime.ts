/** Local composition root: the embedded store under the data dir, the HTTP fetcher, the outbox publisher. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDbStore, ensureTable } from '../shared/adapters/dynamodb/dynamodb-store.js';
import { createLocalDocumentClient, startEmbeddedDynalite } from '../shared/adapters/dynamodb/embedded-dynalite.js';
import type { RadarStore } from '../shared/ports/index.js';
import { UsageError } from './io.js';

export const LOCAL_TABLE = 'sanctions-radar';

export interface LocalStore {
  store: RadarStore;
  close(): Promise<void>;
}

/** Opens (creating if needed) the embedded store in `<dataDir>/ddb`. */
export async function openLocalStore(dataDir: string): Promise<LocalStore> {
  const dir = join(resolve(dataDir), 'ddb');
  await mkdir(dir, { recursive: true });
  let server: Awaited<ReturnType<typeof startEmbeddedDynalite>>;
  try {
    server = await startEmbeddedDynalite({ dir });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/lock/i.test(message)) {
      throw new UsageError(`data dir ${dataDir} is in use by another radar process (${message.split('\n')[0]})`);
    }
    throw err;
  }
  const { client, documentClient } = createLocalDocumentClient(server.endpoint);
  await ensureTable(client, LOCAL_TABLE);
  const store = new DynamoDbStore({ client: documentClient, tableName: LOCAL_TABLE });
  return {
    store,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** The clock of the real world. */
export const systemClock = { now: () => new Date() };
