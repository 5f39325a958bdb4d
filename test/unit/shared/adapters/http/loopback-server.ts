/** Test helper: a loopback HTTP server on an ephemeral port that records requests and closes cleanly. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  url: string;
  headers: IncomingMessage['headers'];
  localAddress: string | undefined;
  /** Resolves when the server side of the request is closed (client gone or response finished). */
  closed: Promise<void>;
}

export interface LoopbackServer {
  host: string;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:34567 */
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server on `host` (default 127.0.0.1), port 0. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<LoopbackServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      headers: req.headers,
      localAddress: req.socket.localAddress,
      closed: new Promise((resolve) => res.once('close', () => resolve())),
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
