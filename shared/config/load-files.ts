/** Reads config files from disk; validation lives in schema.ts. */
import { readFile } from 'node:fs/promises';
import type { Measure } from '../domain/types.js';
import { ConfigError } from './config-error.js';
import { type FeedsConfig, parseFeedsConfig, parseMeasuresConfig } from './schema.js';

async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read config file (${code ?? String(err)})`, path);
  }
}

/** Loads and validates a feeds.yaml file. */
export async function loadFeedsFile(path: string): Promise<FeedsConfig> {
  return parseFeedsConfig(await readConfigText(path), path);
}

/** Loads and validates a measures.yaml file. */
export async function loadMeasuresFile(path: string): Promise<Measure[]> {
  return parseMeasuresConfig(await readConfigText(path), path);
}
