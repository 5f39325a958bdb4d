/**
 * In-memory RadarStore for unit tests of use cases. It shares the ordering, bounds, cursor and
 * value-cleaning helpers with DynamoDbStore and passes the same contract suite (store-contract.ts).
 */
import {
  compareKeys,
  encodeMatchCursor,
  isInBounds,
  matchSortKey,
  resolveMatchQuery,
  stripUndefined,
} from '../../shared/adapters/dynamodb/cursor.js';
import { AlertNotFoundError } from '../../shared/adapters/dynamodb/errors.js';
import { STORY_SOURCES_MAX } from '../../shared/domain/story.js';
import type { Alert, FeedState, StoredItem, StoredMatch } from '../../shared/domain/types.js';
import type {
  MatchPage,
  MatchQuery,
  RadarStore,
  StoryBandOwner,
  StoryRecord,
  StorySource,
} from '../../shared/ports/index.js';

/** A RadarStore held in Maps; values are copied in and out so callers cannot alias stored state. */
export class InMemoryStore implements RadarStore {
  private readonly feedStates = new Map<string, FeedState>();
  private readonly items = new Map<string, StoredItem>();
  /** Keyed by itemKey, then measureId. */
  private readonly matches = new Map<string, Map<string, StoredMatch>>();
  private readonly alerts = new Map<string, Alert>();
  private readonly bands = new Map<string, StoryBandOwner>();
  private readonly stories = new Map<string, StoryRecord>();
  /** Keyed by feedId + NUL + link hash. */
  private readonly links = new Map<string, string>();

  async getFeedState(feedId: string): Promise<FeedState | null> {
    return copyOrNull(this.feedStates.get(feedId));
  }

  async putFeedState(state: FeedState): Promise<void> {
    this.feedStates.set(state.feedId, stripUndefined(state));
  }

  async listFeedStates(): Promise<FeedState[]> {
    return [...this.feedStates.values()]
      .sort((a, b) => compareKeys(a.feedId, b.feedId))
      .map((state) => stripUndefined(state));
  }

  async getItem(itemKey: string): Promise<StoredItem | null> {
    return copyOrNull(this.items.get(itemKey));
  }

  async putItem(item: StoredItem): Promise<void> {
    this.items.set(item.itemKey, stripUndefined(item));
  }

  async putMatches(matches: StoredMatch[]): Promise<void> {
    for (const match of matches) {
      let byMeasure = this.matches.get(match.itemKey);
      if (!byMeasure) {
        byMeasure = new Map();
        this.matches.set(match.itemKey, byMeasure);
      }
      byMeasure.set(match.measureId, stripUndefined(match));
    }
  }

  async getMatchesForItem(itemKey: string): Promise<StoredMatch[]> {
    return [...(this.matches.get(itemKey)?.values() ?? [])]
      .sort((a, b) => compareKeys(a.measureId, b.measureId))
      .map((match) => stripUndefined(match));
  }

  async queryMatches(query: MatchQuery): Promise<MatchPage> {
    const bounds = resolveMatchQuery(query);
    if (bounds.empty) return { matches: [], cursor: null };
    const rows = [...this.matches.values()]
      .flatMap((byMeasure) => [...byMeasure.values()])
      .filter(
        (match) =>
          (query.measureId === undefined || match.measureId === query.measureId) &&
          (query.feedId === undefined || match.feedId === query.feedId) &&
          isInBounds(matchSortKey(match), bounds),
      )
      .sort((a, b) => compareKeys(matchSortKey(b), matchSortKey(a)));
    const page = rows.slice(0, bounds.limit).map((match) => stripUndefined(match));
    const last = page.at(-1);
    return { matches: page, cursor: rows.length > bounds.limit && last ? encodeMatchCursor(last) : null };
  }

  async createAlert(alert: Alert): Promise<boolean> {
    if (this.alerts.has(alert.id)) return false;
    this.alerts.set(alert.id, stripUndefined(alert));
    return true;
  }

  async getAlert(id: string): Promise<Alert | null> {
    return copyOrNull(this.alerts.get(id));
  }

  async listPendingAlerts(limit: number): Promise<Alert[]> {
    if (!Number.isInteger(limit) || limit < 1) return [];
    const pendingKey = (alert: Alert) => `${alert.createdAt}#${alert.id}`;
    return [...this.alerts.values()]
      .filter((alert) => alert.status === 'pending')
      .sort((a, b) => compareKeys(pendingKey(a), pendingKey(b)))
      .slice(0, limit)
      .map((alert) => stripUndefined(alert));
  }

  async extendPendingAlert(alert: Alert, expectedMeasureCount: number): Promise<boolean> {
    const stored = this.alerts.get(alert.id);
    if (!stored || stored.status !== 'pending' || stored.measures.length !== expectedMeasureCount)
      return false;
    const { measures, evidence, severity, stage } = stripUndefined(alert);
    this.alerts.set(alert.id, { ...stored, measures, evidence, severity, stage });
    return true;
  }

  async markAlertPublished(id: string, _publishedAt: string): Promise<void> {
    const alert = this.alerts.get(id);
    if (!alert) throw new AlertNotFoundError(`alert not found: ${id}`);
    alert.status = 'published';
  }

  async getStoryBands(bandKeys: readonly string[]): Promise<Map<string, StoryBandOwner>> {
    const owners = new Map<string, StoryBandOwner>();
    for (const key of bandKeys) {
      const owner = this.bands.get(key);
      if (owner) owners.set(key, stripUndefined(owner));
    }
    return owners;
  }

  async claimStoryBand(
    bandKey: string,
    owner: StoryBandOwner,
    reclaimBefore: string,
  ): Promise<StoryBandOwner> {
    const current = this.bands.get(bandKey);
    if (
      !current ||
      current.storyKey === owner.storyKey ||
      compareKeys(current.published, reclaimBefore) < 0
    ) {
      this.bands.set(bandKey, stripUndefined(owner));
      return stripUndefined(owner);
    }
    return stripUndefined(current);
  }

  async getStory(storyKey: string): Promise<StoryRecord | null> {
    return copyOrNull(this.stories.get(storyKey));
  }

  async createStory(story: StoryRecord): Promise<boolean> {
    if (this.stories.has(story.storyKey)) return false;
    this.stories.set(story.storyKey, stripUndefined(story));
    return true;
  }

  async appendStorySource(storyKey: string, source: StorySource): Promise<void> {
    const story = this.stories.get(storyKey);
    if (!story || story.sources.length >= STORY_SOURCES_MAX) return;
    if (story.sources.some((s) => s.itemKey === source.itemKey)) return;
    story.sources.push(stripUndefined(source));
  }

  async markStoryMerged(storyKey: string, into: string): Promise<void> {
    const story = this.stories.get(storyKey);
    if (story && story.mergedInto === null) story.mergedInto = into;
  }

  async getItemKeyByLink(feedId: string, linkHash: string): Promise<string | null> {
    return this.links.get(`${feedId}\u0000${linkHash}`) ?? null;
  }

  async putItemLink(feedId: string, linkHash: string, itemKey: string): Promise<void> {
    this.links.set(`${feedId}\u0000${linkHash}`, itemKey);
  }
}

function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : stripUndefined(value);
}
