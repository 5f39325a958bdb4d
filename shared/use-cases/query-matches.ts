/** queryMatches: validated analyst queries over stored matches (shared by the CLI and the HTTP API). */
import type { MatchPage, MatchStore } from '../ports/index.js';

/** A bad query parameter; the message names the parameter and the problem. */
export class QueryValidationError extends Error {
  readonly code = 'BAD_QUERY';
  override readonly name = 'QueryValidationError';
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`${parameter}: ${problem}`);
  }
}

export interface MatchQueryInput {
  measure?: string | undefined;
  feed?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: string | number | undefined;
  cursor?: string | undefined;
}

export const MAX_LIMIT = 1000;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function isoParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  // Accept dates and date-times; normalise to full ISO so string comparison orders correctly.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new QueryValidationError(name, `expected an ISO 8601 date or date-time, got "${value}"`);
  }
  const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t)) throw new QueryValidationError(name, `not a valid date: "${value}"`);
  return new Date(t).toISOString();
}

function idParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!ID.test(value))
    throw new QueryValidationError(
      name,
      `expected an id (lowercase letters, digits, dashes), got "${value}"`,
    );
  return value;
}

/** Validates the raw parameters and runs the query; throws QueryValidationError for a bad parameter. */
export async function queryMatches(
  deps: { matches: MatchStore },
  input: MatchQueryInput,
  defaults: { limit: number } = { limit: 50 },
): Promise<MatchPage> {
  let limit = defaults.limit;
  if (input.limit !== undefined && input.limit !== '') {
    const n = typeof input.limit === 'number' ? input.limit : Number(input.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
      throw new QueryValidationError(
        'limit',
        `expected an integer from 1 to ${MAX_LIMIT}, got "${input.limit}"`,
      );
    }
    limit = n;
  }
  const since = isoParam('since', input.since);
  const until = isoParam('until', input.until);
  if (since && until && since >= until)
    throw new QueryValidationError('since', `must be before until (${until})`);
  if (input.cursor !== undefined && !/^[A-Za-z0-9_-]{1,2048}$/.test(input.cursor)) {
    throw new QueryValidationError('cursor', 'malformed cursor');
  }
  return deps.matches.queryMatches({
    measureId: idParam('measure', input.measure),
    feedId: idParam('feed', input.feed),
    since,
    until,
    limit,
    cursor: input.cursor || undefined,
  });
}
