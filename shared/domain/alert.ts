/** Building alerts from classified items, and their short text renderings. Pure. */
import type { Alert, Evidence, Measure, MeasureMatch, Severity, Stage, StoredItem } from './types.js';

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const MAX_EVIDENCE_PER_MEASURE = 3;

/** Highest severity among the matched measures (unknown ids count as low). */
export function maxSeverity(measureIds: string[], measures: readonly Measure[]): Severity {
  let best: Severity = 'low';
  for (const id of measureIds) {
    const s = measures.find((m) => m.id === id)?.severity ?? 'low';
    if (SEVERITY_RANK[s] > SEVERITY_RANK[best]) best = s;
  }
  return best;
}

/** The alert for an item and the matches that are new for it; id is supplied by the caller (story key). */
export function buildAlert(input: {
  id: string;
  item: StoredItem;
  matches: MeasureMatch[];
  measures: readonly Measure[];
  createdAt: string;
}): Alert {
  const { item, matches } = input;
  const measureIds = matches.map((m) => m.measureId);
  const evidence: Array<Evidence & { measureId: string }> = [];
  for (const m of matches) {
    // The classifier lists the spans that satisfied the measure's own query first (then its `requires`
    // context), so the first few say why it matched.
    const spans = m.evidence.slice(0, MAX_EVIDENCE_PER_MEASURE);
    for (const e of spans) {
      if (!evidence.some((x) => x.field === e.field && x.start === e.start && x.end === e.end)) {
        evidence.push({ ...e, measureId: m.measureId });
      }
    }
  }
  const severity = maxSeverity(measureIds, input.measures);
  const stage: Stage | null = matches.find((m) => m.stage !== null)?.stage ?? null;
  return {
    id: input.id,
    itemKey: item.itemKey,
    feedId: item.feedId,
    title: item.title,
    link: item.link,
    summary: item.summary,
    published: item.published,
    measures: measureIds,
    severity,
    stage,
    evidence,
    createdAt: input.createdAt,
    status: 'pending',
  };
}

/** Quoted evidence for short renderings: each measure's first span before any measure's second, de-duplicated. */
export function evidenceQuotes(alert: Alert, max = 3): string[] {
  const byMeasure = new Map<string, string[]>();
  for (const e of alert.evidence) {
    const t = e.text.replace(/\s+/g, ' ').trim();
    if (t) byMeasure.set(e.measureId, [...(byMeasure.get(e.measureId) ?? []), t]);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (let round = 0; out.length < max; round++) {
    let any = false;
    for (const spans of byMeasure.values()) {
      const t = spans[round];
      if (t === undefined) continue;
      any = true;
      const k = t.toLowerCase();
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(`"${t}"`);
      if (out.length >= max) break;
    }
    if (!any) break;
  }
  return out;
}

/** One console line: severity, measures, title, why, link. */
export function formatAlertLine(alert: Alert): string {
  const why = evidenceQuotes(alert).join(', ');
  const stage = alert.stage ? ` (${alert.stage})` : '';
  return `ALERT [${alert.severity}] ${alert.measures.join(',')}${stage}: ${alert.title ?? '(untitled)'}${
    why ? ` — matched ${why}` : ''
  }${alert.link ? ` <${alert.link}>` : ''}`;
}
