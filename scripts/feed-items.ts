/** The items of every feed file in a folder, parsed by our feed parser (scripts only). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed } from '../shared/domain/feed/index.js';

export interface FeedItem {
  id: string;
  title: string | null;
  summary: string | null;
}

/** Items of the feeds in `dir` (files sorted by name); a file that is not a feed adds none. */
export async function readFeedItems(dir: string): Promise<FeedItem[]> {
  const out: FeedItem[] = [];
  for (const name of readdirSync(dir).sort()) {
    try {
      const feed = await parseFeed(readFileSync(join(dir, name)));
      feed.items.forEach((it, i) => {
        out.push({ id: `${name}#${i}`, title: it.title, summary: it.summary });
      });
    } catch {
      // A file that is not a feed adds no items.
    }
  }
  return out;
}
