/** `radar feeds`: feed health from the store, flagging failing and stale feeds. */
import { resolve } from 'node:path';
import { loadFeedsFile } from '../../shared/config/load-files.js';
import { feedHealthReport } from '../../shared/domain/feed-health.js';
import type { FeedState } from '../../shared/domain/types.js';
import { parseOptions } from '../args.js';
import type { CliIo } from '../io.js';
import { openLocalStore, systemClock } from '../local-runtime.js';

/** A duration as the largest one or two units ("3d4h", "45m", "20s"); "-" for unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const units: Array<[string, number]> = [
    ['d', 86400_000],
    ['h', 3600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [name, size] of units) {
    if (rest >= size || (parts.length === 0 && name === 's')) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}

export default async function feeds(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('feeds', args, {
    'data-dir': { type: 'string' },
    feeds: { type: 'string' },
    format: { type: 'string' },
  });
  const configured = values.feeds ? (await loadFeedsFile(resolve(io.cwd, values.feeds))).feeds : [];
  const local = await openLocalStore(resolve(io.cwd, values['data-dir'] ?? '.data'));
  try {
    const states = new Map<string, FeedState | null>(
      (await local.store.listFeedStates()).map((s) => [s.feedId, s]),
    );
    for (const f of configured) if (!states.has(f.id)) states.set(f.id, null);
    const now = systemClock.now();
    for (const [id, s] of [...states].sort(([a], [b]) => a.localeCompare(b))) {
      const report = feedHealthReport(s, now);
      const { health } = report;
      if (values.format === 'jsonl') {
        io.stdout.write(`${JSON.stringify({ feedId: id, health, ...s, report })}\n`);
        continue;
      }
      const flags = [
        report.failing ? 'FAILING' : '',
        report.stale ? 'STALE' : '',
        s?.guidsUnstable ? 'guids-unstable' : '',
      ]
        .filter(Boolean)
        .join(',');
      const err =
        s?.lastError && s.consecutiveFailures > 0
          ? `  last error ${s.lastError.code}: ${s.lastError.message}`
          : '';
      io.stdout.write(
        `${health.toUpperCase().padEnd(12)} ${id.padEnd(24)} last ok ${s?.lastSuccessAt ?? '-'}  failures ${
          s?.consecutiveFailures ?? 0
        }  items ${s?.itemsLastSeen ?? 0}  every ${formatDuration(report.typicalIntervalMs)}  silent ${formatDuration(
          report.silentForMs,
        )} (stale after ${formatDuration(report.staleAfterMs)})${flags ? `  [${flags}]` : ''}${err}\n`,
      );
    }
  } finally {
    await local.close();
  }
  return 0;
}
