/** Public surface of feed parsing and item identity. */

export { parseFeedDate } from './dates.js';
export { type DecodedFeed, decodeFeedBytes, mojibakeMarkers, repairMojibake } from './decode.js';
export { FeedParseError, type FeedParseErrorCode } from './errors.js';
export { htmlToText } from './html-to-text.js';
export { canonicalLink, contentHash, itemKeyFor, unstableGuidsIn } from './identity.js';
export { DEFAULT_MAX_BYTES, type ParseFeedOptions, parseFeed } from './parse-feed.js';
