/** Errors raised by the RadarStore implementations (DynamoDB and the in-memory fake share them). */

/** A MatchQuery cursor that this store did not produce (malformed, truncated or tampered with). */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  override readonly name = 'InvalidCursorError';
}

/** A MatchQuery the store cannot run (for example a limit that is not a positive integer). */
export class InvalidQueryError extends Error {
  readonly code = 'INVALID_QUERY';
  override readonly name = 'InvalidQueryError';
}

/** markAlertPublished was called for an alert that was never created. */
export class AlertNotFoundError extends Error {
  readonly code = 'ALERT_NOT_FOUND';
  override readonly name = 'AlertNotFoundError';
}

/** A batch write still had unprocessed items after every retry. */
export class StoreWriteError extends Error {
  readonly code = 'UNPROCESSED_ITEMS';
  override readonly name = 'StoreWriteError';
}

/** The table is missing pieces of the schema, or never became ACTIVE. */
export class TableSetupError extends Error {
  readonly code = 'TABLE_SETUP';
  override readonly name = 'TableSetupError';
}
