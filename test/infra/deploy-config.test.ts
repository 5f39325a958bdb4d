import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filterPolicyValues, loadDeployConfig } from '../../infra/deploy-config.js';
import { PROJECT_ROOT } from '../../infra/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'radar-deploy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEEDS = join(PROJECT_ROOT, 'config/feeds.yaml');
const MEASURES = join(PROJECT_ROOT, 'config/measures.yaml');
let n = 0;

/** Writes a deploy.yaml (pointing at the shipped feeds and measures unless overridden) and loads it. */
function load(yaml: string, context: Record<string, unknown> = {}) {
  const file = join(dir, `deploy-${n++}.yaml`);
  writeFileSync(file, `feedsFile: ${FEEDS}\nmeasuresFile: ${MEASURES}\n${yaml}`);
  const ctx: Record<string, unknown> = { 'radar:deployConfig': file, ...context };
  return loadDeployConfig({ rootDir: dir, context: (key) => ctx[key] });
}

describe('loadDeployConfig', () => {
  it('loads the shipped config/deploy.yaml with its defaults and the validated feeds and measures', () => {
    const config = loadDeployConfig({ rootDir: PROJECT_ROOT, context: () => undefined });
    expect(config).toMatchObject({ stackName: 'SanctionsRadar', scheduleRateMinutes: 5, subscribers: [] });
    expect(config.feeds.feeds.length).toBeGreaterThan(0);
    expect(config.measures.map((m) => m.id)).toContain('ru-energy');
    expect(config.feedsPath).toBe(FEEDS);
  });

  it('takes single settings and subscribers from context, parsing JSON values', () => {
    const config = load('', {
      'radar:scheduleRateMinutes': '10',
      'radar:subscribers': JSON.stringify([
        { protocol: 'sms', endpoint: '+447700900123', filter: { severity: ['critical'] } },
      ]),
    });
    expect(config.scheduleRateMinutes).toBe(10);
    expect(config.subscribers[0]?.endpoint).toBe('+447700900123');
  });

  it.each([
    ['scheduleRateMinutes: 0', /deploy-\d+\.yaml: scheduleRateMinutes: must be at least 1/],
    ['scheduleRateMinutes: 2.5', /scheduleRateMinutes: must be a whole number of minutes/],
    ['logRetentionDays: 10', /logRetentionDays: must be one of 1, 3, 5/],
    ['scheduleRate: 5', /Unrecognized key.*scheduleRate/],
    [
      'subscribers:\n  - protocol: sms\n    endpoint: "07700 900123"',
      /subscribers\[0\]\.endpoint: must be an E\.164 phone number/,
    ],
    [
      'subscribers:\n  - protocol: email\n    endpoint: not-an-email',
      /subscribers\[0\]\.endpoint: must be an email address/,
    ],
    [
      'subscribers:\n  - protocol: pager\n    endpoint: x',
      /subscribers\[0\]\.protocol: must be email or sms/,
    ],
    [
      'subscribers:\n  - protocol: email\n    endpoint: a@example.org\n    filter:\n      severity: [urgent]',
      /subscribers\[0\]\.filter\.severity\[0\]/,
    ],
    [
      'subscribers:\n  - protocol: email\n    endpoint: a@example.org\n    filter:\n      measures: [no-such-measure]',
      /subscribers\[0\]\.filter\.measures: unknown measure "no-such-measure"/,
    ],
    [
      'subscribers:\n  - protocol: email\n    endpoint: a@example.org\n  - protocol: email\n    endpoint: a@example.org',
      /subscribers\[1\]\.endpoint: duplicate subscriber a@example.org/,
    ],
  ])('fails on %j naming the setting', (yaml, message) => {
    expect(() => load(yaml)).toThrow(message);
  });

  it('names the context key when a context override is bad', () => {
    expect(() => load('', { 'radar:scheduleRateMinutes': 'often' })).toThrow(
      'context radar:scheduleRateMinutes: not valid JSON: often',
    );
    expect(() => load('', { 'radar:scheduleRateMinutes': '90' })).toThrow(
      /^context radar:scheduleRateMinutes: scheduleRateMinutes: must be at most 60$/,
    );
  });

  it('fails synth on feeds that lift the SSRF guard and on measures whose query does not compile', () => {
    const loadFiles = (feeds: string, measures: string) => {
      const file = join(dir, `deploy-${n++}.yaml`);
      writeFileSync(file, `feedsFile: ${feeds}\nmeasuresFile: ${measures}\n`);
      return loadDeployConfig({
        rootDir: dir,
        context: (k) => (k === 'radar:deployConfig' ? file : undefined),
      });
    };
    const feeds = join(dir, 'private-feeds.yaml');
    writeFileSync(
      feeds,
      'settings:\n  allowPrivateHosts: true\nfeeds:\n  - id: a\n    url: http://127.0.0.1/feed\n',
    );
    expect(() => loadFiles(feeds, MEASURES)).toThrow(
      /private-feeds\.yaml: settings\.allowPrivateHosts must be false for a deployment/,
    );
    const measures = join(dir, 'bad-measures.yaml');
    writeFileSync(
      measures,
      'measures:\n  - id: m\n    name: M\n    severity: high\n    query: "(unclosed"\n',
    );
    expect(() => loadFiles(FEEDS, measures)).toThrow(/bad-measures\.yaml: /);
    const badFeeds = join(dir, 'bad-feeds.yaml');
    writeFileSync(badFeeds, 'feeds:\n  - id: a\n    url: ftp://example.org/feed\n');
    expect(() => loadFiles(badFeeds, MEASURES)).toThrow(
      /bad-feeds\.yaml: feeds\[0\] \(id "a"\): url: must be an absolute http\(s\) URL/,
    );
  });

  it('names a missing deploy config file', () => {
    expect(() =>
      loadDeployConfig({
        rootDir: dir,
        context: (k) => (k === 'radar:deployConfig' ? 'nope.yaml' : undefined),
      }),
    ).toThrow(/nope\.yaml: file not found/);
  });
});

describe('filterPolicyValues', () => {
  it('restricts only the attributes the subscriber filtered on', () => {
    expect(filterPolicyValues(undefined)).toEqual({});
    expect(filterPolicyValues({ severity: ['critical'], stage: ['none'] })).toEqual({
      severity: ['critical'],
      stage: ['none'],
    });
  });
});
