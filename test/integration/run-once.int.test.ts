import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type StaticFeedServer, startStaticFeedServer } from '../../cli/static-feed-server.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pipeline');
const MEASURES = join(import.meta.dirname, '..', '..', 'config', 'measures.yaml');

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function radar(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr, cwd: process.cwd(), env: {} });
  return { code, out, err };
}

async function outbox(dataDir: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dataDir, 'outbox.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('radar run --once against feeds on a loopback server', () => {
  let server: StaticFeedServer;
  let dir: string;
  let feedsFile: string;

  beforeAll(async () => {
    server = await startStaticFeedServer(FIXTURES);
    dir = await mkdtemp(join(tmpdir(), 'radar-run-'));
    const dead = await closedPort();
    const feeds = server.files
      .filter((f) => !f.endsWith('.md'))
      .map((f, i) => `  - {id: feed-${i}-${f.split(/[-.]/)[0]}, url: "${server.baseUrl}/${f}"}`);
    feeds.push(`  - {id: gone, url: "${server.baseUrl}/missing.xml"}`);
    feeds.push(`  - {id: refused, url: "http://127.0.0.1:${dead}/feed.xml"}`);
    feedsFile = join(dir, 'feeds.yaml');
    await writeFile(feedsFile, `feeds:\n${feeds.join('\n')}\n`);
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One `radar run --once` over the fixture feeds into `dataDir`. */
  const runOnce = (dataDir: string, allowPrivateHosts: boolean) =>
    radar([
      'run',
      '--once',
      '--feeds',
      feedsFile,
      '--measures',
      MEASURES,
      '--data-dir',
      dataDir,
      ...(allowPrivateHosts ? ['--allow-private-hosts'] : []),
    ]);

  it('stores matches, prints and appends one alert per story, and names the failing feeds', async () => {
    const dataDir = join(dir, 'data');
    const r = await runOnce(dataDir, true);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/feed gone: FAILED HTTP_STATUS: .*404/);
    expect(r.out).toMatch(/feed refused: FAILED \w+: /);
    expect(r.out).toMatch(/feed feed-\d-govuk: 20 items, 20 new/);

    const alerts = await outbox(dataDir);
    const titles = alerts.map((a) => String(a.title));
    expect(titles).toContain(
      'EU ambassadors agree 19th sanctions package against Russia, targeting LNG imports and shadow fleet tankers',
    );
    // Hard negatives in the same feed: another regime, another sense of "sanction", market news.
    expect(titles.filter((t) => /Iranian|Football|OPEC/.test(t))).toEqual([]);
    for (const a of alerts) {
      expect(a).toMatchObject({
        id: expect.any(String),
        feedId: expect.any(String),
        createdAt: expect.any(String),
      });
      expect(Array.isArray(a.measures) && a.measures.length > 0).toBe(true);
      expect(Array.isArray(a.evidence) && a.evidence.length > 0).toBe(true);
    }
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
    expect(r.out.match(/^ALERT /gm)?.length).toBe(alerts.length);

    // The seed story arrives from two outlets and yields one alert naming several measures.
    const seed = alerts.filter((a) => String(a.title).startsWith('US and EU officials meet at Treasury'));
    expect(seed).toHaveLength(1);
    const seedMeasures = seed[0]?.measures as string[];
    const expected = ['secondary', 'frozen-assets', 'ru-banks', 'ru-energy', 'tariffs'];
    expect(seedMeasures.filter((m) => expected.includes(m)).length).toBeGreaterThanOrEqual(3);
    // No alert for the earthquake feed (negative control).
    expect(alerts.some((a) => String(a.feedId).includes('usgs'))).toBe(false);

    // Second run: nothing new, no alert.
    const again = await runOnce(dataDir, true);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(/^ALERT /m);
    expect(await outbox(dataDir)).toHaveLength(alerts.length);

    // The matches are queryable by measure, newest first.
    const q = await radar([
      'query',
      '--measure',
      seedMeasures[0] as string,
      '--format',
      'jsonl',
      '--data-dir',
      dataDir,
    ]);
    expect(q.code).toBe(0);
    const rows = q.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((m) => m.measureId === seedMeasures[0])).toBe(true);
    const times = rows.map((m) => m.published);
    expect([...times].sort().reverse()).toEqual(times);

    // Feed health lists the failing feeds.
    const health = await radar(['feeds', '--data-dir', dataDir]);
    expect(health.out).toMatch(/gone .*failures 2 .*HTTP_STATUS/);
  });

  it('refuses loopback feeds unless --allow-private-hosts is given', async () => {
    const dataDir = join(dir, 'data-guard');
    const r = await runOnce(dataDir, false);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/feed feed-\d-govuk: FAILED BLOCKED_ADDRESS/);
    expect(await outbox(dataDir)).toEqual([]);
  });

  it('exits 2 with a message naming the file for a bad config', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'feeds:\n  - {id: x, url: "not a url"}\n');
    const r = await radar(['run', '--once', '--feeds', bad, '--data-dir', join(dir, 'd3')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}: feeds[0] (id "x"): url: must be an absolute http(s) URL`);
    const unknown = await radar(['run', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/radar run: .*bogus/);
  });
});

describe('radar run (loop)', () => {
  it('polls at start, keeps running, and stops cleanly when signalled', async () => {
    const { runPipeline } = await import('../../cli/commands/run.js');
    const server = await startStaticFeedServer(FIXTURES);
    const dir = await mkdtemp(join(tmpdir(), 'radar-loop-'));
    try {
      const stdout = new PassThrough();
      let out = '';
      const ac = new AbortController();
      stdout.on('data', (d) => {
        out += d;
        // Stop once the first cycle has reported.
        if (out.includes('cycle:')) ac.abort();
      });
      const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), cwd: process.cwd(), env: {} };
      const feeds = [{ id: 'wire', url: `${server.baseUrl}/world-wire.xml`, name: null, tags: [] }];
      const code = await runPipeline(
        {
          feeds,
          measuresFile: MEASURES,
          dataDir: dir,
          allowPrivateHosts: true,
          intervalMinutes: 5,
          once: false,
        },
        io,
        ac.signal,
      );
      expect(code).toBe(0);
      expect(out).toMatch(/feed wire: 5 items, 5 new/);
      expect(out.match(/^cycle:/gm)).toHaveLength(1);
      // The store was closed: the data dir can be opened again at once (the lock was released).
      const again = await radar(['query', '--data-dir', dir, '--format', 'jsonl']);
      expect(again.code).toBe(0);
      expect(again.out.trim().split('\n').length).toBeGreaterThan(0);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
