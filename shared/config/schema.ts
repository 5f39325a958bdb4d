/** Config file schemas (feeds.yaml, measures.yaml) and their validation into domain types. */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type FeedConfig, type Measure, SEVERITIES } from '../domain/types.js';
import { ConfigError } from './config-error.js';
import { expandDefinitions } from './definitions.js';

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const idField = z.string({ error: 'must be a string' }).regex(ID, {
  error: 'must be lowercase letters, digits and dashes (max 63), starting with a letter or digit',
});

const feedSchema = z
  .object({
    id: idField,
    url: z.string({ error: 'must be a string' }).refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), {
      error: 'must be an absolute http(s) URL',
    }),
    name: z.string().min(1).optional(),
    tags: z.array(z.string()).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

const feedsFileSchema = z
  .object({
    feeds: z.array(z.unknown(), { error: 'must be a list of feeds' }),
    settings: z
      .object({
        /** Lift the SSRF guard for this config (local testing only). */
        allowPrivateHosts: z.boolean().optional(),
        pollIntervalMinutes: z.number().int().min(1).max(1440).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const measureSchema = z
  .object({
    id: idField,
    name: z.string({ error: 'must be a string' }).min(1),
    severity: z.enum(SEVERITIES as [string, ...string[]], {
      error: `must be one of ${SEVERITIES.join(', ')}`,
    }),
    query: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    requires: z.string().min(1).optional(),
    excludes: z.string().min(1).optional(),
    jurisdictions: z.array(z.string()).optional(),
    notes: z.string().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

const measuresFileSchema = z
  .object({
    definitions: z
      .record(
        z.string(),
        z.string({ error: 'must be a query text' }).min(1, { error: 'must not be empty' }),
        {
          error: 'must map block names to query texts',
        },
      )
      .optional(),
    measures: z.array(z.unknown(), { error: 'must be a list of measures' }),
  })
  .strict();

export interface FeedsConfig {
  feeds: FeedConfig[];
  allowPrivateHosts: boolean;
  pollIntervalMinutes: number;
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const where = first.linePos?.[0];
    throw new ConfigError(
      `${file}${where ? `:${where.line}:${where.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      file,
    );
  }
  return doc.toJS();
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return `${path ? `${path}: ` : ''}${issue.message}`;
}

function entryLabel(kind: string, index: number, raw: unknown): string {
  const id = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  return `${kind}[${index}]${typeof id === 'string' ? ` (id "${id}")` : ''}`;
}

function checkUnique(kind: string, ids: string[], file: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ConfigError(`${file}: ${kind}[${i}] (id "${id}"): id: duplicate id`, file);
    seen.add(id);
  });
}

/** Parses and validates feeds.yaml text; throws ConfigError naming file, entry and field. */
export function parseFeedsConfig(text: string, file: string): FeedsConfig {
  const top = feedsFileSchema.safeParse(parseYaml(text, file));
  if (!top.success)
    throw new ConfigError(`${file}: ${describeIssue(top.error.issues[0] as z.core.$ZodIssue)}`, file);
  const feeds: FeedConfig[] = [];
  top.data.feeds.forEach((raw, i) => {
    const r = feedSchema.safeParse(raw);
    if (!r.success) {
      throw new ConfigError(
        `${file}: ${entryLabel('feeds', i, raw)}: ${describeIssue(r.error.issues[0] as z.core.$ZodIssue)}`,
        file,
      );
    }
    if (r.data.enabled === false) return;
    feeds.push({ id: r.data.id, url: r.data.url, name: r.data.name ?? null, tags: r.data.tags ?? [] });
  });
  checkUnique(
    'feeds',
    feeds.map((f) => f.id),
    file,
  );
  return {
    feeds,
    allowPrivateHosts: top.data.settings?.allowPrivateHosts ?? false,
    pollIntervalMinutes: top.data.settings?.pollIntervalMinutes ?? 5,
  };
}

/** Parses and validates measures.yaml text (schema only; query syntax is checked by the classifier). */
export function parseMeasuresConfig(text: string, file: string): Measure[] {
  const top = measuresFileSchema.safeParse(parseYaml(text, file));
  if (!top.success)
    throw new ConfigError(`${file}: ${describeIssue(top.error.issues[0] as z.core.$ZodIssue)}`, file);
  const measures: Measure[] = [];
  top.data.measures.forEach((raw, i) => {
    const r = measureSchema.safeParse(raw);
    if (!r.success) {
      throw new ConfigError(
        `${file}: ${entryLabel('measures', i, raw)}: ${describeIssue(r.error.issues[0] as z.core.$ZodIssue)}`,
        file,
      );
    }
    if (r.data.enabled === false) return;
    measures.push({
      id: r.data.id,
      name: r.data.name,
      severity: r.data.severity as Measure['severity'],
      query: r.data.query,
      requires: r.data.requires ?? null,
      excludes: r.data.excludes ?? null,
      jurisdictions: r.data.jurisdictions ?? [],
      notes: r.data.notes ?? null,
    });
  });
  checkUnique(
    'measures',
    measures.map((m) => m.id),
    file,
  );
  return expandDefinitions(measures, top.data.definitions ?? {}, file);
}
