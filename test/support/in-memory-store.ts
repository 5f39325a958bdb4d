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
import type { Alert, FeedState, StoredItem, StoredMatch } from '../../shared/domain/types.js';
import type { MatchPage, MatchQuery, RadarStore } from '../../shared/ports/index.js';

/** A RadarStore held in Maps; values are copied in and out so callers cannot alias stored state. */
export class InMemoryStore implements RadarStore {
  private readonly feedStates = new Map<string, FeedState>();
  private readonly items = new Map<string, StoredItem>();
  /** Keyed by itemKey, then measureId. */
  private readonly matches = new Map<string, Map<string, StoredMatch>>();
  private readonly alerts = new Map<string, Alert>();

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

  async markAlertPublished(id: string, _publishedAt: string): Promise<void> {
    const alert = this.alerts.get(id);
    if (!alert) throw new AlertNotFoundError(`alert not found: ${id}`);
    alert.status = 'published';
  }
}

function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : stripUndefined(value);
}
