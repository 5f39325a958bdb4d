import { describe, expect, it } from 'vitest';
import { expandDefinitions } from '../../../../shared/config/definitions.js';
import { parseMeasuresFast } from '../../../../shared/config/measures-fast.js';
import { parseMeasuresConfig } from '../../../../shared/config/schema.js';
import { compileMeasures } from '../../../../shared/domain/classifier/index.js';
import { measure } from '../../../support/measure.js';

const file = [
  '# Shared blocks first.',
  'definitions:',
  '  russia: >-',
  '    russia* OR russian* OR moscow*',
  '  act: >-',
  '    impose OR imposes OR',
  '    adopt*',
  "  russia-act: '@russia AND (@act)'",
  'measures:',
  '  - id: oil',
  '    name: Oil',
  '    severity: high',
  "    query: 'oil NEAR/4 sanction*'",
  "    requires: '@russia-act'",
  '  - id: fleet',
  '    name: Fleet',
  '    severity: low',
  '    query: \'"shadow fleet" OR "@russia"\'',
  '',
].join('\n');

describe('measure definitions (@blocks)', () => {
  it('expands @name to the block, recursively, and leaves quoted phrases alone', () => {
    const [oil, fleet] = parseMeasuresConfig(file, 'm.yaml');
    expect(oil?.requires).toBe('((russia* OR russian* OR moscow*) AND ((impose OR imposes OR adopt*)))');
    expect(fleet?.query).toBe('"shadow fleet" OR "@russia"');
  });

  it('reads a file with definitions the same on the lean path as with YAML and the schema', () => {
    expect(parseMeasuresFast(file)).toStrictEqual(parseMeasuresConfig(file, 'm.yaml'));
  });

  it('classifies with a block exactly as with its text written out', () => {
    const withBlocks = compileMeasures(parseMeasuresConfig(file, 'm.yaml'));
    const written = compileMeasures([
      measure('oil', 'oil NEAR/4 sanction*', {
        requires: '(russia* OR russian* OR moscow*) AND (impose OR imposes OR adopt*)',
      }),
    ]);
    for (const title of [
      'EU imposes oil sanctions on Russia',
      'Oil sanctions on Russia',
      'EU adopts oil sanctions',
    ]) {
      const a = withBlocks.classify({ title, summary: null }).filter((m) => m.measureId === 'oil');
      expect(a).toEqual(written.classify({ title, summary: null }));
    }
  });

  it('names an unknown block, where it is used and the blocks there are', () => {
    const bad = file.replace("'@russia-act'", "'@rusia AND @act'");
    expect(() => parseMeasuresConfig(bad, 'm.yaml')).toThrow(
      'm.yaml: measures[0] (id "oil"): requires: unknown block @rusia at position 1 (defined: @russia, @act, @russia-act)',
    );
    expect(parseMeasuresFast(bad)).toBeNull();
    expect(() => expandDefinitions([measure('m', 'oil AND @x')], {}, 'f.yaml')).toThrow(
      'f.yaml: measures[0] (id "m"): query: unknown block @x at position 9 (the file has no definitions)',
    );
  });

  it('reports a syntax error at its position in the clause as written, not in the expansion', () => {
    const bad = file.replace("'@russia-act'", "'@russia-act AND (oil'");
    expect(() => parseMeasuresConfig(bad, 'm.yaml')).toThrow(
      /measure "oil" requires: at position 21: expected "\)"/,
    );
  });

  it('reports a block that does not parse, and a block that uses itself', () => {
    const broken = file.replace('    russia* OR russian* OR moscow*', '    russia* OR');
    expect(() => parseMeasuresConfig(broken, 'm.yaml')).toThrow(
      /^m\.yaml: definitions\.russia: at position \d+: expected/,
    );
    const cycle = file.replace('    russia* OR russian* OR moscow*', '    moscow OR @russia-act');
    expect(() => parseMeasuresConfig(cycle, 'm.yaml')).toThrow(
      'm.yaml: definitions.russia: refers to itself through @russia → @russia-act → @russia',
    );
  });

  it('rejects a block name outside the naming rule and an empty block', () => {
    expect(() =>
      parseMeasuresConfig(file.replace('  act: >-', '  Act: >-').replace('(@act)', '(@russia)'), 'm.yaml'),
    ).toThrow(/definitions\.Act: a block name is lower case letters/);
    expect(() =>
      parseMeasuresConfig(file.replace("  russia-act: '@russia AND (@act)'", "  russia-act: ''"), 'm.yaml'),
    ).toThrow(/definitions.russia-act: must not be empty/);
  });
});
