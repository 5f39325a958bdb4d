import { describe, expect, it } from 'vitest';
import { buildAlert, evidenceQuotes, formatAlertLine, maxSeverity } from '../../../../shared/domain/alert.js';
import type { Measure, MeasureMatch, StoredItem } from '../../../../shared/domain/types.js';

const measure = (id: string, severity: Measure['severity']): Measure => ({
  id,
  name: id,
  severity,
  query: id,
  requires: null,
  excludes: null,
  jurisdictions: [],
  notes: null,
});
const measures = [
  measure('ru-banks', 'high'),
  measure('frozen-assets', 'critical'),
  measure('relief', 'medium'),
];
const item: StoredItem = {
  itemKey: 'k1',
  storyKey: 's1',
  feedId: 'wire',
  guid: 'g',
  title: 'EU weighs frozen assets loan as US sanctions Sberbank',
  link: 'https://x.example/1',
  summary: null,
  published: '2026-11-01T10:00:00.000Z',
  author: null,
  categories: [],
  contentHash: 'h',
  fetchedAt: '2026-11-01T10:05:00.000Z',
  processedAt: null,
  measureIds: [],
};
const span = (text: string, start: number) => ({
  field: 'title' as const,
  start,
  end: start + text.length,
  text,
});
const matches: MeasureMatch[] = [
  {
    measureId: 'ru-banks',
    score: 0.9,
    stage: null,
    evidence: [
      span('Sberbank', 40),
      span('sanctions', 30),
      span('US Treasury Department', 0),
      span('US', 27),
    ],
  },
  { measureId: 'frozen-assets', score: 0.8, stage: 'proposed', evidence: [span('frozen assets', 9)] },
];

describe('buildAlert', () => {
  const alert = buildAlert({ id: 's1', item, matches, measures, createdAt: '2026-11-01T10:06:00.000Z' });

  it('takes the highest severity of the matched measures and the first stated stage', () => {
    expect(alert).toMatchObject({
      id: 's1',
      status: 'pending',
      measures: ['ru-banks', 'frozen-assets'],
      severity: 'critical',
      stage: 'proposed',
    });
  });

  it('keeps the first spans of each measure (query spans come first), at most three per measure', () => {
    expect(alert.evidence.filter((e) => e.measureId === 'ru-banks').map((e) => e.text)).toEqual([
      'Sberbank',
      'sanctions',
      'US Treasury Department',
    ]);
    expect(alert.evidence.filter((e) => e.measureId === 'frozen-assets')).toHaveLength(1);
  });

  it("quotes each measure's first span before a second span of any measure", () => {
    expect(evidenceQuotes(alert, 3)).toEqual(['"Sberbank"', '"frozen assets"', '"sanctions"']);
  });

  it('renders one console line with severity, measures, stage, title, quotes and link', () => {
    expect(formatAlertLine(alert)).toBe(
      'ALERT [critical] ru-banks,frozen-assets (proposed): EU weighs frozen assets loan as US sanctions Sberbank — matched "Sberbank", "frozen assets", "sanctions" <https://x.example/1>',
    );
  });
});

describe('maxSeverity', () => {
  it('treats unknown measure ids as low', () => {
    expect(maxSeverity(['nope'], measures)).toBe('low');
    expect(maxSeverity(['relief', 'ru-banks'], measures)).toBe('high');
  });
});
