/**
 * Deployment settings: config/deploy.yaml, overridable per key with CDK context (`-c radar:<key>=<value>`),
 * plus the feeds and measures files it points to. Everything is validated here, at synth, and a bad value
 * fails synth with a message that names the file or context key and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../shared/config/config-error.js';
import { type FeedsConfig, parseFeedsConfig, parseMeasuresConfig } from '../shared/config/schema.js';
import { NO_STAGE } from '../shared/domain/alert-message.js';
import { compileMeasures } from '../shared/domain/classifier/index.js';
import { type Measure, SEVERITIES, type Severity, type Stage } from '../shared/domain/types.js';

/** A bad deployment setting; the message names where it came from and the field. */
export class DeployConfigError extends Error {
  readonly code = 'DEPLOY_CONFIG';
  override readonly name = 'DeployConfigError';
}

/** Default location of the deployment settings, relative to the project root. */
export const DEFAULT_DEPLOY_CONFIG = 'config/deploy.yaml';
/** Context key that points at another deployment settings file. */
export const DEPLOY_CONFIG_CONTEXT = 'radar:deployConfig';
/** Prefix of the context keys that override single settings. */
export const CONTEXT_PREFIX = 'radar:';

const STAGES = ['threatened', 'proposed', 'negotiated', 'adopted', 'eased', NO_STAGE] as const;
/** CloudWatch Logs accepts only these retention periods. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
/** SNS allows at most 150 value combinations in one filter policy. */
const MAX_FILTER_COMBINATIONS = 150;

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const filterSchema = z
  .object({
    measures: z
      .array(z.string().regex(ID, { error: 'must be measure ids' }))
      .min(1)
      .optional(),
    severity: z
      .array(z.enum(SEVERITIES as [Severity, ...Severity[]]))
      .min(1)
      .optional(),
    stage: z.array(z.enum(STAGES)).min(1).optional(),
  })
  .strict();

const subscriberSchema = z
  .object({
    protocol: z.enum(['email', 'sms'], { error: 'must be email or sms' }),
    endpoint: z.string({ error: 'must be a string' }),
    filter: filterSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.protocol === 'sms' && !E164.test(s.endpoint)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `must be an E.164 phone number like +15555550100 for sms, got "${s.endpoint}"`,
      });
    }
    if (s.protocol === 'email' && !EMAIL.test(s.endpoint)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message: `must be an email address, got "${s.endpoint}"`,
      });
    }
  });

const settingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'must be a CloudFormation stack name' })
      .default('SanctionsRadar'),
    scheduleRateMinutes: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number of minutes' })
      .min(1, { error: 'must be at least 1' })
      .max(60, { error: 'must be at most 60' })
      .default(5),
    feedsFile: z.string().min(1).default('config/feeds.yaml'),
    measuresFile: z.string().min(1).default('config/measures.yaml'),
    logRetentionDays: z
      .number()
      .refine((n) => RETENTION_DAYS.includes(n), { error: `must be one of ${RETENTION_DAYS.join(', ')}` })
      .default(30),
    pollConcurrency: z.number().int().min(2, { error: 'must be at least 2' }).max(1000).default(10),
    userAgent: z
      .string()
      .min(8)
      .default('SanctionsRadar/0.1 (+https://github.com/sanctions-radar/sanctions-radar)'),
    opsEmail: z.string().regex(EMAIL, { error: 'must be an email address' }).nullable().default(null),
    staleFeedsThreshold: z.number().int().min(1).default(1),
    subscribers: z.array(subscriberSchema, { error: 'must be a list' }).default([]),
  })
  .strict();

export type DeploySettings = z.output<typeof settingsSchema>;
export type SubscriberConfig = DeploySettings['subscribers'][number];
export type SubscriberFilter = NonNullable<SubscriberConfig['filter']>;

/** Everything the stack needs: validated settings plus the validated feeds and measures. */
export interface DeployConfig extends DeploySettings {
  /** Absolute paths of the config files bundled into the functions. */
  feedsPath: string;
  measuresPath: string;
  feeds: FeedsConfig;
  measures: Measure[];
}

