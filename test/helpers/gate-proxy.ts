// A loopback HTTP proxy that can hold chosen requests until the test lets them through: the way to
// make a race between two clients of a real service (Azurite) happen in a chosen order, every
// time, without mocking the service or reaching into the client. Requests are forwarded as they
// came (method, path, headers, body), and answers are passed back unchanged.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface GateProxyOptions {
  /** Port of the real service on 127.0.0.1. */
  targetPort: number;
  /** Return a promise to hold this request until it settles; undefined forwards it at once. */
  hold?: (request: ProxiedRequest) => Promise<void> | undefined;
  /** Called with each answer's status once it has been passed back. */
  answered?: (request: ProxiedRequest, status: number) => void;
}

export interface GateProxy {
  port: number;
  close(): Promise<void>;
}

export async function startGateProxy(options: GateProxyOptions): Promise<GateProxy> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8') };
      void (async () => {
        await options.hold?.(seen);
        const upstream = httpRequest(
          { host: '127.0.0.1', port: options.targetPort, method: seen.method, path: seen.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on('end', () => options.answered?.(seen, answer.statusCode ?? 502));
          },
        );
        upstream.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        upstream.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
