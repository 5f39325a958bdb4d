import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FILES, loadClassifier, loadRuntimeConfig } from '../../functions/lib/runtime-config.js';
import { bundledConfigCommands } from '../../infra/constructs/radar-function.js';
import { PROJECT_ROOT } from '../../infra/paths.js';
import { compileMeasures } from '../../shared/domain/classifier/index.js';

const files = {
  feeds: join(PROJECT_ROOT, 'config', CONFIG_FILES.feeds),
  measures: join(PROJECT_ROOT, 'config', CONFIG_FILES.measures),
};
let output: string;

beforeAll(() => {
  output = mkdtempSync(join(tmpdir(), 'radar-bundle-'));
  // What the synth machine runs after esbuild, run for real (one shell, stop at the first failure).
  execFileSync('sh', ['-ec', bundledConfigCommands(files, output, true).join('\n')], { stdio: 'pipe' });
}, 30_000);
afterAll(() => {
  rmSync(output, { recursive: true, force: true });
});

describe('the config a function bundle carries', () => {
  it('holds both config files as written and one compiled measure set', () => {
    const dir = join(output, 'config');
    expect(readFileSync(join(dir, CONFIG_FILES.measures), 'utf8')).toBe(readFileSync(files.measures, 'utf8'));
    expect(readFileSync(join(dir, CONFIG_FILES.feeds), 'utf8')).toBe(readFileSync(files.feeds, 'utf8'));
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });

  it('compiles the measures only for a function that asks for it', () => {
    const plain = bundledConfigCommands(files, '/out', false);
    expect(plain).toHaveLength(3);
    expect(plain.join('\n')).not.toContain('precompile-measures');
    expect(bundledConfigCommands(files, '/out', true).at(-1)).toContain('scripts/precompile-measures.ts');
  });

  it('gives the cold start the precompiled set, classifying exactly as a fresh compile', async () => {
    const config = await loadRuntimeConfig(join(output, 'config'));
    const { classifier, precompiled } = loadClassifier(join(output, 'config'), config.measures);
    expect(precompiled).toBe(true);
    const fresh = compileMeasures(config.measures);
    expect(classifier.rulesVersion).toBe(fresh.rulesVersion);
    const items = [
      { title: 'EU adopts 19th sanctions package with a ban on Russian LNG', summary: null },
      { title: 'US sanctions Rosneft and Lukoil', summary: 'Treasury designated the two oil majors.' },
      { title: 'IOC sanctions athletes', summary: null },
    ];
    for (const item of items) expect(classifier.classify(item)).toEqual(fresh.classify(item));
    expect(classifier.classify(items[0] as (typeof items)[0]).map((m) => m.measureId)).toContain(
      'eu-package',
    );
  });
});
