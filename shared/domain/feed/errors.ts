/** Typed failures of the bytes → feed step; `code` is stable and safe to store or show. */

export type FeedParseErrorCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_ENCODING'
  | 'MALFORMED_XML'
  | 'INVALID_JSON'
  | 'NOT_A_FEED'
  | 'TIMEOUT';

/** A feed document that cannot be turned into items; the message names the problem. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
  readonly code: FeedParseErrorCode;

  constructor(code: FeedParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
