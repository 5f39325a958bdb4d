/**
 * One logger and one metrics sink per function. Metrics are CloudWatch Embedded Metric Format (EMF)
 * lines on stdout: CloudWatch extracts them from the log stream, so no PutMetricData call or extra
 * package is needed (@aws-lambda-powertools/metrics is not a dependency).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { METRICS, type MetricName, SERVICE_NAME } from '../../shared/config/env.js';

/** Accumulates counts during an invocation and writes them as one EMF line on flush. */
export class EmfMetrics {
  private readonly values = new Map<MetricName, number>();

  constructor(
    private readonly namespace: string = METRICS.namespace,
    private readonly service: string = SERVICE_NAME,
    // Not console.log: the Lambda runtime prefixes console lines, which breaks EMF parsing.
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds `value` to the metric (a count); gauges are set by adding once per invocation. */
  add(name: MetricName, value: number): void {
    this.values.set(name, (this.values.get(name) ?? 0) + value);
  }

  /** Writes the accumulated metrics as one EMF document and resets them; no-op when there are none. */
  flush(): void {
    if (this.values.size === 0) return;
    const names = [...this.values.keys()];
    const doc: Record<string, unknown> = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.namespace,
            Dimensions: [[METRICS.dimension]],
            Metrics: names.map((name) => ({ Name: METRICS.names[name], Unit: 'Count' })),
          },
        ],
      },
      [METRICS.dimension]: this.service,
    };
    for (const name of names) doc[METRICS.names[name]] = this.values.get(name);
    this.values.clear();
    this.write(JSON.stringify(doc));
  }
}

/** Logger for a function (level from POWERTOOLS_LOG_LEVEL, read by Powertools itself). */
export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME });
}
