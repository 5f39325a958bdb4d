/**
 * Alert messages per delivery protocol (SNS MessageStructure json): a full plain-text email with a
 * subject, an SMS of at most 140 characters, and a JSON document for machine subscribers (SQS, HTTPS).
 * Pure. Feed text is plain text already; tags are stripped again here so no HTML ever reaches an alert.
 */
import type { Alert, Severity, Stage } from './types.js';

export const SMS_MAX_CHARS = 140;
/** SNS subjects must be ASCII, single-line and under 100 characters. */
export const SUBJECT_MAX_CHARS = 99;
const SUMMARY_MAX_CHARS = 1200;
const QUOTES_PER_MEASURE = 3;

/** Value of the `stage` message attribute when the text states no stage (SNS rejects empty values). */
export const NO_STAGE = 'none';

export interface AlertMessageContext {
  /** Display name of the alert's feed, when the feed config gives one. */
  feedName: string | null;
  /** Display names of measures by id; unknown ids show as the id. */
  measureNames: Readonly<Record<string, string>>;
}

export interface AlertMessage {
  subject: string;
  /** One body per protocol; `default` serves every protocol without its own key (SQS, HTTPS, Lambda). */
  bodies: { default: string; email: string; sms: string };
  /** Message attributes that subscription filter policies match on. */
  attributes: { measures: string[]; severity: Severity; stage: Stage | typeof NO_STAGE };
}

/** Plain single-spaced text: drops tags, comments and control characters, collapses whitespace. */
export function plainText(text: string | null | undefined): string {
  if (!text) return '';
  return text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^<>]*>/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts text to at most `max` code points, ending with an ellipsis when it was cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/** Length in code points (what a subscriber counts), not UTF-16 units. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** Renders one alert for every protocol. */
export function renderAlertMessage(alert: Alert, context: AlertMessageContext): AlertMessage {
  return {
    subject: renderSubject(alert),
    bodies: {
      default: renderJson(alert, context),
      email: renderEmail(alert, context),
      sms: renderSms(alert),
    },
    attributes: { measures: [...alert.measures], severity: alert.severity, stage: alert.stage ?? NO_STAGE },
  };
}

function asciiOnly(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `Sanctions alert [high] eu-package: Title` in ASCII; a title with no Latin letters is left out. */
export function renderSubject(alert: Alert): string {
  const head = `Sanctions alert [${alert.severity}] ${measureLabel(alert.measures)}`;
  const title = asciiOnly(plainText(alert.title));
  const latinLetters = title.replace(/[^A-Za-z]/g, '').length;
  const full = latinLetters >= 3 ? `${head}: ${title}` : head;
  if (full.length <= SUBJECT_MAX_CHARS) return full;
  return `${full.slice(0, SUBJECT_MAX_CHARS - 3).trimEnd()}...`;
}

function measureLabel(measures: string[]): string {
  const [first, ...rest] = measures;
  if (!first) return 'unclassified';
  return rest.length > 0 ? `${first}+${rest.length}` : first;
}

/** `measure: short title link`, at most 140 characters; a link too long to fit is left out. */
export function renderSms(alert: Alert): string {
  const prefix = `${measureLabel(alert.measures)}: `;
  const title = plainText(alert.title) || '(untitled)';
  const link = alert.link ? plainText(alert.link).replace(/\s/g, '') : '';
  const minTitle = 12;
  const withLink = link && charCount(prefix) + minTitle + 1 + charCount(link) <= SMS_MAX_CHARS;
  const room = SMS_MAX_CHARS - charCount(prefix) - (withLink ? charCount(link) + 1 : 0);
  const body = `${prefix}${truncate(title, room)}${withLink ? ` ${link}` : ''}`;
  // The prefix alone can exceed the limit only with absurd measure ids; cut rather than break the limit.
  return truncate(body, SMS_MAX_CHARS);
}

function formatTime(iso: string | null): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return plainText(iso);
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function measureDisplay(id: string, context: AlertMessageContext): string {
  const name = context.measureNames[id];
  return name ? `${plainText(name)} [${id}]` : id;
}

/** Full plain-text email: title, source, published time, measures, quoted evidence, summary, link. */
export function renderEmail(alert: Alert, context: AlertMessageContext): string {
  const title = plainText(alert.title) || '(untitled)';
  const source = context.feedName ? `${plainText(context.feedName)} (${alert.feedId})` : alert.feedId;
  // One line per measure, its first spans first (the classifier lists the query's own spans first).
  const byMeasure = new Map<string, string[]>();
  for (const e of alert.evidence) {
    const text = plainText(e.text);
    const spans = byMeasure.get(e.measureId) ?? [];
    if (
      !text ||
      spans.length >= QUOTES_PER_MEASURE ||
      spans.some((q) => q.toLowerCase() === text.toLowerCase())
    ) {
      continue;
    }
    byMeasure.set(e.measureId, [...spans, text]);
  }
  const quotes = [...byMeasure].map(
    ([id, spans]) => `  - ${measureDisplay(id, context)}: ${spans.map((t) => `"${t}"`).join(', ')}`,
  );
  const summary = plainText(alert.summary);
  const lines = [
    title,
    '',
    `Source:     ${source}`,
    `Published:  ${formatTime(alert.published)}`,
    `Measures:   ${alert.measures.map((id) => measureDisplay(id, context)).join('; ') || 'none'}`,
    `Severity:   ${alert.severity}`,
    `Stage:      ${alert.stage ?? 'not stated'}`,
    '',
    'Why it matched:',
    ...(quotes.length > 0 ? quotes : ['  (no quoted evidence)']),
  ];
  if (summary) lines.push('', 'Summary:', `  ${truncate(summary, SUMMARY_MAX_CHARS)}`);
  lines.push('', `Link: ${alert.link ? plainText(alert.link) : '(none)'}`, '', `Alert id: ${alert.id}`);
  return lines.join('\n');
}

/** Machine-readable body for SQS/HTTPS/Lambda subscribers. */
export function renderJson(alert: Alert, context: AlertMessageContext): string {
  return JSON.stringify({
    id: alert.id,
    title: plainText(alert.title) || null,
    link: alert.link,
    published: alert.published,
    feedId: alert.feedId,
    feedName: context.feedName,
    measures: alert.measures,
    severity: alert.severity,
    stage: alert.stage,
    evidence: alert.evidence.map((e) => ({
      measureId: e.measureId,
      field: e.field,
      text: plainText(e.text),
    })),
    summary: plainText(alert.summary) || null,
    createdAt: alert.createdAt,
  });
}
