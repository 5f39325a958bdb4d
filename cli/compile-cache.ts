/**
 * Cache of compiled measure sets for the CLI: compiling is most of a cold `radar classify` start
 * (40 ms for the defaults, 80 ms for 500 measures, against ~4 ms to read a cached set back).
 *
 * An entry is keyed by the classifier build (a hash of its sources, set when the CLI is bundled)
 * and the measures' ids and clauses, so an edited measures file or a new release never reads a
 * stale entry. Where: $RADAR_CACHE_DIR, else $XDG_CACHE_HOME/sanctions-radar, else
 * ~/.cache/sanctions-radar; RADAR_CACHE_DIR=off disables it. Unbundled runs (tsx, tests) have no
 * build id and compile every time. A cache that cannot be read or written is skipped silently:
 * it only ever saves time.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  PRECOMPILED_PREFIX,
  precompiledFileName,
  readPrecompiled,
  writePrecompiled,
} from '../shared/adapters/fs/precompiled-measures.js';
import { compileSet } from '../shared/domain/classifier/compile.js';
import { CompiledClassifier } from '../shared/domain/classifier/index.js';
import type { Measure } from '../shared/domain/types.js';

declare const __RADAR_BUILD_ID__: string | undefined;

/** Hash of the classifier sources, defined by scripts/build-cli.mjs; null when running unbundled. */
export const BUILD_ID: string | null = typeof __RADAR_BUILD_ID__ === 'string' ? __RADAR_BUILD_ID__ : null;

/** Entries kept; older ones are removed when a new one is written. */
const MAX_ENTRIES = 16;

/** The cache directory for this environment, or null when caching is off. */
export function cacheDirFor(env: Record<string, string | undefined>): string | null {
  const explicit = env.RADAR_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return explicit === 'off' ? null : explicit;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'sanctions-radar');
  if (env.HOME) return join(env.HOME, '.cache', 'sanctions-radar');
  return null;
}

/** File name of the entry for these measures under this build. */
export function cacheKey(measures: readonly Measure[], buildId: string): string {
  return precompiledFileName(measures, buildId);
}

/**
 * Compiles the measures, or reads them compiled from the cache. Same classifier either way;
 * throws MeasureQueryError on a bad clause (bad sets are never cached).
 */
export function compileCached(
  measures: readonly Measure[],
  dir: string | null,
  buildId: string | null = BUILD_ID,
): CompiledClassifier {
  if (dir === null || buildId === null) return new CompiledClassifier(compileSet(measures));
  const stored = readPrecompiled(measures, dir, buildId);
  if (stored !== null) return new CompiledClassifier(stored);
  // Missing, unreadable or not ours: compile, then store.
  const set = compileSet(measures);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writePrecompiled(measures, dir, { build: buildId, set, mode: 0o600 });
    prune(dir);
  } catch {
    // A read-only or full disk costs the next start a compile, nothing else.
  }
  return new CompiledClassifier(set);
}

/** Keeps the MAX_ENTRIES most recently written entries. */
function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((name) => name.startsWith(PRECOMPILED_PREFIX) && name.endsWith('.bin'))
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of entries.slice(MAX_ENTRIES)) unlinkSync(join(dir, name));
}
