/**
 * Lambda environment contract: the ONE list of env var names, shared by the CDK stack (which sets them)
 * and the handlers (which read them once, at cold start). Pure: callers pass the env in.
 */

/** Env var names the stack sets on the functions. */
export const ENV = {
  /** Name of the single DynamoDB table. */
  tableName: 'RADAR_TABLE_NAME',
  /** URL of the SQS poll queue (dispatcher → poll-feed). */
  pollQueueUrl: 'RADAR_POLL_QUEUE_URL',
  /** ARN of the SNS alerts topic (publisher only). */
  alertTopicArn: 'RADAR_ALERT_TOPIC_ARN',
  /** Directory holding the bundled feeds.yaml and measures.yaml. */
  configDir: 'RADAR_CONFIG_DIR',
  /** Minutes between two dispatcher runs (the schedule rate). */
  scheduleMinutes: 'RADAR_SCHEDULE_MINUTES',
  /** User-Agent sent to feed servers. */
  userAgent: 'RADAR_USER_AGENT',
  /** CloudWatch namespace of the custom metrics. */
  metricsNamespace: 'RADAR_METRICS_NAMESPACE',
  /** Powertools service name (logger `service` key, metric dimension). */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;

export type EnvKey = keyof typeof ENV;

/** A missing or malformed environment variable; the message names it. */
export class EnvError extends Error {
  readonly code = 'ENV';
  override readonly name = 'EnvError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`environment variable ${variable}: ${problem}`);
  }
}

type Kind = 'string' | 'positiveInt';
type Spec = Partial<Record<EnvKey, Kind>>;
type Loaded<S extends Spec> = { [K in keyof S]: S[K] extends 'positiveInt' ? number : string };

/** Reads the listed variables from `env`; throws EnvError naming the first one missing or malformed. */
export function loadEnv<S extends Spec>(
  env: Readonly<Record<string, string | undefined>>,
  spec: S,
): Loaded<S> {
  const out: Record<string, string | number> = {};
  for (const [key, kind] of Object.entries(spec) as Array<[EnvKey, Kind]>) {
    const name = ENV[key];
    const raw = env[name]?.trim();
    if (!raw) throw new EnvError(name, 'missing (it is set by the CDK stack)');
    if (kind === 'positiveInt') {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1)
        throw new EnvError(name, `expected a positive integer, got "${raw}"`);
      out[key] = n;
    } else {
      out[key] = raw;
    }
  }
  return out as Loaded<S>;
}

/** Custom metrics: the contract between the handlers (which emit them) and the alarms/dashboard. */
export const METRICS = {
  /** Default CloudWatch namespace (the stack sets ENV.metricsNamespace). */
  namespace: 'SanctionsRadar',
  /** Every metric carries this one dimension, valued with the service name. */
  dimension: 'service',
  names: {
    itemsFetched: 'itemsFetched',
    matchesStored: 'matchesStored',
    alertsPublished: 'alertsPublished',
    feedErrors: 'feedErrors',
    /** Feeds polled without error (ok or not-modified); the "no successful poll" alarm watches it. */
    pollsSucceeded: 'pollsSucceeded',
    feedsDispatched: 'feedsDispatched',
    /** Gauges emitted by the dispatcher every tick. */
    staleFeeds: 'staleFeeds',
    failingFeeds: 'failingFeeds',
  },
} as const;

export type MetricName = keyof typeof METRICS.names;

/** `source` of the payload EventBridge Scheduler sends to the dispatcher (set by the stack, checked by the handler). */
export const SCHEDULE_EVENT_SOURCE = 'sanctions-radar.scheduler';

/** The service name every function logs and emits metrics under. */
export const SERVICE_NAME = 'sanctions-radar';
