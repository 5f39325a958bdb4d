/** Errors raised while compiling measure queries. */

export type QueryClause = 'query' | 'requires' | 'excludes';

/**
 * A measure clause that does not parse. `position` is 1-based (the column an analyst sees in an
 * editor); `expected` says what the parser wanted there.
 */
export class MeasureQueryError extends Error {
  readonly code = 'MEASURE_QUERY';
  override readonly name = 'MeasureQueryError';
  constructor(
    readonly measureId: string,
    readonly clause: QueryClause,
    readonly position: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `measure "${measureId}" ${clause}: at position ${position}: expected ${expected} but found ${found}`,
    );
  }
}
