/** `radar feeds`: feed health from the store, flagging failing and stale feeds. */
import { resolve } from 'node:path';
import { loadFeedsFile } from '../../shared/config/load-files.js';
import { feedHealth } from '../../shared/domain/feed-health.js';
import type { FeedState } from '../../shared/domain/types.js';
import { parseOptions } from '../args.js';
import type { CliIo } from '../io.js';
import { openLocalStore, systemClock } from '../local-runtime.js';

export default async function feeds(args: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions('feeds', args, {
    'data-dir': { type: 'string' },
    feeds: { type: 'string' },
    format: { type: 'string' },
  });
  const configured = values.feeds ? (await loadFeedsFile(resolve(io.cwd, values.feeds))).feeds : [];
  const local = await openLocalStore(resolve(io.cwd, values['data-dir'] ?? '.data'));
  try {
    const states = new Map<string, FeedState | null>((await local.store.listFeedStates()).map((s) => [s.feedId, s]));
    for (const f of configured) if (!states.has(f.id)) states.set(f.id, null);
    const now = systemClock.now();
    for (const [id, s] of [...states].sort(([a], [b]) => a.localeCompare(b))) {
      const health = feedHealth(s, now);
      if (values.format === 'jsonl') {
        io.stdout.write(`${JSON.stringify({ feedId: id, health, ...s })}\n`);
        continue;
      }
      const err = s?.lastError && s.consecutiveFailures > 0 ? `  last error ${s.lastError.code}: ${s.lastError.message}` : '';
      io.stdout.write(
        `${health.toUpperCase().padEnd(12)} ${id.padEnd(24)} last ok ${s?.lastSuccessAt ?? '-'}  failures ${
          s?.consecutiveFailures ?? 0
        }  items ${s?.itemsLastSeen ?? 0}${err}\n`,
      );
    }
  } finally {
    await local.close();
  }
  return 0;
}
