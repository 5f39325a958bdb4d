/** Local composition root: the embedded store under the data dir, the HTTP fetcher, the outbox publisher. */
import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDbStore, ensureTable } from '../shared/adapters/dynamodb/dynamodb-store.js';
import {
  createLocalDocumentClient,
  startEmbeddedDynalite,
} from '../shared/adapters/dynamodb/embedded-dynalite.js';
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
  const releaseLock = await lockDataDir(dir, dataDir);
  let server: Awaited<ReturnType<typeof startEmbeddedDynalite>>;
  try {
    server = await startEmbeddedDynalite({ dir });
  } catch (err) {
    await releaseLock();
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
      await releaseLock();
    },
  };
}

/** The clock of the real world. */
export const systemClock = { now: () => new Date() };

/**
 * LevelDB allows one process per directory; a second one would fail deep inside dynalite. Take a pid
 * lock first so the second process gets a clear message (a stale lock from a dead process is taken over).
 */
async function lockDataDir(dir: string, dataDir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'radar.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      const onExit = () => {
        try {
          unlinkSync(path);
        } catch {
          // already released
        }
      };
      process.once('exit', onExit);
      return async () => {
        process.off('exit', onExit);
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new UsageError(
          `data dir ${dataDir} is in use by another radar process (pid ${pid}); stop it or use --data-dir`,
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new UsageError(`data dir ${dataDir}: could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
