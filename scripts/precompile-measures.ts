/**
 * Writes the compiled set of a measures file into a directory (shared/adapters/fs/precompiled-measures.ts),
 * for a Lambda bundle: RadarFunction's bundling hook runs it after copying the config.
 *
 *   npx tsx scripts/precompile-measures.ts MEASURES_FILE OUT_DIR
 */

import { writePrecompiled } from '../shared/adapters/fs/precompiled-measures.js';
import { loadMeasuresFile } from '../shared/config/load-files.js';

const [measuresFile, outDir] = process.argv.slice(2);
if (measuresFile === undefined || outDir === undefined) {
  process.stderr.write('usage: precompile-measures MEASURES_FILE OUT_DIR\n');
  process.exit(2);
}
try {
  writePrecompiled(await loadMeasuresFile(measuresFile), outDir);
} catch (err) {
  process.stderr.write(`precompile-measures: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
