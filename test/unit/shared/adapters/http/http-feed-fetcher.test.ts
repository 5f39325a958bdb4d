import { randomBytes } from 'node:crypto';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../../../../shared/adapters/http/errors.js';
import {
  HttpFeedFetcher,
  type HttpFeedFetcherOptions,
  parseRetryAfter,
} from '../../../../../shared/adapters/http/http-feed-fetcher.js';
import { type HostLookup, isBlockedAddress } from '../../../../../shared/adapters/http/ssrf-guard.js';
import type { FeedConfig } from '../../../../../shared/domain/types.js';
import type { FetchValidators } from '../../../../../shared/ports/index.js';
import { type LoopbackServer, startServer } from './loopback-server.js';
import { TEST_CERT, TEST_KEY } from './tls-fixture.js';

const NO_VALIDATORS: FetchValidators = { etag: null, lastModified: null };
const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(...args: Parameters<typeof startServer>): Promise<LoopbackServer> {
  const server = await startServer(...args);
  cleanups.push(() => server.close());
  return server;
}

function feed(url: string): FeedConfig {
  return { id: 'test-feed', url, name: null, tags: [] };
}

/** A fetcher for loopback tests: the SSRF guard is lifted, everything else at production defaults. */
function localFetcher(options: Partial<HttpFeedFetcherOptions> = {}): HttpFeedFetcher {
  return new HttpFeedFetcher({
    userAgent: 'SanctionsRadarTest/1.0 (+https://example.org/radar)',
    allowPrivateHosts: true,
    ...options,
  });
}

/** Maps test host names to fixed addresses, counting calls per name. */
function mapLookup(table: Record<string, string | string[]>): HostLookup & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const fn = async (hostname: string) => {
    calls[hostname] = (calls[hostname] ?? 0) + 1;
    const entry = table[hostname];
    if (entry === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return (Array.isArray(entry) ? entry : [entry]).map((address) => ({
      address,
      family: (address.includes(':') ? 6 : 4) as 4 | 6,
    }));
  };
  return Object.assign(fn, { calls });
}

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw new Error(`expected a FetchError, got ${String(err)}`);
  }
  throw new Error('expected the fetch to fail');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

describe('HttpFeedFetcher: successful and conditional GET', () => {
  it('returns the body, content type, validators and final URL of a 200', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Sat, 28 Nov 2026 10:00:00 GMT',
      });
      res.end(RSS);
    });
    const result = await localFetcher().fetch(feed(`${server.origin}/feed.xml?x=1`), NO_VALIDATORS);
    expect(result).toEqual({
      status: 'ok',
      body: new Uint8Array(Buffer.from(RSS)),
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT',
      url: `${server.origin}/feed.xml?x=1`,
    });
    const headers = server.requests[0]?.headers;
    expect(headers?.['user-agent']).toBe('SanctionsRadarTest/1.0 (+https://example.org/radar)');
    expect(headers?.accept).toMatch(/^application\/rss\+xml, application\/atom\+xml/);
    expect(headers?.['accept-encoding']).toBe('gzip, deflate, br');
    expect(headers?.['if-none-match']).toBeUndefined();
    expect(headers?.['if-modified-since']).toBeUndefined();
  });

  it('sends If-None-Match and If-Modified-Since from the validators and maps 304 to not-modified', async () => {
    const server = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
      } else {
        res.end(RSS);
      }
    });
    const validators = { etag: '"v1"', lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT' };
    const result = await localFetcher().fetch(feed(`${server.origin}/feed`), validators);
    expect(result).toEqual({ status: 'not-modified' });
    expect(server.requests[0]?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests[0]?.headers['if-modified-since']).toBe('Sat, 28 Nov 2026 10:00:00 GMT');
  });

  it('drops a corrupt stored validator instead of failing the poll', async () => {
    const server = await serve((_req, res) => res.end(RSS));
    const result = await localFetcher().fetch(feed(`${server.origin}/`), {
      etag: '"v1"\r\nX-Injected: 1',
      lastModified: 'Sat, 28 Nov 2026 10:00:00 GMT',
    });
    expect(result.status).toBe('ok');
    expect(server.requests[0]?.headers['if-none-match']).toBeUndefined();
    expect(server.requests[0]?.headers['x-injected']).toBeUndefined();
    expect(server.requests[0]?.headers['if-modified-since']).toBe('Sat, 28 Nov 2026 10:00:00 GMT');
  });
});

