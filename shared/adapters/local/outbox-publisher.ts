/** Local alert delivery: one JSON line per alert in <data-dir>/outbox.jsonl, idempotent on alert id. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  private state: Promise<{ ids: Set<string>; needsNewline: boolean }> | null = null;

  constructor(
    private readonly path: string,
    private readonly onPublished?: (alert: Alert) => void,
  ) {}

  async publish(alert: Alert): Promise<void> {
    const state = await this.knownState();
    if (state.ids.has(alert.id)) return;
    await mkdir(dirname(this.path), { recursive: true });
    // After a torn last line (crash mid-append), start on a fresh line so this record stays parseable.
    const lead = state.needsNewline ? '\n' : '';
    await appendFile(this.path, `${lead}${JSON.stringify(toOutboxRecord(alert))}\n`);
    state.needsNewline = false;
    state.ids.add(alert.id);
    this.onPublished?.(alert);
  }

  private knownState(): Promise<{ ids: Set<string>; needsNewline: boolean }> {
    this.state ??= readState(this.path);
    return this.state;
  }
}

async function readState(path: string): Promise<{ ids: Set<string>; needsNewline: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ids: new Set(), needsNewline: false };
    throw err;
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // A torn last line after a crash: ignore it; the alert is still pending and will be re-appended.
    }
  }
  return { ids, needsNewline: text !== '' && !text.endsWith('\n') };
}
