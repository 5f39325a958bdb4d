/** Loads the feeds and measures bundled with a function (validated again at cold start; synth already did). */
import { join } from 'node:path';
import { loadPrecompiled } from '../../shared/adapters/fs/precompiled-measures.js';
import { loadFeedsFile, loadMeasuresFile } from '../../shared/config/load-files.js';
import type { FeedsConfig } from '../../shared/config/schema.js';
import type { Classifier } from '../../shared/domain/classifier/index.js';
import type { Measure } from '../../shared/domain/types.js';

/** File names of the bundled config inside ENV.configDir (infra copies them there). */
export const CONFIG_FILES = { feeds: 'feeds.yaml', measures: 'measures.yaml' } as const;

export interface RuntimeConfig extends FeedsConfig {
  measures: Measure[];
}

/** Reads feeds.yaml and measures.yaml from `configDir`; throws ConfigError naming the file and field. */
export async function loadRuntimeConfig(configDir: string): Promise<RuntimeConfig> {
  const [feeds, measures] = await Promise.all([
    loadFeedsFile(join(configDir, CONFIG_FILES.feeds)),
    loadMeasuresFile(join(configDir, CONFIG_FILES.measures)),
  ]);
  return { ...feeds, measures };
}

/**
 * The classifier for the bundled measures: the set the deploy compiled into `configDir`
 * (scripts/precompile-measures.ts) when it matches them, else compiled now (40–90 ms more).
 */
export function loadClassifier(
  configDir: string,
  measures: readonly Measure[],
): { classifier: Classifier; precompiled: boolean } {
  return loadPrecompiled(measures, configDir);
}

/** Display names by id, for alert messages. */
export function namesById(
  entries: ReadonlyArray<{ id: string; name: string | null }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) if (e.name) out[e.id] = e.name;
  return out;
}
