import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheDirFor,
  cacheKey,
  compileCached,
  compileCachedFile,
  sourceKey,
} from '../../../cli/compile-cache.js';
import { loadMeasuresFileFast } from '../../../shared/config/measures-fast.js';
import { compileSet } from '../../../shared/domain/classifier/compile.js';
import type { CompiledClassifier } from '../../../shared/domain/classifier/index.js';
import { serializeSet } from '../../../shared/domain/classifier/serialize.js';
import { measure } from '../../support/measure.js';

const measures = [
  measure('oil', 'oil NEAR/4 sanction*', { requires: 'russia*' }),
  measure('fleet', '"shadow fleet"'),
];
const item = { title: 'Russia widens oil sanctions', summary: 'A new shadow fleet listing.' };
const ids = (c: CompiledClassifier) => c.classify(item).map((m) => m.measureId);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radar-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('compiled measures cache', () => {
  it('stores an entry on the first compile and reads it back on the next', () => {
    const first = compileCached(measures, dir, 'build-a');
    expect(ids(first)).toEqual(['oil', 'fleet']);
    const key = cacheKey(measures, 'build-a');
    expect(readdirSync(dir)).toEqual([key]);
    // Plant a set compiled from other queries under the same ids: a second call that reads the
    // cache behaves like the planted set, which proves it did not compile.
    const planted = [measure('oil', 'widens'), measure('fleet', 'nothing')];
    writeFileSync(join(dir, key), serializeSet(compileSet(planted)));
    expect(ids(compileCached(measures, dir, 'build-a'))).toEqual(['oil']);
  });

  it('keys entries by build and by clauses, so edits and new releases never read stale ones', () => {
    const edited = [
      measure('oil', 'oil NEAR/4 sanction*', { requires: 'moscow' }),
      measures[1] as (typeof measures)[0],
    ];
    expect(cacheKey(measures, 'build-a')).not.toBe(cacheKey(measures, 'build-b'));
    expect(cacheKey(measures, 'build-a')).not.toBe(cacheKey(edited, 'build-a'));
    // Severity and name do not change what compiles.
    expect(
      cacheKey(
        measures.map((m) => ({ ...m, severity: 'low' as const, name: 'x' })),
        'build-a',
      ),
    ).toBe(cacheKey(measures, 'build-a'));
    expect(ids(compileCached(measures, dir, 'build-a'))).toEqual(['oil', 'fleet']);
    expect(ids(compileCached(edited, dir, 'build-a'))).toEqual(['fleet']);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('recompiles over a corrupt entry and replaces it', () => {
    const key = cacheKey(measures, 'build-a');
    writeFileSync(join(dir, key), 'not a compiled set');
    expect(ids(compileCached(measures, dir, 'build-a'))).toEqual(['oil', 'fleet']);
    writeFileSync(join(dir, `${key}.other`), '');
    expect(ids(compileCached(measures, dir, 'build-a'))).toEqual(['oil', 'fleet']);
  });

  it('still classifies when the cache directory cannot be written', () => {
    const blocked = join(dir, 'file');
    writeFileSync(blocked, '');
    expect(ids(compileCached(measures, join(blocked, 'cache'), 'build-a'))).toEqual(['oil', 'fleet']);
  });

  it('compiles without a cache when running unbundled (no build id) or when turned off', () => {
    expect(ids(compileCached(measures, dir, null))).toEqual(['oil', 'fleet']);
    expect(ids(compileCached(measures, null, 'build-a'))).toEqual(['oil', 'fleet']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the 16 most recent entries', () => {
    for (let i = 0; i < 18; i++) {
      compileCached([measure(`m${i}`, 'oil')], dir, 'build-a');
      // mtime order does not depend on the file system's timestamp resolution.
      utimesSync(join(dir, cacheKey([measure(`m${i}`, 'oil')], 'build-a')), i + 1000, i + 1000);
    }
    compileCached([measure('last', 'oil')], dir, 'build-a');
    const left = readdirSync(dir);
    expect(left).toHaveLength(16);
    expect(left).toContain(cacheKey([measure('last', 'oil')], 'build-a'));
    expect(left).not.toContain(cacheKey([measure('m0', 'oil')], 'build-a'));
    expect(left).not.toContain(cacheKey([measure('m1', 'oil')], 'build-a'));
    expect(left).toContain(cacheKey([measure('m17', 'oil')], 'build-a'));
  });

  it('finds its directory from RADAR_CACHE_DIR, XDG_CACHE_HOME or HOME', () => {
    expect(cacheDirFor({ RADAR_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
    expect(cacheDirFor({ RADAR_CACHE_DIR: 'off', HOME: '/h' })).toBeNull();
    expect(cacheDirFor({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/sanctions-radar');
    expect(cacheDirFor({ HOME: '/h' })).toBe('/h/.cache/sanctions-radar');
    expect(cacheDirFor({})).toBeNull();
  });

  describe('by measures file', () => {
    const yaml = (query: string) =>
      `measures:\n  - id: oil\n    name: Oil\n    severity: high\n    query: '${query}'\n    requires: 'russia*'\n`;
    let file: string;
    let loads: number;
    const load = (path: string) => {
      loads++;
      return loadMeasuresFileFast(path);
    };
    beforeEach(() => {
      file = join(dir, 'measures.yaml');
      writeFileSync(file, yaml('oil NEAR/4 sanction*'));
      loads = 0;
    });
    const cache = () => join(dir, 'cache');

    it('reads a file seen before without parsing it, with the same results', async () => {
      const first = await compileCachedFile(file, cache(), load, 'build-a');
      expect(loads).toBe(1);
      expect(readdirSync(cache()).sort()).toEqual(
        [cacheKey(first.measures, 'build-a'), sourceKey(readFileSync(file), 'build-a')].sort(),
      );
      const second = await compileCachedFile(file, cache(), load, 'build-a');
      expect(loads).toBe(1);
      expect(second.measures).toEqual(first.measures);
      expect(second.rulesVersion).toBe(first.rulesVersion);
      expect(second.classify(item)).toEqual(first.classify(item));
      expect(ids(second)).toEqual(['oil']);
    });

    it('parses again when the bytes or the build change, so an edit is never missed', async () => {
      await compileCachedFile(file, cache(), load, 'build-a');
      writeFileSync(file, yaml('oil NEAR/4 sanction*').replace('Oil', 'Oil exports'));
      const renamed = await compileCachedFile(file, cache(), load, 'build-a');
      expect(loads).toBe(2);
      expect(renamed.measures[0]?.name).toBe('Oil exports');
      writeFileSync(file, yaml('tanker'));
      expect(ids(await compileCachedFile(file, cache(), load, 'build-a'))).toEqual([]);
      expect(loads).toBe(3);
      await compileCachedFile(file, cache(), load, 'build-b');
      expect(loads).toBe(4);
    });

    it('falls back to parsing over a corrupt index entry or one whose set is gone', async () => {
      const first = await compileCachedFile(file, cache(), load, 'build-a');
      const key = join(cache(), sourceKey(readFileSync(file), 'build-a'));
      writeFileSync(key, '{not json');
      expect(ids(await compileCachedFile(file, cache(), load, 'build-a'))).toEqual(['oil']);
      expect(loads).toBe(2);
      rmSync(join(cache(), cacheKey(first.measures, 'build-a')));
      expect(ids(await compileCachedFile(file, cache(), load, 'build-a'))).toEqual(['oil']);
      expect(loads).toBe(3);
      // Both entries were written again.
      expect(ids(await compileCachedFile(file, cache(), load, 'build-a'))).toEqual(['oil']);
      expect(loads).toBe(3);
      // An index entry naming a file outside the cache's own sets is not followed.
      const outside = join(dir, 'planted.bin');
      writeFileSync(outside, serializeSet(compileSet([measure('oil', 'widens')])));
      writeFileSync(key, JSON.stringify({ measures: first.measures, set: '../planted.bin' }));
      expect(ids(await compileCachedFile(file, cache(), load, 'build-a'))).toEqual(['oil']);
      expect(loads).toBe(4);
    });

    it("leaves a missing or bad file to the loader's own error", async () => {
      await expect(compileCachedFile(join(dir, 'none.yaml'), cache(), load, 'build-a')).rejects.toThrow(
        /none\.yaml/,
      );
      writeFileSync(file, yaml('oil AND ('));
      await expect(compileCachedFile(file, cache(), load, 'build-a')).rejects.toThrow(/oil/);
      expect(readdirSync(dir)).not.toContain('cache');
    });

    it('compiles every time without a build id or with the cache off, writing nothing', async () => {
      expect(ids(await compileCachedFile(file, cache(), load, null))).toEqual(['oil']);
      expect(ids(await compileCachedFile(file, null, load, 'build-a'))).toEqual(['oil']);
      expect(loads).toBe(2);
      expect(readdirSync(dir)).toEqual(['measures.yaml']);
    });

    it('keeps the 16 most recent index entries', async () => {
      for (let i = 0; i < 18; i++) {
        writeFileSync(file, yaml(`oil${i}`));
        await compileCachedFile(file, cache(), load, 'build-a');
        const key = join(cache(), sourceKey(readFileSync(file), 'build-a'));
        utimesSync(key, i + 1000, i + 1000);
      }
      const index = readdirSync(cache()).filter((n) => n.endsWith('.json'));
      expect(index).toHaveLength(16);
      expect(index).toContain(sourceKey(readFileSync(file), 'build-a'));
    });
  });
});
