import { describe, expect, it } from 'vitest';
import { EmfMetrics } from '../../../../functions/lib/observability.js';

describe('EmfMetrics', () => {
  it('writes one Embedded Metric Format document per flush, summing repeated adds', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics(
      'Radar',
      'svc',
      (l) => lines.push(l),
      () => 1764410400000,
    );
    metrics.add('itemsFetched', 3);
    metrics.add('itemsFetched', 4);
    metrics.add('feedErrors', 1);
    metrics.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: 1764410400000,
        CloudWatchMetrics: [
          {
            Namespace: 'Radar',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'itemsFetched', Unit: 'Count' },
              { Name: 'feedErrors', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'svc',
      itemsFetched: 7,
      feedErrors: 1,
    });
  });

  it('writes nothing when nothing was added, and starts again from zero after a flush', () => {
    const lines: string[] = [];
    const metrics = new EmfMetrics('Radar', 'svc', (l) => lines.push(l));
    metrics.flush();
    expect(lines).toEqual([]);
    metrics.add('alertsPublished', 1);
    metrics.flush();
    metrics.add('alertsPublished', 2);
    metrics.flush();
    expect(lines.map((l) => JSON.parse(l).alertsPublished)).toEqual([1, 2]);
  });
});
