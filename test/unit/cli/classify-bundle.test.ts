/**
 * The shipped CLI bundle (built by scripts/build-cli.mjs, as `npm ci` does): `radar classify`
 * stores the compiled measures in its cache on the first run (the set, and an index entry for the
 * measures file's bytes) and reads them on the next, with the same output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../shared/config/load-files.js';
import { compileSet } from '../../../shared/domain/classifier/compile.js';
import { serializeSet } from '../../../shared/domain/classifier/serialize.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = mkdtempSync(join(tmpdir(), 'radar-bundle-cache-'));
const input = `${JSON.stringify({ id: 'a', title: 'EU adopts 20th sanctions package on Russian oil', summary: null })}\n${JSON.stringify({ id: 'b', title: 'Local football results', summary: null })}\n`;

function classify(env: Record<string, string>): { stdout: string; status: number | null } {
  const res = spawnSync(process.execPath, ['bin/radar.mjs', 'classify'], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { stdout: res.stdout, status: res.status };
}

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('radar classify (bundled)', () => {
  it('caches the compiled measures and answers the same from the cache', () => {
    const uncached = classify({ RADAR_CACHE_DIR: 'off' });
    expect(uncached.status).toBe(0);
    expect(uncached.stdout).toContain('"id":"eu-package"');
    const first = classify({ RADAR_CACHE_DIR: cacheDir });
    expect(readdirSync(cacheDir).map((name) => name.replace(/-[0-9a-f]+\./, '-#.'))).toEqual([
      'measures-#.bin',
      'measures-src-#.json',
    ]);
    const second = classify({ RADAR_CACHE_DIR: cacheDir });
    expect(first.stdout).toBe(uncached.stdout);
    expect(second.stdout).toBe(uncached.stdout);
    expect(second.status).toBe(0);
  });

  it('reads the set it wrote, found through the index (a planted set under that name answers)', async () => {
    const entry = readdirSync(cacheDir).find((name) => name.endsWith('.bin'));
    const defaults = await loadMeasuresFile(join(root, 'config/measures.yaml'));
    const planted = defaults.map((m) =>
      m.id === 'eu-package' ? { ...m, query: 'football', requires: null, excludes: null } : m,
    );
    writeFileSync(join(cacheDir, entry as string), serializeSet(compileSet(planted)));
    const lines = classify({ RADAR_CACHE_DIR: cacheDir }).stdout.trim().split('\n');
    expect(lines[1]).toContain('"id":"eu-package"');
  });
});
