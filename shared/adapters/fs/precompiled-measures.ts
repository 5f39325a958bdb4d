/**
 * Compiled measure sets stored as files, named by what they were compiled from. The deploy writes
 * one next to the bundled measures.yaml (scripts/precompile-measures.ts, run by RadarFunction's
 * bundling hook), so a Lambda cold start reads it (a few ms) instead of compiling (40–90 ms); the
 * CLI's cache (cli/compile-cache.ts) stores its entries the same way, named with its build id.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledSet, compileSet, stableHash } from '../../domain/classifier/compile.js';
import { type Classifier, CompiledClassifier, ENGINE_VERSION } from '../../domain/classifier/index.js';
import { deserializeSet, serializeSet } from '../../domain/classifier/serialize.js';
import type { Measure } from '../../domain/types.js';

/** Prefix of every stored set's file name. */
export const PRECOMPILED_PREFIX = 'measures-';

/**
 * File name of the set compiled from these measures by this engine: it changes with any id or
 * clause, with the engine version and with `build` (the CLI passes a hash of its classifier sources).
 */
export function precompiledFileName(measures: readonly Measure[], build = ''): string {
  const clauses = measures.map((m) => [m.id, m.query, m.requires ?? null, m.excludes ?? null]);
  const key = build === '' ? [ENGINE_VERSION, clauses] : [build, ENGINE_VERSION, clauses];
  return `${PRECOMPILED_PREFIX}${stableHash(JSON.stringify(key))}.bin`;
}

/** The set stored in `dir` for exactly these measures (and build), or null: none, or unreadable. */
export function readPrecompiled(measures: readonly Measure[], dir: string, build = ''): CompiledSet | null {
  try {
    return deserializeSet(readFileSync(join(dir, precompiledFileName(measures, build))), measures);
  } catch {
    return null;
  }
}

/**
 * Writes the set for these measures into `dir` (atomically: a temporary file renamed), compiling
 * it unless given; returns the file's path. Throws on a bad clause or an unwritable directory.
 */
export function writePrecompiled(
  measures: readonly Measure[],
  dir: string,
  options: { build?: string; set?: CompiledSet; mode?: number } = {},
): string {
  const file = join(dir, precompiledFileName(measures, options.build));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeSet(options.set ?? compileSet(measures)), { mode: options.mode ?? 0o644 });
  renameSync(tmp, file);
  return file;
}

/**
 * The classifier for these measures: read from the set stored in `dir` for exactly them, else
 * compiled (no file, another measures file's set, unreadable bytes). Same results either way.
 */
export function loadPrecompiled(
  measures: readonly Measure[],
  dir: string,
): { classifier: Classifier; precompiled: boolean } {
  const stored = readPrecompiled(measures, dir);
  return {
    classifier: new CompiledClassifier(stored ?? compileSet(measures)),
    precompiled: stored !== null,
  };
}
