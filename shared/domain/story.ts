/**
 * Story identity: the key that makes one story syndicated by several feeds produce one alert.
 * v1: the normalised title when it is distinctive enough, else the item key.
 */
import { createHash } from 'node:crypto';

const MIN_TITLE_TOKENS = 5;

/** Folds case, accents and punctuation so syndicated copies of a title compare equal. */
export function normaliseTitle(title: string): string[] {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Story key for an item: a hash of its normalised title when it has ≥ 5 words, else its item key. */
export function storyKeyFor(item: { title: string | null }, itemKey: string): string {
  const tokens = item.title ? normaliseTitle(item.title) : [];
  if (tokens.length < MIN_TITLE_TOKENS) return itemKey;
  return `t-${createHash('sha256').update(tokens.join(' ')).digest('hex').slice(0, 32)}`;
}