export interface LoadDeployConfigOptions {
  /** Project root that relative paths resolve against. */
  rootDir: string;
  /** CDK context lookup (`app.node.tryGetContext`). */
  context: (key: string) => unknown;
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path.replace(/^\./, '')}${path ? ': ' : ''}${issue.message}`;
}

function readYaml(path: string): unknown {
  if (!existsSync(path)) throw new DeployConfigError(`${path}: file not found`);
  const doc = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw new DeployConfigError(`${path}: invalid YAML: ${first.message.split('\n')[0]}`);
  return doc.toJS() ?? {};
}

/** Context values from `-c` arrive as strings; numbers and lists are parsed, naming the key on failure. */
function contextOverrides(context: (key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const raw = context(`${CONTEXT_PREFIX}${key}`);
    if (raw === undefined) continue;
    const expectsString = ['stackName', 'feedsFile', 'measuresFile', 'userAgent', 'opsEmail'].includes(key);
    if (typeof raw === 'string' && !expectsString) {
      try {
        out[key] = JSON.parse(raw);
      } catch {
        throw new DeployConfigError(`context ${CONTEXT_PREFIX}${key}: not valid JSON: ${raw}`);
      }
    } else {
      out[key] = raw;
    }
  }
  return out;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new DeployConfigError(message);
}

/** Loads and validates the deployment config; throws DeployConfigError (or ConfigError) naming the bad value. */
export function loadDeployConfig(options: LoadDeployConfigOptions): DeployConfig {
  const contextFile = options.context(DEPLOY_CONFIG_CONTEXT);
  const file = resolve(
    options.rootDir,
    typeof contextFile === 'string' ? contextFile : DEFAULT_DEPLOY_CONFIG,
  );
  const fromFile = readYaml(file);
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
    throw new DeployConfigError(`${file}: must be a mapping of settings`);
  }
  const overrides = contextOverrides(options.context);
  const parsed = settingsSchema.safeParse({ ...fromFile, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const key = String(issue.path[0] ?? '');
    const source = key in overrides ? `context ${CONTEXT_PREFIX}${key}` : file;
    throw new DeployConfigError(`${source}: ${describe(issue)}`);
  }
  const settings = parsed.data;

  const feedsPath = isAbsolute(settings.feedsFile)
    ? settings.feedsFile
    : resolve(options.rootDir, settings.feedsFile);
  const measuresPath = isAbsolute(settings.measuresFile)
    ? settings.measuresFile
    : resolve(options.rootDir, settings.measuresFile);
  const feeds = parseFeedsConfig(readConfigFile(feedsPath), feedsPath);
  const measures = parseMeasuresConfig(readConfigFile(measuresPath), measuresPath);
  try {
    compileMeasures(measures);
  } catch (err) {
    throw new DeployConfigError(`${measuresPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The SSRF guard protects the account's network position; it is never lifted in a deployment.
  check(!feeds.allowPrivateHosts, `${feedsPath}: settings.allowPrivateHosts must be false for a deployment`);

  const measureIds = new Set(measures.map((m) => m.id));
  const seen = new Set<string>();
  settings.subscribers.forEach((s, i) => {
    const where = `${file}: subscribers[${i}]`;
    check(!seen.has(`${s.protocol}:${s.endpoint}`), `${where}.endpoint: duplicate subscriber ${s.endpoint}`);
    seen.add(`${s.protocol}:${s.endpoint}`);
    for (const id of s.filter?.measures ?? []) {
      check(measureIds.has(id), `${where}.filter.measures: unknown measure "${id}" (not in ${measuresPath})`);
    }
    const combinations =
      (s.filter?.measures?.length ?? 1) * (s.filter?.severity?.length ?? 1) * (s.filter?.stage?.length ?? 1);
    check(
      combinations <= MAX_FILTER_COMBINATIONS,
      `${where}.filter: ${combinations} value combinations, SNS allows ${MAX_FILTER_COMBINATIONS}`,
    );
  });
  return { ...settings, feedsPath, measuresPath, feeds, measures };
}

function readConfigFile(path: string): string {
  if (!existsSync(path)) throw new ConfigError(`${path}: cannot read config file (ENOENT)`, path);
  return readFileSync(path, 'utf8');
}

/** Filter policy values for a subscriber, by message attribute (only the attributes it restricts). */
export function filterPolicyValues(filter: SubscriberFilter | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (filter?.measures) out.measures = [...filter.measures];
  if (filter?.severity) out.severity = [...filter.severity];
  if (filter?.stage) out.stage = [...(filter.stage as Array<Stage | typeof NO_STAGE>)];
  return out;
}