describe('HttpFeedFetcher: timeouts', () => {
  it('fails with TIMEOUT when the TLS handshake never completes (connect timeout)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      socket.resume(); // read, so the client's FIN is noticed
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const fetcher = localFetcher({
      connectTimeoutMs: 300,
      lookup: mapLookup({ 'silent.test': '127.0.0.1' }),
    });
    const { value: err, ms } = await timed(() =>
      fetchError(fetcher.fetch(feed(`https://silent.test:${port}/`), NO_VALIDATORS)),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain(`https://silent.test:${port}/`);
    expect(err.message).toContain('connect timed out after 300 ms');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1000);
    expect(sockets.length).toBe(1);
    // the client gave up on the socket: it is closed from the other side soon after
    await new Promise<void>((resolve) => {
      const s = sockets[0];
      if (s === undefined || s.destroyed || s.readableEnded) resolve();
      else s.once('close', () => resolve());
    });
  });

  it('does not apply the connect timeout to a server that is slow to answer once connected', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => res.end(RSS), 400);
    });
    const result = await localFetcher({ connectTimeoutMs: 200 }).fetch(
      feed(`${server.origin}/`),
      NO_VALIDATORS,
    );
    expect(result.status).toBe('ok');
  });

  it('counts a hanging DNS lookup against the connect timeout', async () => {
    const fetcher = localFetcher({ connectTimeoutMs: 200, lookup: () => new Promise(() => {}) });
    const err = await fetchError(fetcher.fetch(feed('http://hangs.test/feed'), NO_VALIDATORS));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('connect timed out');
  });

  it('fails a slow-drip body with TIMEOUT at the total timeout and closes the connection', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const drip = setInterval(() => res.write('<'), 200);
      res.once('close', () => clearInterval(drip));
    });
    const fetcher = localFetcher({ totalTimeoutMs: 1000 });
    const { value: err, ms } = await timed(() =>
      fetchError(fetcher.fetch(feed(`${server.origin}/drip`), NO_VALIDATORS)),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain('no complete response within 1000 ms');
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1500);
    await server.requests[0]?.closed;
  });

  it('fails with TIMEOUT when the server accepts but never sends headers', async () => {
    const server = await serve(() => {});
    const err = await fetchError(
      localFetcher({ totalTimeoutMs: 300 }).fetch(feed(`${server.origin}/`), NO_VALIDATORS),
    );
    expect(err.code).toBe('TIMEOUT');
    await server.requests[0]?.closed;
  });
});

