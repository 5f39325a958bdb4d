import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxPublisher } from '../../../../../shared/adapters/local/outbox-publisher.js';
import type { Alert } from '../../../../../shared/domain/types.js';

const alert = (id: string): Alert => ({
  id,
  itemKey: `k-${id}`,
  feedId: 'wire',
  title: 'EU adopts 19th package',
  link: 'https://x.example/1',
  summary: 'text',
  published: '2026-10-23T10:00:00.000Z',
  measures: ['eu-package'],
  severity: 'high',
  stage: 'adopted',
  evidence: [{ measureId: 'eu-package', field: 'title', start: 0, end: 2, text: 'EU' }],
  createdAt: '2026-10-23T10:05:00.000Z',
  status: 'pending',
});

describe('OutboxPublisher', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per alert with the contract fields', async () => {
    const path = join(dir, 'sub', 'outbox.jsonl');
    const seen: string[] = [];
    await new OutboxPublisher(path, (a) => seen.push(a.id)).publish(alert('s1'));
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      id: 's1',
      title: 'EU adopts 19th package',
      link: 'https://x.example/1',
      published: '2026-10-23T10:00:00.000Z',
      feedId: 'wire',
      measures: ['eu-package'],
      severity: 'high',
      stage: 'adopted',
      evidence: [{ measureId: 'eu-package', field: 'title', text: 'EU' }],
      summary: 'text',
      createdAt: '2026-10-23T10:05:00.000Z',
    });
    expect(seen).toEqual(['s1']);
  });

  it('is idempotent on alert id, also across instances (a re-run after a crash)', async () => {
    const path = join(dir, 'outbox.jsonl');
    const first = new OutboxPublisher(path);
    await first.publish(alert('s1'));
    await first.publish(alert('s1'));
    const seen: string[] = [];
    const second = new OutboxPublisher(path, (a) => seen.push(a.id));
    await second.publish(alert('s1'));
    await second.publish(alert('s2'));
    const ids = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).id);
    expect(ids).toEqual(['s1', 's2']);
    expect(seen).toEqual(['s2']);
  });

  it('keeps a torn last line from a crash from swallowing the next alert', async () => {
    const path = join(dir, 'outbox.jsonl');
    await writeFile(path, `${JSON.stringify({ id: 's1' })}\n{"id":"s2","ti`);
    await new OutboxPublisher(path).publish(alert('s2'));
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    expect(JSON.parse(lines.at(-1) as string).id).toBe('s2');
  });
});
