/**
 * assignStory: the story an item belongs to, across feeds, by near-duplicate detection (MinHash bands
 * claimed with conditional writes, verified by Jaccard, title numbers and names, ≤ 7 days apart).
 *
 * Runs before the item's first write and only for an item that has no story key yet; once the item is
 * stored its story key never changes. Its own writes are idempotent (conditional creates, claims that
 * accept their own key, appends keyed by item), and the key of a story an item starts is derived from
 * the item, so a re-run after a crash inside it resumes the same story instead of starting another.
 */
import {
  bandKeys,
  compareStories,
  newStoryKey,
  STORY_MATCH,
  type StoryFingerprint,
  storyFingerprint,
  titleStoryKey,
} from '../domain/story.js';
import type { StoryBandOwner, StoryRecord, StorySource, StoryStore } from '../ports/index.js';

/** The item fields story assignment reads. */
export interface StoryCandidateItem {
  itemKey: string;
  feedId: string;
  title: string | null;
  summary: string | null;
  link: string | null;
  published: string | null;
}

/** How many mergedInto hops to follow; longer chains need a three-way race and end at the last hop read. */
const MAX_MERGE_HOPS = 4;

/**
 * The story key for an item that has none yet: an existing story that reports the same thing, found
 * through its LSH bands and verified (compareStories); else a new story, keyed by its title when the
 * title is distinctive (so same-title copies agree on the key in any order) or by the item, which then
 * claims its free bands. Racing pollers: a claim lost to a story that turns out to be the same one is
 * resolved deterministically. The new story yields to the rival when the rival's key sorts lower, or
 * when the rival wants none of the bands this story won (it can then never notice this story, so it
 * will not yield itself). A yielding story records `mergedInto`, and readers follow it.
 */
export async function assignStory(store: StoryStore, item: StoryCandidateItem, now: Date): Promise<string> {
  const publishedMs = item.published ? Date.parse(item.published) : Number.NaN;
  // One ISO format everywhere, because band owners are compared with the window as strings.
  const published = new Date(Number.isFinite(publishedMs) ? publishedMs : now.getTime()).toISOString();
  const fingerprint = storyFingerprint(item, published);
  // Too little text to compare: the item is its own story, as before near-duplicate detection.
  if (!fingerprint) return item.itemKey;
  const itemStoryKey = newStoryKey(item.itemKey);
  const titleKey = titleStoryKey(item.title);
  const source: StorySource = {
    feedId: item.feedId,
    itemKey: item.itemKey,
    link: item.link,
    title: item.title,
  };
  const bands = bandKeys(fingerprint.signature);
  const reclaimBefore = new Date(Date.parse(fingerprint.published) - STORY_MATCH.maxAgeMs).toISOString();
  const live = (owner: StoryBandOwner | undefined): owner is StoryBandOwner =>
    owner !== undefined && owner.published >= reclaimBefore;
  const stories = storyCache(store);

  const owners = await store.getStoryBands(bands);
  const liveOwners = new Set([...owners.values()].filter(live).map((owner) => owner.storyKey));
  let ownKey: string;
  /** True once this item is on the story's source list. */
  let listed = false;
  if (liveOwners.has(itemStoryKey) || (titleKey !== null && liveOwners.has(titleKey))) {
    // This item's story, half-built by a crashed run, or the story of the same title from another feed.
    ownKey = liveOwners.has(itemStoryKey) ? itemStoryKey : (titleKey as string);
    const own = await stories.get(ownKey);
    if (own?.mergedInto) {
      const target = await stories.resolve(own.mergedInto);
      await store.appendStorySource(target, source);
      return target;
    }
  } else {
    const found = await bestMatch(stories, fingerprint, [...liveOwners]);
    if (found !== null) {
      await store.appendStorySource(found, source);
      return found;
    }
    // Copies with the same title get the same key whatever order they arrive in, so a race between
    // them, or a crash and re-run, cannot change the alert id; the item key is the fallback.
    ownKey = titleKey ?? itemStoryKey;
    const story = (key: string): StoryRecord => ({
      storyKey: key,
      createdBy: item.itemKey,
      createdAt: now.toISOString(),
      ...fingerprint,
      sources: [source],
      mergedInto: null,
    });
    listed = await store.createStory(story(ownKey));
    if (!listed && ownKey === titleKey) {
      const existing = await store.getStory(titleKey);
      // The same title weeks ago is another story (a recurring headline): start this one by item.
      if (existing && existing.published < reclaimBefore) {
        ownKey = itemStoryKey;
        listed = await store.createStory(story(ownKey));
      }
    }
  }

  const won = new Set<string>();
  await Promise.all(
    bands.map(async (band) => {
      const current = owners.get(band);
      if (current?.storyKey === ownKey) {
        won.add(band);
        return;
      }
      if (live(current)) return;
      const after = await store.claimStoryBand(
        band,
        { storyKey: ownKey, published: fingerprint.published },
        reclaimBefore,
      );
      owners.set(band, after);
      if (after.storyKey === ownKey) won.add(band);
    }),
  );

  let target: string | null = null;
  const rivals = [...new Set([...owners.values()].filter(live).map((owner) => owner.storyKey))].filter(
    (key) => key !== ownKey,
  );
  for (const key of rivals) {
    const rival = await stories.get(key);
    if (!rival || !compareStories(rival, fingerprint).same) continue;
    const resolved = await stories.resolve(key);
    if (resolved === ownKey) continue;
    const yielded = resolved !== key;
    const seesUs = bandKeys(rival.signature).some((band) => won.has(band));
    if (yielded || key < ownKey || !seesUs) {
      if (target === null || resolved < target) target = resolved;
    }
  }
  if (target === null) {
    if (!listed) await store.appendStorySource(ownKey, source);
    return ownKey;
  }
  await store.markStoryMerged(ownKey, target);
  await store.appendStorySource(target, source);
  return target;
}

/** The candidate that reports the same story with the highest similarity (ties: lowest key), resolved. */
async function bestMatch(
  stories: ReturnType<typeof storyCache>,
  fingerprint: StoryFingerprint,
  candidates: string[],
): Promise<string | null> {
  let best: { key: string; similarity: number } | null = null;
  for (const key of candidates.sort()) {
    const story = await stories.get(key);
    if (!story) continue;
    const verdict = compareStories(story, fingerprint);
    if (verdict.same && (best === null || verdict.similarity > best.similarity)) {
      best = { key, similarity: verdict.similarity };
    }
  }
  return best === null ? null : stories.resolve(best.key);
}

/** Story reads memoised for one assignment, with mergedInto resolution. */
function storyCache(store: StoryStore) {
  const cache = new Map<string, Promise<StoryRecord | null>>();
  const get = (key: string): Promise<StoryRecord | null> => {
    let hit = cache.get(key);
    if (!hit) {
      hit = store.getStory(key);
      cache.set(key, hit);
    }
    return hit;
  };
  const resolve = async (key: string): Promise<string> => {
    let current = key;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const story = await get(current);
      if (!story?.mergedInto || story.mergedInto === current) return current;
      current = story.mergedInto;
    }
    return current;
  };
  return { get, resolve };
}
