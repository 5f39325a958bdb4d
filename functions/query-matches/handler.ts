/** Lambda entry: composition root of query-matches (runs once per cold start). */
import { loadEnv } from '../../shared/config/env.js';
import { createStore } from '../lib/aws-clients.js';
import { createLogger } from '../lib/observability.js';
import { loadRuntimeConfig } from '../lib/runtime-config.js';
import { createQueryHandler } from './create-handler.js';

const env = loadEnv(process.env, { tableName: 'string', configDir: 'string' });
const config = await loadRuntimeConfig(env.configDir);

export const handler = createQueryHandler({
  store: createStore(env.tableName).store,
  feeds: config.feeds,
  clock: { now: () => new Date() },
  logger: createLogger(),
});
