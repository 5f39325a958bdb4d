/** In-process DynamoDB-compatible server (dynalite) for local runs without Java or Docker. */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_TRANSLATE_CONFIG } from './dynamodb-store.js';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export interface EmbeddedDynalite {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Stops the server and closes the LevelDB store; safe to call twice. */
  close(): Promise<void>;
}

/** Starts dynalite on a free loopback port; persists to `dir` (LevelDB) when given, else keeps data in memory. */
export async function startEmbeddedDynalite(options: { dir?: string } = {}): Promise<EmbeddedDynalite> {
  if (options.dir !== undefined) await mkdir(options.dir, { recursive: true });
  const server = dynalite({
    ...(options.dir !== undefined ? { path: options.dir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export interface LocalDynamoClients {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
}

/**
 * Builds clients for a local endpoint with static credentials and a fixed region, so the SDK never
 * consults the AWS credential chain, IMDS or any AWS host. Call client.destroy() when done.
 */
export function createLocalDocumentClient(endpoint: string): LocalDynamoClients {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // DynamoDB Local accepts alphanumeric keys only.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  return { client, documentClient: DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_TRANSLATE_CONFIG) };
}
