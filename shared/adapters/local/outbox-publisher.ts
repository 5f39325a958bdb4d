/** Local alert delivery: one JSON line per alert in <data-dir>/outbox.jsonl, idempotent on alert id. */
import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Alert } from '../../domain/types.js';
import type { AlertPublisher } from '../../ports/index.js';

/** The outbox record: the public contract of `radar run`'s outbox.jsonl. */
export function toOutboxRecord(alert: Alert) {
  return {
    id: alert.id,
    title: alert.title,
    link: alert.link,
    published: alert.published,
    feedId: alert.feedId,
    measures: alert.measures,
    severity: alert.severity,
    stage: alert.stage,
    evidence: alert.evidence.map((e) => ({ measureId: e.measureId, field: e.field, text: e.text })),
    summary: alert.summary,
    createdAt: alert.createdAt,
  };
}

/** Appends alerts to a JSONL file, skipping ids already in it (so a re-publish after a crash is a no-op). */
export class OutboxPublisher implements AlertPublisher {
  private ids: Promise<Set<string>> | null = null;

  constructor(
    private readonly path: string,
    private readonly onPublished?: (alert: Alert) => void,
  ) {}

  async publish(alert: Alert): Promise<void> {
    const ids = await this.knownIds();
    if (ids.has(alert.id)) return;
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(toOutboxRecord(alert))}\n`);
    ids.add(alert.id);
    this.onPublished?.(alert);
  }

  private knownIds(): Promise<Set<string>> {
    this.ids ??= readIds(this.path);
    return this.ids;
  }
}

async function readIds(path: string): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (!line.trim()) continue;
      try {
        const id = (JSON.parse(line) as { id?: unknown }).id;
        if (typeof id === 'string') ids.add(id);
      } catch {
        // A torn last line after a crash: ignore it; the alert is still pending and will be re-appended.
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return ids;
}
