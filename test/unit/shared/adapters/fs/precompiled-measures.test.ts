import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadPrecompiled,
  precompiledFileName,
  writePrecompiled,
} from '../../../../../shared/adapters/fs/precompiled-measures.js';
import { compileSet } from '../../../../../shared/domain/classifier/compile.js';
import type { Classifier } from '../../../../../shared/domain/classifier/index.js';
import { serializeSet } from '../../../../../shared/domain/classifier/serialize.js';
import { measure } from '../../../../support/measure.js';

const measures = [
  measure('oil', 'oil NEAR/4 sanction*', { requires: 'russia*' }),
  measure('fleet', '"shadow fleet"'),
];
const item = { title: 'Russia widens oil sanctions', summary: 'A new shadow fleet listing.' };
const ids = (c: Classifier) => c.classify(item).map((m) => m.measureId);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radar-precompiled-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('precompiled measure sets', () => {
  it('writes the set under a name derived from the measures and reads it back', () => {
    const file = writePrecompiled(measures, dir);
    expect(readdirSync(dir)).toEqual([precompiledFileName(measures)]);
    expect(file).toBe(join(dir, precompiledFileName(measures)));
    // Plant a set compiled from other queries under the same name: reading it proves no compile.
    writeFileSync(file, serializeSet(compileSet([measure('oil', 'widens'), measure('fleet', 'nothing')])));
    const { classifier, precompiled } = loadPrecompiled(measures, dir);
    expect(precompiled).toBe(true);
    expect(ids(classifier)).toEqual(['oil']);
  });

  it('compiles when the stored set was made from other clauses, or there is none', () => {
    writePrecompiled([measure('oil', 'widens'), measure('fleet', 'nothing')], dir);
    const stale = loadPrecompiled(measures, dir);
    expect(stale.precompiled).toBe(false);
    expect(ids(stale.classifier)).toEqual(['oil', 'fleet']);
    const none = loadPrecompiled(measures, join(dir, 'missing'));
    expect(none.precompiled).toBe(false);
    expect(ids(none.classifier)).toEqual(['oil', 'fleet']);
  });

  it('compiles when the stored bytes are corrupt', () => {
    writeFileSync(join(dir, precompiledFileName(measures)), 'not a compiled set');
    const { classifier, precompiled } = loadPrecompiled(measures, dir);
    expect(precompiled).toBe(false);
    expect(ids(classifier)).toEqual(['oil', 'fleet']);
  });

  it('names sets by every clause and by build', () => {
    const base = precompiledFileName(measures);
    expect(precompiledFileName([measures[0] as never, measure('fleet', '"dark fleet"')])).not.toBe(base);
    expect(precompiledFileName(measures, 'build-a')).not.toBe(base);
    expect(precompiledFileName(measures, 'build-a')).not.toBe(precompiledFileName(measures, 'build-b'));
  });
});
