/**
 * FeedFetcher over node:http/https: conditional GET, manual redirects vetted hop by hop by the SSRF guard,
 * connections pinned to the vetted addresses, connect and total timeouts, a byte cap enforced while
 * streaming (on the decompressed body too), gzip/deflate/br, a per-host concurrency limit.
 *
 * node:http rather than undici: per-request `lookup` pinning, `agent: false` (no pooled sockets outliving
 * a Lambda invocation or a test) and direct control of when the socket dies.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tls from 'node:tls';
import zlib from 'node:zlib';
import type { FeedConfig } from '../../domain/types.js';
import type { Clock, FeedFetcher, FetchResult, FetchValidators } from '../../ports/index.js';
import { FetchError } from './errors.js';
import { HostLimiter } from './host-limiter.js';
import { type HostLookup, isBlockedAddress, type ResolvedAddress, systemLookup } from './ssrf-guard.js';

export interface HttpFeedFetcherOptions {
  /** Sent on every request; name the project and a contact URL so feed operators can reach us. */
  userAgent: string;
  /** DNS + TCP + TLS handshake, per hop. @default 10_000 */
  connectTimeoutMs?: number;
  /** Hard cap for the whole fetch (all hops, headers and body, slow-drip bodies included). @default 30_000 */
  totalTimeoutMs?: number;
  /** Cap on the (decompressed) body, enforced while streaming. @default 5 * 1024 * 1024 */
  maxBytes?: number;
  /** Cap on the bytes received when the body is Content-Encoded. @default maxBytes */
  maxCompressedBytes?: number;
  /** Redirects followed before failing with TOO_MANY_REDIRECTS. @default 5 */
  maxRedirects?: number;
  /** Lifts the SSRF guard (local testing and demos only). @default false */
  allowPrivateHosts?: boolean;
  /** Concurrent fetches per feed host (redirect hops run inside the same slot). @default 2 */
  perHostConcurrency?: number;
  /** Host name resolution; the connection is pinned to what this returns. @default system resolver */
  lookup?: HostLookup;
  /** Address policy of the SSRF guard; override only in tests. @default isBlockedAddress (strict) */
  isBlockedAddress?: (ip: string) => boolean;
  /** Time source for HTTP-date Retry-After values. @default system clock */
  clock?: Clock;
  /** Extra CA certificates (PEM) to trust, for a private PKI or tests. @default Node's bundled CAs only */
  ca?: string | string[];
}

export const DEFAULT_FETCH_LIMITS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  perHostConcurrency: 2,
} as const;

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, */*;q=0.5';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// decode what arrived from a truncated-but-otherwise-valid stream instead of failing, as browsers do
const ZLIB_OPTIONS: zlib.ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS: zlib.BrotliOptions = { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

type Hop = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; location: string };

interface Limits {
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  maxCompressedBytes: number;
  maxRedirects: number;
}

/** Fetches feeds safely from the open web; every failure is a FetchError with a stable code. */
export class HttpFeedFetcher implements FeedFetcher {
  private readonly userAgent: string;
  private readonly limits: Limits;
  private readonly allowPrivateHosts: boolean;
  private readonly lookup: HostLookup;
  private readonly blocked: (ip: string) => boolean;
  private readonly clock: Clock;
  private readonly limiter: HostLimiter;
  private readonly ca: string[] | undefined;

