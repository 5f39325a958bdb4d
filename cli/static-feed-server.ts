/** A loopback HTTP server for sample feeds (demo and tests): serves files of one directory with validators. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

export interface StaticFeedServer {
  baseUrl: string;
  /** File names served. */
  files: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  xml: 'application/rss+xml',
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

/** Serves every file of `dir` at `/<name>` on 127.0.0.1 (random port), with ETag and 304 support. */
export async function startStaticFeedServer(dir: string): Promise<StaticFeedServer> {
  const files = (await readdir(dir)).filter((f) => !f.startsWith('.')).sort();
  const server: Server = createServer(async (req, res) => {
    const name = basename(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    if (!files.includes(name)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = await readFile(join(dir, name));
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    const ext = name.split('.').pop() ?? '';
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', etag }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
