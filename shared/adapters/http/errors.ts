/** Errors thrown by the HTTP feed fetcher: one class, a stable `code` per failure kind. */

/**
 * - BAD_URL: not a parseable http(s) URL (also a redirect to one, or a missing Location)
 * - DNS: the host name did not resolve
 * - BLOCKED_ADDRESS: the host (or a redirect target) resolves to an address the SSRF guard refuses
 * - CONNECTION: refused, reset, closed early, TLS failure
 * - TIMEOUT: connect timeout (DNS + TCP + TLS) or total timeout (whole fetch incl. body)
 * - TOO_LARGE: body over the byte cap (Content-Length, compressed or decompressed bytes)
 * - TOO_MANY_REDIRECTS: more redirects than allowed
 * - HTTP_STATUS: a non-2xx status other than 304 and the rate-limit cases (`status` set)
 * - RATE_LIMITED: 429, or 503 with Retry-After (`status` set, `retryAfterMs` when the header parsed)
 * - DECODE: unsupported Content-Encoding or corrupt compressed data
 * - PROTOCOL: the server broke HTTP (unparseable response, oversized headers)
 */
export type FetchErrorCode =
  | 'BAD_URL'
  | 'DNS'
  | 'BLOCKED_ADDRESS'
  | 'CONNECTION'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'HTTP_STATUS'
  | 'RATE_LIMITED'
  | 'DECODE'
  | 'PROTOCOL';

export interface FetchErrorOptions {
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A feed fetch failed; `message` names the URL and the cause. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly code: FetchErrorCode;
  /** The URL being fetched when it failed (the redirect hop, not necessarily the feed URL). */
  readonly url: string;
  readonly status?: number;
  /** How long the server asked us to wait (Retry-After), in ms. */
  readonly retryAfterMs?: number;

  constructor(code: FetchErrorCode, url: string, detail: string, options: FetchErrorOptions = {}) {
    super(`fetching ${url} failed: ${detail}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.url = url;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `err` is a FetchError (optionally with the given code). */
export function isFetchError(err: unknown, code?: FetchErrorCode): err is FetchError {
  return err instanceof FetchError && (code === undefined || err.code === code);
}