  constructor(options: HttpFeedFetcherOptions) {
    if (options.userAgent.trim() === '') throw new RangeError('userAgent must not be empty');
    const maxBytes = positiveInt('maxBytes', options.maxBytes ?? DEFAULT_FETCH_LIMITS.maxBytes);
    this.limits = {
      connectTimeoutMs: positiveInt(
        'connectTimeoutMs',
        options.connectTimeoutMs ?? DEFAULT_FETCH_LIMITS.connectTimeoutMs,
      ),
      totalTimeoutMs: positiveInt(
        'totalTimeoutMs',
        options.totalTimeoutMs ?? DEFAULT_FETCH_LIMITS.totalTimeoutMs,
      ),
      maxBytes,
      maxCompressedBytes: positiveInt('maxCompressedBytes', options.maxCompressedBytes ?? maxBytes),
      maxRedirects: nonNegativeInt('maxRedirects', options.maxRedirects ?? DEFAULT_FETCH_LIMITS.maxRedirects),
    };
    this.userAgent = options.userAgent;
    this.allowPrivateHosts = options.allowPrivateHosts ?? false;
    this.lookup = options.lookup ?? systemLookup;
    this.blocked = options.isBlockedAddress ?? isBlockedAddress;
    this.clock = options.clock ?? { now: () => new Date() };
    // a bare `ca` would replace Node's bundle; keep the public roots and add the extra ones
    this.ca = options.ca === undefined ? undefined : [...tls.rootCertificates, ...[options.ca].flat()];
    this.limiter = new HostLimiter(
      positiveInt(
        'perHostConcurrency',
        options.perHostConcurrency ?? DEFAULT_FETCH_LIMITS.perHostConcurrency,
      ),
    );
  }

  /** GETs the feed (conditionally when validators are given); throws FetchError on any failure. */
  async fetch(feed: FeedConfig, validators: FetchValidators): Promise<FetchResult> {
    const start = parseHttpUrl(feed.url, feed.url === '' ? '(empty URL)' : feed.url);
    // the total timeout starts once a slot is ours: waiting behind other feeds of the host is not this feed's fault
    return this.limiter.run(start.hostname, () => this.fetchWithDeadline(start, validators));
  }

