import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMeasuresFile } from '../../../../shared/config/load-files.js';
import { loadMeasuresFileFast, parseMeasuresFast } from '../../../../shared/config/measures-fast.js';
import { parseMeasuresConfig } from '../../../../shared/config/schema.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The full parser's answer: its Measure[] or its error message. */
function full(text: string): unknown {
  try {
    return parseMeasuresConfig(text, 'm.yaml');
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('parseMeasuresFast', () => {
  it('reads the default measures exactly as the YAML + schema path does', () => {
    const text = readFileSync(join(root, 'config/measures.yaml'), 'utf8');
    const fast = parseMeasuresFast(text);
    expect(fast).not.toBeNull();
    expect(fast).toStrictEqual(parseMeasuresConfig(text, 'm.yaml'));
  });

  it('reads each scalar style of its subset like YAML does', () => {
    const text = [
      '# comment',
      'measures:',
      '  - id: a-1',
      "    name: 'it''s # not a comment'",
      '    severity: low',
      '    jurisdictions: [ US, EU ]',
      '    notes: "two',
      '      lines"   # trailing comment',
      '    query: >-',
      '      oil OR',
      '      "gas: ok" # kept',
      '',
      '    requires: plain words (here)',
      '  - id: b',
      '    name: B',
      '    severity: critical',
      '    query: x',
      '',
    ].join('\n');
    const fast = parseMeasuresFast(text);
    expect(fast).toStrictEqual(parseMeasuresConfig(text, 'm.yaml'));
    expect(fast?.[0]).toMatchObject({
      name: "it's # not a comment",
      notes: 'two lines',
      query: 'oil OR "gas: ok" # kept',
      requires: 'plain words (here)',
      jurisdictions: ['US', 'EU'],
    });
  });

  it.each([
    ['a tab', 'measures:\n\t- id: a\n'],
    ['an empty list (a schema error)', 'measures:\n'],
    [
      'a disabled measure',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n    enabled: false\n',
    ],
    [
      'an unknown key',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n    colour: red\n',
    ],
    ['a duplicate key', 'measures:\n  - id: a\n    name: A\n    name: B\n    severity: low\n    query: x\n'],
    [
      'a duplicate id',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n  - id: a\n    name: A\n    severity: low\n    query: y\n',
    ],
    ['a bad severity', 'measures:\n  - id: a\n    name: A\n    severity: urgent\n    query: x\n'],
    ['a number for a string', 'measures:\n  - id: a\n    name: 12\n    severity: low\n    query: x\n'],
    ['a boolean-looking word', 'measures:\n  - id: a\n    name: yes\n    severity: low\n    query: x\n'],
    ['an escape', 'measures:\n  - id: a\n    name: "a\\tb"\n    severity: low\n    query: x\n'],
    ['a clipped block', 'measures:\n  - id: a\n    name: A\n    severity: low\n    query: >\n      x\n'],
    [
      'a blank line inside a block',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: >-\n      x\n\n      y\n',
    ],
    [
      'a more-indented block line',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: >-\n      x\n        y\n',
    ],
    [
      'a multi-line plain scalar',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n      y\n',
    ],
    [
      'a quoted list item',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n    jurisdictions: ["US"]\n',
    ],
    [
      'another top-level key',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\nother: 1\n',
    ],
    ['a flow mapping', 'measures:\n  - {id: a, name: A, severity: low, query: x}\n'],
  ])('leaves %s to the full parser', (_label, text) => {
    expect(parseMeasuresFast(text)).toBeNull();
  });

  it('never disagrees with the full parser on generated documents (null = fall back)', () => {
    // Mostly ordinary text, with the characters and words YAML treats specially mixed in.
    const piece = fc.oneof(
      {
        arbitrary: fc.constantFrom('a', 'Oil', 'x y', 'OR', 'санкц*', 'ł', '(', ')', '-', '.', '/'),
        weight: 6,
      },
      {
        arbitrary: fc.constantFrom(
          '#',
          ' #',
          ':',
          ': ',
          "'",
          '"',
          '\\',
          '*',
          '1',
          'true',
          'null',
          ' ',
          '  ',
          '[',
          ']',
          ',',
          '{',
          '&',
          '!',
          '%',
          '@',
          '`',
          '|',
          '>',
          '~',
        ),
        weight: 1,
      },
    );
    const word = fc.array(piece, { minLength: 0, maxLength: 6 }).map((p) => p.join(''));
    const scalar = fc.oneof(
      word.map((w) => w),
      word.map((w) => `'${w}'`),
      word.map((w) => `"${w}"`),
      fc.tuple(word, word).map(([a, b]) => `"${a}\n      ${b}"`),
      fc
        .array(word, { minLength: 1, maxLength: 3 })
        .map((ls) => `>-\n${ls.map((l) => `      ${l}`).join('\n')}`),
      fc.array(word, { maxLength: 3 }).map((ls) => `[ ${ls.join(', ')} ]`),
    );
    const key = fc.constantFrom('requires', 'excludes', 'notes', 'jurisdictions', 'enabled', 'name');
    const entry = fc.record({
      id: fc.oneof(
        { arbitrary: fc.constantFrom('a', 'b-2', 'x9'), weight: 5 },
        { arbitrary: fc.constantFrom('Bad', '1x', "'q'"), weight: 1 },
        { arbitrary: scalar, weight: 1 },
      ),
      name: scalar,
      severity: fc.constantFrom('low', 'high', 'critical', 'urgent', "'low'", '"medium"'),
      query: scalar,
      extra: fc.uniqueArray(fc.tuple(key, scalar), { maxLength: 3, selector: ([k]) => k }),
      blank: fc.boolean(),
    });
    const doc = fc
      .tuple(fc.array(entry, { minLength: 1, maxLength: 2 }), fc.boolean())
      .map(([entries, comment]) => {
        const lines = [comment ? '# measures' : '', 'measures:'];
        for (const e of entries) {
          lines.push(
            `  - id: ${e.id}`,
            `    name: ${e.name}`,
            `    severity: ${e.severity}`,
            `    query: ${e.query}`,
          );
          for (const [k, v] of e.extra) lines.push(`    ${k}: ${v}`);
          if (e.blank) lines.push('');
        }
        return `${lines.join('\n')}\n`;
      });
    let accepted = 0;
    fc.assert(
      fc.property(doc, (text) => {
        const fast = parseMeasuresFast(text);
        if (fast === null) return;
        accepted++;
        expect(fast).toStrictEqual(full(text));
      }),
      { numRuns: 3000, seed: 5 },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('loadMeasuresFileFast', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-measures-fast-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('gives the same measures as loadMeasuresFile on the default file', async () => {
    const path = join(root, 'config/measures.yaml');
    expect(await loadMeasuresFileFast(path)).toStrictEqual(await loadMeasuresFile(path));
  });

  it.each([
    ['missing.yaml', null],
    ['bad-yaml.yaml', 'measures:\n  - id: a\n    name: "unterminated\n'],
    ['bad-severity.yaml', 'measures:\n  - id: a\n    name: A\n    severity: urgent\n    query: x\n'],
    [
      'dup.yaml',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n  - id: a\n    name: A\n    severity: low\n    query: y\n',
    ],
  ])('fails on %s with the full loader’s error', async (name, text) => {
    const path = text === null ? join(dir, name) : write(name, text);
    const expected = await loadMeasuresFile(path).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    expect(expected).not.toBe('no error');
    await expect(loadMeasuresFileFast(path)).rejects.toThrow(expected);
  });

  it('falls back for a disabled measure and returns what the full loader returns', async () => {
    const path = write(
      'disabled.yaml',
      'measures:\n  - id: a\n    name: A\n    severity: low\n    query: x\n    enabled: false\n  - id: b\n    name: B\n    severity: low\n    query: y\n',
    );
    const measures = await loadMeasuresFileFast(path);
    expect(measures.map((m) => m.id)).toEqual(['b']);
    expect(measures).toStrictEqual(await loadMeasuresFile(path));
  });
});
