/**
 * publishPendingAlerts: deliver every alert still pending, then mark it published.
 * A crash between publish and mark re-publishes on the next run; publishers are idempotent on alert id,
 * so the subscriber still gets one alert.
 */
import { describeError, type ErrorInfo } from '../domain/errors.js';
import type { Alert } from '../domain/types.js';
import type { AlertPublisher, AlertStore, Clock } from '../ports/index.js';

export interface PublishDeps {
  alerts: Pick<AlertStore, 'listPendingAlerts' | 'markAlertPublished'>;
  publisher: AlertPublisher;
  clock: Clock;
}

export interface PublishResult {
  published: Alert[];
  failed: Array<{ alertId: string; error: ErrorInfo }>;
}

/** Publishes pending alerts oldest first; a failing alert stays pending and the others go on. */
export async function publishPendingAlerts(
  deps: PublishDeps,
  options: {
    batchSize?: number;
    /** Only alerts created before this ISO time (the sweeper leaves fresh ones to the stream). */
    createdBefore?: string;
  } = {},
): Promise<PublishResult> {
  const result: PublishResult = { published: [], failed: [] };
  const batchSize = options.batchSize ?? 100;
  const attempted = new Set<string>();
  for (;;) {
    const before = options.createdBefore;
    const pending = (await deps.alerts.listPendingAlerts(batchSize)).filter(
      (a) => !attempted.has(a.id) && (before === undefined || a.createdAt < before),
    );
    if (pending.length === 0) return result;
    for (const alert of pending) {
      attempted.add(alert.id);
      try {
        await deps.publisher.publish(alert);
        await deps.alerts.markAlertPublished(alert.id, deps.clock.now().toISOString());
        result.published.push(alert);
      } catch (err) {
        result.failed.push({ alertId: alert.id, error: describeError(err) });
      }
    }
  }
}