describe('HttpFeedFetcher: size caps and decompression', () => {
  it('stops an endless body with TOO_LARGE at the cap', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const server = await serve((_req, res) => {
      res.writeHead(200);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const err = await fetchError(
      localFetcher({ maxBytes: 256 * 1024 }).fetch(feed(`${server.origin}/`), NO_VALIDATORS),
    );
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toContain('body exceeds the 262144-byte cap');
    await server.requests[0]?.closed;
  });

  it('accepts a body of exactly the cap', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(1000, 'x')));
    const result = await localFetcher({ maxBytes: 1000 }).fetch(feed(`${server.origin}/`), NO_VALIDATORS);
    expect(result.status === 'ok' && result.body.length).toBe(1000);
  });

  it('rejects a Content-Length over the cap before any body arrives', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.flushHeaders(); // and never a byte of body
    });
    const { value: err, ms } = await timed(() =>
      fetchError(localFetcher({ totalTimeoutMs: 5000 }).fetch(feed(`${server.origin}/`), NO_VALIDATORS)),
    );
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toContain(
      `Content-Length ${50 * 1024 * 1024} exceeds the ${5 * 1024 * 1024}-byte cap`,
    );
    expect(ms).toBeLessThan(1000);
  });

  it('fails a gzip bomb (1 GB of zeros in 1 MB) fast with TOO_LARGE', async () => {
    // concatenated gzip members decode as one stream: 100 × 10 MB of zeros ≈ 1 MB on the wire
    const member = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(new Array<Buffer>(100).fill(member));
    expect(bomb.length).toBeLessThan(1.2 * 1024 * 1024);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const { value: err, ms } = await timed(() =>
      fetchError(localFetcher().fetch(feed(`${server.origin}/`), NO_VALIDATORS)),
    );
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toContain(`body exceeds the ${5 * 1024 * 1024}-byte cap`);
    // inflating the whole gigabyte takes seconds here; stopping at the cap takes milliseconds
    expect(ms).toBeLessThan(1000);
  });

  it('caps the compressed bytes separately with maxCompressedBytes', async () => {
    const noise = zlib.gzipSync(randomBytes(200_000)); // incompressible: ~200 KB on the wire
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }); // no Content-Length: caught while streaming
      res.end(noise);
    });
    const err = await fetchError(
      localFetcher({ maxCompressedBytes: 50_000 }).fetch(feed(`${server.origin}/`), NO_VALIDATORS),
    );
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toContain('compressed body exceeds the 50000-byte cap');
  });

  it.each([
    ['gzip', 'gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['x-gzip', 'x-gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['br', 'br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['deflate (zlib-wrapped)', 'deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['deflate (raw, as some old servers send)', 'deflate', (b: Buffer) => zlib.deflateRawSync(b)],
    ['gzip, br (stacked)', 'gzip, br', (b: Buffer) => zlib.brotliCompressSync(zlib.gzipSync(b))],
  ])('decodes Content-Encoding %s', async (_label, encoding, encode) => {
    const text = `${RSS}${'<!-- padding -->'.repeat(500)}`;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': encoding });
      res.end(encode(Buffer.from(text)));
    });
    const result = await localFetcher().fetch(feed(`${server.origin}/`), NO_VALIDATORS);
    expect(result.status === 'ok' && Buffer.from(result.body).toString('utf8')).toBe(text);
  });

  it('fails corrupt compressed data and unknown encodings with DECODE', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' });
      res.end(Buffer.from('this is not gzip at all'));
    });
    const corrupt = await fetchError(localFetcher().fetch(feed(`${server.origin}/gz`), NO_VALIDATORS));
    expect(corrupt.code).toBe('DECODE');
    const unknown = await fetchError(localFetcher().fetch(feed(`${server.origin}/zstd`), NO_VALIDATORS));
    expect(unknown.code).toBe('DECODE');
    expect(unknown.message).toContain('unsupported Content-Encoding zstd');
  });
});

describe('HttpFeedFetcher: redirects', () => {
  async function chainServer(): Promise<LoopbackServer> {
    // /chain/N redirects to the relative path "N-1" until /chain/0, which serves the feed
    return serve((req, res) => {
      const n = Number(req.url?.split('/')[2]);
      if (n > 0) {
        res.writeHead(n % 2 === 0 ? 301 : 307, { location: String(n - 1) });
        res.end();
      } else {
        res.end(RSS);
      }
    });
  }

  it('follows a chain of 5 relative redirects and reports the final URL', async () => {
    const server = await chainServer();
    const result = await localFetcher().fetch(feed(`${server.origin}/chain/5`), NO_VALIDATORS);
    expect(result.status === 'ok' && result.url).toBe(`${server.origin}/chain/0`);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/chain/5',
      '/chain/4',
      '/chain/3',
      '/chain/2',
      '/chain/1',
      '/chain/0',
    ]);
  });

  it('fails a 6th redirect with TOO_MANY_REDIRECTS without requesting it', async () => {
    const server = await chainServer();
    const err = await fetchError(localFetcher().fetch(feed(`${server.origin}/chain/6`), NO_VALIDATORS));
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
    expect(err.message).toContain('more than 5 redirects');
    expect(server.requests).toHaveLength(6);
  });

  it('honours a lower maxRedirects', async () => {
    const server = await chainServer();
    const err = await fetchError(
      localFetcher({ maxRedirects: 1 }).fetch(feed(`${server.origin}/chain/2`), NO_VALIDATORS),
    );
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
  });

  it('refuses a redirect to a non-http scheme with BAD_URL, and a Location-less redirect with HTTP_STATUS', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, req.url === '/file' ? { location: 'file:///etc/passwd' } : {});
      res.end();
    });
    const toFile = await fetchError(localFetcher().fetch(feed(`${server.origin}/file`), NO_VALIDATORS));
    expect(toFile.code).toBe('BAD_URL');
    expect(toFile.message).toContain('redirect to unsupported scheme file:');
    const bare = await fetchError(localFetcher().fetch(feed(`${server.origin}/bare`), NO_VALIDATORS));
    expect(bare.code).toBe('HTTP_STATUS');
    expect(bare.status).toBe(302);
  });
});

