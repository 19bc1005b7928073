// A counting relay between the export and the loopback Graph server (npm run bench -- export):
// counts Graph requests the way Graph's throttling counts them — every HTTP request outside a
// `$batch` once, and every request inside a `$batch` once (the POST itself is not a Graph
// request of its own) — by kind of request, independently of the export's own tally. It forwards
// each request unchanged and rewrites the server's address in answers (paging links) to its own,
// so that following pages are counted too.
import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequestCount {
  /** HTTP requests received (a $batch once). */
  http: number;
  /** HTTP requests outside $batch + requests inside $batch. */
  graph: number;
  /** Graph requests by kind ("GET /users/{id}/authentication/methods (in $batch)"). */
  byKind: Map<string, number>;
}

export interface CountingRelay {
  /** http://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  count: GraphRequestCount;
  close(): Promise<void>;
}

const GUID = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

/** "GET /groups/{id}/transitiveMembers": the path without version, query and ids. */
export function requestKind(method: string, url: string): string {
  const path = decodeURIComponent(url.replace(/^https?:\/\/[^/]+/i, '').split('?')[0])
    .replace(/^\/?(v1\.0|beta)(?=\/)/i, '')
    .replace(/^(?!\/)/, '/')
    .replace(GUID, '/{id}');
  return `${method.toUpperCase()} ${path}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Relays to `targetUrl` (the emulator's http://127.0.0.1:PORT, no version) and counts. */
export async function startCountingRelay(targetUrl: string): Promise<CountingRelay> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const count: GraphRequestCount = { http: 0, graph: 0, byKind: new Map() };
  const add = (kind: string) => {
    count.graph++;
    count.byKind.set(kind, (count.byKind.get(kind) ?? 0) + 1);
  };
  let ownHost = '';
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = (req.method ?? 'GET').toUpperCase();
      const url = req.url ?? '/';
      count.http++;
      if (method === 'POST' && /\/\$batch$/i.test(url.split('?')[0])) {
        const inner = (JSON.parse(body.toString('utf8') || '{}') as { requests?: { method?: string; url: string }[] }).requests ?? [];
        for (const r of inner) add(`${requestKind(r.method ?? 'GET', r.url)} (in $batch)`);
      } else add(requestKind(method, url));
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method, path: url, headers: { ...req.headers, host: target.host }, agent },
        async (answer) => {
          const raw = await readBody(answer);
          const text = raw.toString('utf8').split(target.host).join(ownHost);
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(text) });
          res.end(text);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
      upstream.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ownHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `http://${ownHost}/v1.0`,
    count,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
