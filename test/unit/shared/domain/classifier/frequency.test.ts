import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSet } from '../../../../../shared/domain/classifier/compile.js';
import {
  AtomFrequency,
  builtInFrequencies,
  documentFrequencies,
  formatFrequencyData,
  parseFrequencyData,
} from '../../../../../shared/domain/classifier/frequency.js';
import { measure } from '../../../../support/measure.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('documentFrequencies', () => {
  it('counts each folded word once per document', () => {
    const { count, share } = documentFrequencies([
      'Sanctions, sanctions!',
      'New SANCTIONS on Rosnéft',
      'Oil',
    ]);
    expect(count).toBe(3);
    expect(share.get('sanctions')).toBeCloseTo(2 / 3);
    expect(share.get('rosneft')).toBeCloseTo(1 / 3);
    expect(share.get('Oil')).toBeUndefined();
    expect(share.get('oil')).toBeCloseTo(1 / 3);
  });
});

describe('frequency data', () => {
  const share = new Map([
    ['the', 0.5],
    ['oil', 0.02],
    ['rare', 0.001],
    ['and', 0.5],
  ]);
  it('keeps the words at or above the threshold, commonest first, and parses back', () => {
    const data = formatFrequencyData(share, 0.01);
    expect(data).toBe('and:5000 the:5000 oil:200');
    expect([...parseFrequencyData(data)]).toEqual([
      ['and', 0.5],
      ['the', 0.5],
      ['oil', 0.02],
    ]);
  });
  it('names a malformed pair', () => {
    expect(() => parseFrequencyData('the:5000 oil')).toThrow("bad pair 'oil'");
    expect(() => parseFrequencyData('the:12000')).toThrow("bad pair 'the:12000'");
  });
  it('ships a table of common news words in the six languages', () => {
    const table = builtInFrequencies();
    expect(table.size).toBeGreaterThan(500);
    for (const word of ['the', 'said', 'w', 'die', 'les', 'на'])
      expect(table.get(word) ?? 0).toBeGreaterThan(0.01);
    expect(table.get('garantex')).toBeUndefined();
  });
});

describe('AtomFrequency', () => {
  const f = new AtomFrequency(
    new Map([
      ['sanctions', 0.3],
      ['sanctioned', 0.1],
      ['russia', 0.2],
      ['russian', 0.25],
      ['ölembargo', 0.01],
    ]),
  );
  it('estimates each atom kind from the table words it matches', () => {
    expect(f.of('e', 'sanctions')).toBeCloseTo(0.3);
    expect(f.of('s', 'sanction')).toBeCloseTo(0.4);
    expect(f.of('p', 'russia')).toBeCloseTo(0.45);
    expect(f.of('i', 'embargo')).toBeCloseTo(0.01);
    expect(f.of('x', 'embargo')).toBeCloseTo(0.01);
    expect(f.of('p', 'zzz')).toBe(0);
    expect(f.of('e', 'garantex')).toBe(0);
  });
  it('caps an estimate at 1', () => {
    const g = new AtomFrequency(
      new Map([
        ['aa', 0.7],
        ['ab', 0.7],
      ]),
    );
    expect(g.of('p', 'a')).toBe(1);
  });
});

describe('the compiler looks for the rarest word first', () => {
  const atomText = (set: ReturnType<typeof compileSet>, atom: number) => {
    for (const map of [set.stemAtoms, set.exactAtoms, set.prefixAtoms])
      for (const [t, a] of map) if (a === atom) return t;
    return null;
  };
  it('anchors a phrase on its rarest word in news, not its first or longest', () => {
    // "said" is short and rare in measures, but said in most news items; "garantex" is not.
    const set = compileSet([measure('m', '"said garantex"')]);
    const phrase = set.nodes.find((n) => n.k === 'phrase');
    expect(phrase && phrase.k === 'phrase' ? atomText(set, phrase.anchor) : null).toBe('garantex');
    const set2 = compileSet([measure('m', '"the embargo"')]);
    const phrase2 = set2.nodes.find((n) => n.k === 'phrase');
    expect(phrase2 && phrase2.k === 'phrase' ? atomText(set2, phrase2.anchor) : null).toBe('embargo');
  });
  it('tests the rarer operand of a NEAR and the likelier-to-fail child of an AND first', () => {
    const set = compileSet([measure('m', '(said NEAR/3 garantex) AND (the OR a) AND sberbank')]);
    const near = set.nodes.find((n) => n.k === 'near');
    expect(near && near.k === 'near' && near.left.k === 'term' ? atomText(set, near.left.atom) : null).toBe(
      'garantex',
    );
    const and = set.nodes.find((n) => n.k === 'and');
    const first = and && and.k === 'and' ? and.children[0] : undefined;
    // The cheap, rare term before the NEAR and before the OR of common words.
    expect(first?.k === 'term' ? atomText(set, first.atom) : first?.k).toBe('sberbank');
    expect(and && and.k === 'and' ? and.children[and.children.length - 1]?.k : null).not.toBe('term');
  });
  it('gates an OR on the rarer operand of each NEAR', () => {
    const set = compileSet([measure('m', '(said NEAR/3 garantex) OR (russia NEAR/3 sberbank)')]);
    const or = set.nodes.find((n) => n.k === 'or');
    expect(or?.k).toBe('or');
    const gate = or && or.k === 'or' ? set.anys[or.gate] : undefined;
    expect(gate?.atoms.map((a) => atomText(set, a)).sort()).toEqual(['garantex', 'sberbank']);
  });
});

describe('scripts/word-frequency.ts', () => {
  it('writes the table of a corpus of JSON Lines files, and --check compares with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'word-frequency-'));
    try {
      const corpus = join(dir, 'items.jsonl');
      writeFileSync(
        corpus,
        `${JSON.stringify({ title: 'EU sanctions Russia', summary: 'The EU acts' })}\n${JSON.stringify({ title: 'Oil prices', summary: null })}\n`,
      );
      const out = join(dir, 'data.ts');
      const run = (extra: string[]) =>
        spawnSync(
          process.execPath,
          ['--import', 'tsx', 'scripts/word-frequency.ts', corpus, '--min-share', '0.5', ...extra],
          {
            cwd: root,
            encoding: 'utf8',
          },
        );
      const wrote = run(['--out', out]);
      expect(wrote.status, wrote.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toContain("'acts:5000 eu:5000 oil:5000 prices:5000 russia:5000 sanctions:5000 the:5000'");
      expect(text).toContain('2 items of 1 JSON Lines files');
      expect(run(['--out', out, '--check']).status).toBe(0);
      writeFileSync(out, "export const WORD_FREQUENCY_DATA = 'x:1';\n");
      expect(run(['--out', out, '--check']).status).toBe(1);
      const bad = run(['--min-share', '2']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--min-share: expected a number between 0 and 1, got '2'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
