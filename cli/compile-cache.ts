/**
 * Cache of compiled measure sets for the CLI: compiling is most of a cold `radar classify` start
 * (about 140 ms of the 220 ms start with the default measures, against 12–15 ms to read a cached set
 * back).
 *
 * An entry is keyed by the classifier build (a hash of its sources, set when the CLI is bundled)
 * and the measures' ids and clauses, so an edited measures file or a new release never reads a
 * stale entry. Where: $RADAR_CACHE_DIR, else $XDG_CACHE_HOME/sanctions-radar, else
 * ~/.cache/sanctions-radar; RADAR_CACHE_DIR=off disables it. Unbundled runs (tsx, tests) have no
 * build id and compile every time. A cache that cannot be read or written is skipped silently:
 * it only ever saves time.
 *
 * A measures file seen before does not even need parsing: an index entry named by a hash of its
 * bytes (and the build, which covers the loaders) holds the measures read from it and the name of
 * their compiled set. Parsing and checking every clause and hashing the expanded clauses were
 * ~20 ms of the ~100 ms start with the default measures.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  PRECOMPILED_PREFIX,
  precompiledFileName,
  readPrecompiled,
  writePrecompiled,
} from '../shared/adapters/fs/precompiled-measures.js';
import { compileSet } from '../shared/domain/classifier/compile.js';
import { CompiledClassifier, ENGINE_VERSION } from '../shared/domain/classifier/index.js';
import { deserializeSet } from '../shared/domain/classifier/serialize.js';
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

/** Prefix of the index entries (a measures file's bytes → its measures and their set's entry). */
const SOURCE_PREFIX = `${PRECOMPILED_PREFIX}src-`;

/** File name of the index entry for a measures file with these bytes, under this build. */
export function sourceKey(bytes: Uint8Array, buildId: string): string {
  const hash = createHash('sha256').update(`${buildId}\0${ENGINE_VERSION}\0`).update(bytes);
  return `${SOURCE_PREFIX}${hash.digest('hex').slice(0, 32)}.json`;
}

/** Names of set entries (precompiledFileName): the only files an index entry may point at. */
const SET_NAME = new RegExp(`^${PRECOMPILED_PREFIX}[0-9a-z]+\\.bin$`);

interface SourceEntry {
  measures: Measure[];
  set: string;
}

/**
 * The classifier for a measures file: from the cache when a file with the same bytes was compiled
 * by this build before (no parsing), else `load` (which throws the file's errors) and compileCached.
 */
export async function compileCachedFile(
  path: string,
  dir: string | null,
  load: (path: string) => Promise<Measure[]>,
  buildId: string | null = BUILD_ID,
): Promise<CompiledClassifier> {
  if (dir === null || buildId === null) return compileCached(await load(path), dir, buildId);
  let key: string | null = null;
  try {
    key = sourceKey(readFileSync(path), buildId);
    const entry = JSON.parse(readFileSync(join(dir, key), 'utf8')) as SourceEntry;
    // Only a set file of this directory, by the name this module gives it.
    if (!SET_NAME.test(entry.set)) throw new Error(`index entry ${key}: bad set name`);
    return new CompiledClassifier(deserializeSet(readFileSync(join(dir, entry.set)), entry.measures));
  } catch {
    // No entry yet (or an unreadable one, or an unreadable file: load reports that in its words).
  }
  const measures = await load(path);
  const classifier = compileCached(measures, dir, buildId);
  if (key !== null) {
    try {
      const entry: SourceEntry = { measures, set: cacheKey(measures, buildId) };
      statSync(join(dir, entry.set));
      const file = join(dir, key);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
      renameSync(tmp, file);
      prune(dir);
    } catch {
      // The set was not stored (read-only disk): an index entry would point at nothing.
    }
  }
  return classifier;
}

/** Keeps the MAX_ENTRIES most recently written sets and as many index entries. */
function prune(dir: string): void {
  const names = readdirSync(dir);
  for (const [prefix, suffix] of [
    [PRECOMPILED_PREFIX, '.bin'],
    [SOURCE_PREFIX, '.json'],
  ] as const) {
    const entries = names
      .filter((name) => name.startsWith(prefix) && name.endsWith(suffix))
      .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { name } of entries.slice(MAX_ENTRIES)) unlinkSync(join(dir, name));
  }
}