  private async fetchWithDeadline(start: URL, validators: FetchValidators): Promise<FetchResult> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.limits.totalTimeoutMs);
    const headers = this.requestHeaders(validators);
    let url = start;
    try {
      for (let redirects = 0; ; redirects++) {
        const hop = await this.fetchHop(url, headers, deadline.signal);
        if (hop.kind === 'done') return hop.result;
        if (redirects >= this.limits.maxRedirects) {
          throw new FetchError(
            'TOO_MANY_REDIRECTS',
            url.href,
            `more than ${this.limits.maxRedirects} redirects (next: ${hop.location})`,
          );
        }
        url = resolveRedirect(url, hop.location);
      }
    } catch (err) {
      if (err instanceof FetchError) throw err;
      if (deadline.signal.aborted) {
        throw new FetchError(
          'TIMEOUT',
          url.href,
          `no complete response within ${this.limits.totalTimeoutMs} ms`,
          { cause: err },
        );
      }
      throw toFetchError(err, url.href);
    } finally {
      clearTimeout(timer);
    }
  }

  private requestHeaders(validators: FetchValidators): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
    };
    // a corrupt stored validator (CR/LF, non-latin1) must not break the poll: send an unconditional GET instead
    if (validators.etag !== null && isValidHeaderValue(validators.etag))
      headers['if-none-match'] = validators.etag;
    if (validators.lastModified !== null && isValidHeaderValue(validators.lastModified)) {
      headers['if-modified-since'] = validators.lastModified;
    }
    return headers;
  }

  private async fetchHop(url: URL, headers: Record<string, string>, total: AbortSignal): Promise<Hop> {
    const connect = new AbortController();
    const connectTimer = setTimeout(() => connect.abort(), this.limits.connectTimeoutMs);
    const signal = AbortSignal.any([total, connect.signal]);
    try {
      const addresses = await abortable(this.resolveAndVet(url), signal);
      const res = await sendRequest(url, addresses, headers, this.ca, signal, () =>
        clearTimeout(connectTimer),
      );
      return await this.handleResponse(url, res, total);
    } catch (err) {
      if (connect.signal.aborted && !total.aborted && !(err instanceof FetchError)) {
        throw new FetchError(
          'TIMEOUT',
          url.href,
          `connect timed out after ${this.limits.connectTimeoutMs} ms`,
          { cause: err },
        );
      }
      throw err;
    } finally {
      clearTimeout(connectTimer);
    }
  }

  /** Resolves once and vets every address; the request is then pinned to exactly these (no re-resolution). */
  private async resolveAndVet(url: URL): Promise<ResolvedAddress[]> {
    const host = bareHostname(url);
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    if (literal !== 0) {
      addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.lookup(host);
      } catch (err) {
        throw new FetchError('DNS', url.href, `cannot resolve ${host}: ${describe(err)}`, { cause: err });
      }
      if (addresses.length === 0) throw new FetchError('DNS', url.href, `${host} has no addresses`);
    }
    if (!this.allowPrivateHosts) {
      const bad = addresses.find((a) => this.blocked(a.address));
      if (bad !== undefined) {
        throw new FetchError(
          'BLOCKED_ADDRESS',
          url.href,
          `${host} resolves to ${bad.address}, a loopback/private/link-local/reserved address (set allowPrivateHosts to allow)`,
        );
      }
    }
    return addresses;
  }

  private async handleResponse(url: URL, res: IncomingMessage, total: AbortSignal): Promise<Hop> {
    const status = res.statusCode ?? 0;
    if (status === 304) {
      res.destroy();
      return { kind: 'done', result: { status: 'not-modified' } };
    }
    if (REDIRECT_STATUSES.has(status)) {
      const location = res.headers.location;
      res.destroy();
      if (location === undefined || location.trim() === '') {
        throw new FetchError('HTTP_STATUS', url.href, `HTTP ${status} redirect without a Location header`, {
          status,
        });
      }
      return { kind: 'redirect', location: location.trim() };
    }
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now().getTime());
      res.destroy();
      if (status === 429 || retryAfterMs !== undefined) {
        const wait = retryAfterMs === undefined ? '' : ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)`;
        throw new FetchError('RATE_LIMITED', url.href, `HTTP ${status}${wait}`, {
          status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      }
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw new FetchError('HTTP_STATUS', url.href, `HTTP ${status}`, { status });
    }
    const body = await this.readBody(url, res, total);
    return {
      kind: 'done',
      result: {
        status: 'ok',
        body,
        contentType: singleHeader(res.headers['content-type']),
        etag: singleHeader(res.headers.etag),
        lastModified: singleHeader(res.headers['last-modified']),
        url: url.href,
      },
    };
  }

  private async readBody(url: URL, res: IncomingMessage, total: AbortSignal): Promise<Uint8Array> {
    const encodings = (res.headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== '' && e !== 'identity');
    const { maxBytes, maxCompressedBytes } = this.limits;
    const wireCap = encodings.length > 0 ? maxCompressedBytes : maxBytes;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > wireCap) {
      res.destroy();
      throw new FetchError(
        'TOO_LARGE',
        url.href,
        `Content-Length ${declared} exceeds the ${wireCap}-byte cap`,
      );
    }
    let decoders: Array<Transform | ((source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>)>;
    try {
      // content codings are listed in the order applied, so undo them last-first
      decoders = encodings.reverse().map((e) => decoderFor(e));
    } catch (err) {
      res.destroy();
      throw new FetchError('DECODE', url.href, describe(err), { cause: err });
    }
    const sink = new CappedSink(maxBytes, url.href, 'body');
    const stages =
      encodings.length > 0
        ? [res, byteCap(maxCompressedBytes, url.href, 'compressed body'), ...decoders, sink]
        : [res, sink];
    try {
      // the typings cannot express a variable-length mix of streams and generator stages
      await pipeline(stages as unknown as [Readable, Writable], { signal: total });
    } catch (err) {
      if (err instanceof FetchError || total.aborted) throw err;
      throw toFetchError(err, url.href);
    }
    return sink.bytes();
  }
}

/** Parses Retry-After (delta seconds or HTTP-date) into ms from `nowMs`; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 10 * 365 * 24 * 3600) * 1000;
  // every HTTP-date form names a month; without this, Date.parse would take '-5' as a year
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Collects the body, failing with TOO_LARGE the moment it would exceed the cap. */
class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly cap: number,
    private readonly url: string,
    private readonly what: string,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.total += chunk.length;
    if (this.total > this.cap) {
      callback(tooLarge(this.url, this.what, this.cap));
      return;
    }
    this.chunks.push(chunk);
    callback();
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks, this.total));
  }
}

/** A pass-through stage that fails with TOO_LARGE once more than `cap` bytes went through it. */
function byteCap(
  cap: number,
  url: string,
  what: string,
): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* count(source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > cap) throw tooLarge(url, what, cap);
      yield chunk;
    }
  };
}

function tooLarge(url: string, what: string, cap: number): FetchError {
  return new FetchError('TOO_LARGE', url, `${what} exceeds the ${cap}-byte cap`);
}

function decoderFor(
  encoding: string,
): Transform | ((source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>) {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    case 'deflate':
      return inflateAuto;
    default:
      throw new Error(`unsupported Content-Encoding ${encoding}`);
  }
}

/**
 * "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate; look at the first two
 * bytes for a zlib header and pick the matching inflater.
 */
async function* inflateAuto(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let ended = false;
  while (head.length < 2) {
    const next = await it.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    head = Buffer.concat([head, next.value]);
  }
  const b0 = head[0] ?? 0;
  const b1 = head[1] ?? 0;
  const zlibWrapped = (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
  const inflater = zlibWrapped ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const input = Readable.from(rest());
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

function sendRequest(
  url: URL,
  addresses: ResolvedAddress[],
  headers: Record<string, string>,
  ca: string[] | undefined,
  signal: AbortSignal,
  onConnected: () => void,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const host = bareHostname(url);
    const options: https.RequestOptions = {
      protocol: url.protocol,
      hostname: host,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      // a fresh connection per request: nothing pooled outlives the fetch, and no socket vetted for one
      // host is reused for another
      agent: false,
      lookup: pinnedLookup(addresses),
    };
    // SNI and certificate checks use the URL's host name even though the socket goes to a pinned address
    if (secure && isIP(host) === 0) options.servername = host;
    if (secure && ca !== undefined) options.ca = ca;
    const req = (secure ? https : http).request(options);
    const onAbort = (): void => {
      req.destroy(new Error('aborted'));
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => signal.removeEventListener('abort', onAbort);
    req.once('socket', (socket) => socket.once(secure ? 'secureConnect' : 'connect', onConnected));
    req.once('response', (res) => {
      settle();
      resolve(res);
    });
    // stays attached for the request's life: a late socket error must never become an uncaught exception
    req.on('error', (err) => {
      settle();
      reject(err);
    });
    req.end();
  });
}

/** A lookup that answers from the vetted addresses only, so DNS cannot rebind between check and connect. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family =
      options.family === 4 || options.family === 'IPv4'
        ? 4
        : options.family === 6 || options.family === 'IPv6'
          ? 6
          : 0;
    const candidates = family === 0 ? addresses : addresses.filter((a) => a.family === family);
    const first = candidates[0];
    if (first === undefined) {
      const err: NodeJS.ErrnoException = new Error(`no vetted IPv${family} address`);
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
      return;
    }
    if (options.all === true)
      callback(
        null,
        candidates.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, first.address, first.family);
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function parseHttpUrl(text: string, context: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchError('BAD_URL', context, 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('BAD_URL', context, `unsupported scheme ${url.protocol} (only http and https)`);
  }
  return url;
}

function resolveRedirect(from: URL, location: string): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new FetchError('BAD_URL', from.href, `redirect to an invalid URL: ${location}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FetchError('BAD_URL', from.href, `redirect to unsupported scheme ${target.protocol}`);
  }
  return target;
}

function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function singleHeader(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function isValidHeaderValue(value: string): boolean {
  try {
    http.validateHeaderValue('x', value);
    return true;
  } catch {
    return false;
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);

function toFetchError(err: unknown, url: string): FetchError {
  if (err instanceof FetchError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const detail = describe(err);
  if (DNS_CODES.has(code)) return new FetchError('DNS', url, detail, { cause: err });
  if (/^(Z_|ERR__ERROR_|ERR_BROTLI|ERR_ZLIB)/.test(code)) {
    return new FetchError('DECODE', url, `cannot decompress body: ${detail}`, { cause: err });
  }
  if (code.startsWith('HPE_'))
    return new FetchError('PROTOCOL', url, `malformed HTTP response: ${detail}`, { cause: err });
  return new FetchError('CONNECTION', url, detail, { cause: err });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  return value;
}
