import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addScores, formatScore, scoreSet } from '../../../scripts/eval-sets.js';
import { type LabelledItem, readLabelled } from '../../../scripts/labelled.js';

const item = (id: string, labels: string[]): LabelledItem => ({ id, title: id, summary: null, labels });

describe('eval-sets scoring', () => {
  const items = [item('a', ['x']), item('b', ['x', 'y']), item('c', []), item('d', [])];
  const predicted: Record<string, string[]> = { a: ['x'], b: ['y', 'z'], c: ['x'], d: [] };
  const score = scoreSet(items, (it) => predicted[it.id] ?? []);

  it('counts hits, false hits, misses and false alarms on unlabelled items', () => {
    // a: tp x; b: tp y, fp z, fn x; c: fp x (an alarm); d: nothing.
    expect(score).toEqual({ items: 4, tp: 2, fp: 2, fn: 1, unlabelled: 2, alarms: 1 });
  });
  it('formats micro precision, recall, F1 and the alarm rate', () => {
    expect(formatScore(score)).toBe('0.500 / 0.667 / 0.571   1/2 = 50.0 %');
  });
  it('adds scores field by field', () => {
    expect(addScores([score, score])).toEqual({ items: 8, tp: 4, fp: 4, fn: 2, unlabelled: 4, alarms: 2 });
  });
  it('reads a set and names the file and line of a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-sets-'));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"id": "a", "title": "t", "labels": ["x"]}\n\n');
    expect(readLabelled(good)).toEqual([{ id: 'a', title: 't', summary: null, labels: ['x'] }]);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": "a", "labels": []}\n{"id": 3}\n');
    expect(() => readLabelled(bad)).toThrow(`${bad} line 2: expected "id" (string) and "labels" (array)`);
    writeFileSync(bad, 'not json\n');
    expect(() => readLabelled(bad)).toThrow(`${bad} line 1: not JSON`);
    expect(() => readLabelled(join(dir, 'missing.jsonl'))).toThrow(
      `cannot read ${join(dir, 'missing.jsonl')}`,
    );
    expect(() => readLabelled(dir)).toThrow(`cannot read ${dir}: it is a directory, not a JSON Lines file`);
  });
});
