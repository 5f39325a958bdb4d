import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import parse from '../../../cli/commands/parse.js';
import { type CliIo, UsageError } from '../../../cli/io.js';

const FIXTURES = new URL('../../fixtures/feeds/', import.meta.url).pathname;

function io(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const value: CliIo = { stdin: new PassThrough(), stdout, stderr, cwd, env: {} };
  return {
    io: value,
    lines: () =>
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('radar parse', () => {
  it('prints one JSON line per file, in order, with ok results and typed errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-parse-'));
    writeFileSync(join(dir, 'not-a-feed.html'), '<html><body>hi</body></html>');
    const cli = io(dir);
    const files = [
      join(FIXTURES, 'real/govuk-ofsi-office-of-financial-sanctions-implementation-atom-2026-09.xml'),
      'not-a-feed.html',
      'missing.xml',
    ];
    expect(await parse(files, cli.io)).toBe(0);
    const [ofsi, html, missing] = cli.lines();
    expect(ofsi).toMatchObject({ file: files[0], ok: true, format: 'atom1' });
    expect(Object.keys(ofsi ?? {})).toEqual(['file', 'ok', 'format', 'feed', 'items']);
    const items = ofsi?.items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(20);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual([
      'author',
      'categories',
      'guid',
      'link',
      'published',
      'summary',
      'title',
    ]);
    expect(html).toMatchObject({ file: 'not-a-feed.html', ok: false, error: { code: 'NOT_A_FEED' } });
    expect(missing).toMatchObject({ file: 'missing.xml', ok: false, error: { code: 'READ_ERROR' } });
    expect(JSON.stringify(missing)).toContain('cannot read missing.xml');
  });

  it('uses --content-type as the HTTP charset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-parse-'));
    const body = Buffer.from(
      '<rss version="2.0"><channel><title>\xcf\xf0\xe8\xe2\xe5\xf2</title></channel></rss>',
      'latin1',
    );
    writeFileSync(join(dir, 'cp1251.xml'), body);
    const cli = io(dir);
    await parse(['--content-type', 'text/xml; charset=windows-1251', 'cp1251.xml'], cli.io);
    expect(cli.lines()[0]).toMatchObject({ ok: true, feed: { title: 'Привет' } });
  });

  it('rejects a call without files as a usage error', async () => {
    await expect(parse([], io('/').io)).rejects.toBeInstanceOf(UsageError);
    await expect(parse(['--bogus', 'x.xml'], io('/').io)).rejects.toBeInstanceOf(UsageError);
  });
});
