import { describe, expect, it } from 'vitest';
import { estimate } from '../../../scripts/cost-model.js';

const total = (feeds: number) => estimate(feeds).reduce((s, i) => s + i.usd, 0);
const item = (feeds: number, service: string) =>
  estimate(feeds).find((i) => i.service === service)?.usd ?? Number.NaN;

describe('cost model', () => {
  it('prices every line as a finite, non-negative amount', () => {
    for (const feeds of [1, 100, 1000]) {
      for (const line of estimate(feeds)) {
        expect(Number.isFinite(line.usd)).toBe(true);
        expect(line.usd).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('scales per-poll costs linearly with feeds while fixed costs stay flat', () => {
    expect(item(1000, 'DynamoDB on-demand') / item(100, 'DynamoDB on-demand')).toBeCloseTo(10, 1);
    expect(item(1000, 'EventBridge Scheduler')).toBe(item(100, 'EventBridge Scheduler'));
    expect(item(1000, 'CloudWatch metrics, alarms, dashboard')).toBe(
      item(100, 'CloudWatch metrics, alarms, dashboard'),
    );
    expect(total(1000)).toBeGreaterThan(total(100));
    expect(total(1000)).toBeLessThan(10 * total(100));
  });
});