describe('HttpFeedFetcher: SSRF guard', () => {
  it('refuses loopback by default (literal IPv4, localhost, literal IPv6) without connecting', async () => {
    const server = await serve((_req, res) => res.end(RSS));
    const strict = new HttpFeedFetcher({ userAgent: 'test' });
    for (const url of [
      `${server.origin}/`,
      `http://localhost:${server.port}/`,
      `http://[::1]:${server.port}/`,
    ]) {
      const err = await fetchError(strict.fetch(feed(url), NO_VALIDATORS));
      expect(err.code).toBe('BLOCKED_ADDRESS');
      expect(err.message).toContain(url);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a host if any of its addresses is private, and the metadata address', async () => {
    const lookup = mapLookup({ 'mixed.test': ['93.184.216.34', '10.1.2.3'], 'meta.test': '169.254.169.254' });
    const strict = new HttpFeedFetcher({ userAgent: 'test', lookup });
    const mixed = await fetchError(strict.fetch(feed('http://mixed.test/feed'), NO_VALIDATORS));
    expect(mixed.code).toBe('BLOCKED_ADDRESS');
    expect(mixed.message).toContain('mixed.test resolves to 10.1.2.3');
    const meta = await fetchError(
      strict.fetch(feed('http://169.254.169.254/latest/meta-data/'), NO_VALIDATORS),
    );
    expect(meta.code).toBe('BLOCKED_ADDRESS');
    expect((await fetchError(strict.fetch(feed('http://meta.test/'), NO_VALIDATORS))).code).toBe(
      'BLOCKED_ADDRESS',
    );
  });

  describe('redirects from an allowed host', () => {
    // 127.0.0.2 plays a public host: the policy exempts exactly that address, everything else is production-strict
    const policy = (ip: string): boolean => ip !== '127.0.0.2' && isBlockedAddress(ip);
    let internal: LoopbackServer;

    afterAll(async () => internal?.close());

    it.each([
      ['loopback', (port: number) => `http://127.0.0.1:${port}/secret`],
      ['IPv4-mapped loopback', (port: number) => `http://[::ffff:127.0.0.1]:${port}/secret`],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/iam/'],
      ['a name resolving to a private address', () => 'http://intranet.test/admin'],
    ])('allows the first hop and blocks the redirect to %s', async (_label, target) => {
      internal ??= await startServer((_req, res) => res.end('secret'));
      const publicHost = await serve((_req, res) => {
        res.writeHead(302, { location: target(internal.port) });
        res.end();
      }, '127.0.0.2');
      const lookup = mapLookup({ 'public.test': '127.0.0.2', 'intranet.test': '192.168.1.10' });
      const fetcher = new HttpFeedFetcher({ userAgent: 'test', lookup, isBlockedAddress: policy });
      const err = await fetchError(
        fetcher.fetch(feed(`http://public.test:${publicHost.port}/feed`), NO_VALIDATORS),
      );
      expect(publicHost.requests).toHaveLength(1);
      expect(err.code).toBe('BLOCKED_ADDRESS');
      expect(err.url).toBe(new URL(target(internal.port)).href);
      expect(internal.requests).toHaveLength(0);
    });
  });

  it('pins the connection to the vetted address, so DNS rebinding after the check has no effect', async () => {
    const server = await serve((_req, res) => res.end(RSS), '127.0.0.2');
    let calls = 0;
    // first answer passes the (test) policy; any later answer would point at a blocked address
    const rebinding: HostLookup = async () => [
      { address: calls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 },
    ];
    const fetcher = new HttpFeedFetcher({
      userAgent: 'test',
      lookup: rebinding,
      isBlockedAddress: (ip) => ip !== '127.0.0.2' && isBlockedAddress(ip),
    });
    const result = await fetcher.fetch(feed(`http://rebind.test:${server.port}/`), NO_VALIDATORS);
    expect(result.status).toBe('ok');
    expect(calls).toBe(1);
    expect(server.requests[0]?.localAddress).toBe('127.0.0.2');
    expect(server.requests[0]?.headers.host).toBe(`rebind.test:${server.port}`);
  });

  it('reaches loopback when allowPrivateHosts is set', async () => {
    const server = await serve((_req, res) => res.end(RSS));
    const result = await localFetcher().fetch(feed(`http://localhost:${server.port}/`), NO_VALIDATORS);
    expect(result.status).toBe('ok');
  });
});

describe('HttpFeedFetcher: status codes and errors', () => {
  it('maps 429 with Retry-After seconds to RATE_LIMITED with retryAfterMs', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end('slow down');
    });
    const err = await fetchError(localFetcher().fetch(feed(`${server.origin}/`), NO_VALIDATORS));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 120_000 });
    expect(err.message).toContain(`${server.origin}/`);
  });

  it('maps 429 without Retry-After to RATE_LIMITED without retryAfterMs', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429);
      res.end();
    });
    const err = await fetchError(localFetcher().fetch(feed(`${server.origin}/`), NO_VALIDATORS));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('maps 503 with an HTTP-date Retry-After to RATE_LIMITED, measured on the injected clock', async () => {
    const now = new Date('2026-11-29T12:00:00Z');
    const server = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(now.getTime() + 90_000).toUTCString() });
      res.end();
    });
    const err = await fetchError(
      localFetcher({ clock: { now: () => now } }).fetch(feed(`${server.origin}/`), NO_VALIDATORS),
    );
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 503, retryAfterMs: 90_000 });
  });

  it('maps 503 without Retry-After and 404 to HTTP_STATUS', async () => {
    const server = await serve((req, res) => {
      res.writeHead(req.url === '/down' ? 503 : 404);
      res.end();
    });
    const down = await fetchError(localFetcher().fetch(feed(`${server.origin}/down`), NO_VALIDATORS));
    expect(down).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
    const missing = await fetchError(
      localFetcher().fetch(feed(`${server.origin}/missing.xml`), NO_VALIDATORS),
    );
    expect(missing).toMatchObject({ code: 'HTTP_STATUS', status: 404 });
    expect(missing.message).toBe(`fetching ${server.origin}/missing.xml failed: HTTP 404`);
  });

  it.each(['ftp://example.org/feed.xml', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', ''])(
    'refuses %j with BAD_URL',
    async (url) => {
      const err = await fetchError(localFetcher().fetch(feed(url), NO_VALIDATORS));
      expect(err.code).toBe('BAD_URL');
    },
  );

  it('reports an unresolvable host as DNS and a refused connection as CONNECTION', async () => {
    const fetcher = localFetcher({ lookup: mapLookup({ 'closed.test': '127.0.0.1' }) });
    const dns = await fetchError(fetcher.fetch(feed('http://nowhere.test/feed'), NO_VALIDATORS));
    expect(dns.code).toBe('DNS');
    expect(dns.message).toContain('cannot resolve nowhere.test');
    const server = await startServer(() => {});
    await server.close();
    const refused = await fetchError(
      fetcher.fetch(feed(`http://closed.test:${server.port}/`), NO_VALIDATORS),
    );
    expect(refused.code).toBe('CONNECTION');
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('reports a body cut short by the server as CONNECTION', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('only a little');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const err = await fetchError(localFetcher().fetch(feed(`${server.origin}/`), NO_VALIDATORS));
    expect(err.code).toBe('CONNECTION');
  });

  it('validates its options', () => {
    expect(() => new HttpFeedFetcher({ userAgent: ' ' })).toThrow(RangeError);
    expect(() => new HttpFeedFetcher({ userAgent: 'x', maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => new HttpFeedFetcher({ userAgent: 'x', perHostConcurrency: 1.5 })).toThrow(
      /perHostConcurrency/,
    );
    expect(() => new HttpFeedFetcher({ userAgent: 'x', maxRedirects: -1 })).toThrow(/maxRedirects/);
  });
});

describe('HttpFeedFetcher: per-host concurrency', () => {
  async function countingServer(): Promise<{ server: LoopbackServer; peak: Map<string, number> }> {
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    const enter = (key: string): void => {
      const now = (active.get(key) ?? 0) + 1;
      active.set(key, now);
      peak.set(key, Math.max(peak.get(key) ?? 0, now));
    };
    const server = await serve((req, res) => {
      const host = (req.headers.host ?? '').split(':')[0] ?? '';
      enter(host);
      enter('*');
      setTimeout(() => {
        for (const key of [host, '*']) active.set(key, (active.get(key) ?? 1) - 1);
        res.end(RSS);
      }, 60);
    });
    return { server, peak };
  }

  it('runs at most perHostConcurrency fetches per host at once, hosts independently', async () => {
    const { server, peak } = await countingServer();
    const fetcher = localFetcher({
      perHostConcurrency: 2,
      lookup: mapLookup({ 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' }),
    });
    const urls = [...Array(6)].flatMap((_, i) => [
      `http://a.test:${server.port}/${i}`,
      `http://b.test:${server.port}/${i}`,
    ]);
    const results = await Promise.all(urls.map((url) => fetcher.fetch(feed(url), NO_VALIDATORS)));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(peak.get('a.test')).toBe(2);
    expect(peak.get('b.test')).toBe(2);
    expect(peak.get('*')).toBe(4); // the two hosts' slots are independent
    expect(server.requests).toHaveLength(12);
  });

  it('frees the slot when a fetch fails', async () => {
    const server = await serve((req, res) => {
      res.writeHead(req.url === '/bad' ? 500 : 200);
      res.end(RSS);
    });
    const fetcher = localFetcher({ perHostConcurrency: 1 });
    await expect(fetcher.fetch(feed(`${server.origin}/bad`), NO_VALIDATORS)).rejects.toMatchObject({
      status: 500,
    });
    const ok = await fetcher.fetch(feed(`${server.origin}/good`), NO_VALIDATORS);
    expect(ok.status).toBe('ok');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it('reads delta seconds and HTTP-dates, never negative', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unparseable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('HttpFeedFetcher: https through a pinned address', () => {
  async function tlsServer(): Promise<{ port: number }> {
    const server = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (_req, res) => {
      // answer well after the (200 ms) connect timeout: once the handshake is done, only the total timeout applies
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/atom+xml' });
        res.end('<feed/>');
      }, 400);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return server.address() as AddressInfo;
  }
  const lookup = mapLookup({ 'secure.test': '127.0.0.1', 'other.test': '127.0.0.1' });

  it('verifies the certificate against the URL host name and stops the connect timer after the handshake', async () => {
    const { port } = await tlsServer();
    const fetcher = localFetcher({ lookup, ca: TEST_CERT, connectTimeoutMs: 200 });
    const result = await fetcher.fetch(feed(`https://secure.test:${port}/atom`), NO_VALIDATORS);
    expect(result.status === 'ok' && Buffer.from(result.body).toString()).toBe('<feed/>');
  });

  it('refuses an untrusted certificate and a certificate for another name with CONNECTION', async () => {
    const { port } = await tlsServer();
    const untrusted = await fetchError(
      localFetcher({ lookup }).fetch(feed(`https://secure.test:${port}/`), NO_VALIDATORS),
    );
    expect(untrusted.code).toBe('CONNECTION');
    expect(untrusted.message).toMatch(/certificate/i);
    const wrongName = await fetchError(
      localFetcher({ lookup, ca: TEST_CERT }).fetch(feed(`https://other.test:${port}/`), NO_VALIDATORS),
    );
    expect(wrongName.code).toBe('CONNECTION');
    expect(wrongName.message).toContain('other.test');
  });
});

describe('resource hygiene', () => {
  it('leaves no sockets or servers open once the tests have cleaned up', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const open = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP') || r === 'TLSWrap');
    expect(open).toEqual([]);
  });
});
