// HTTP: POST /api/messages (Bot Framework), GET /healthz (liveness), GET /readyz (readiness).
// GET /metrics is not here: it has a listener of its own (createMetricsServer), opt-in.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import * as restify from 'restify';
import { metrics } from './metrics';
import type { ReadinessReport } from './readiness';
import type { ActivityEndpoint } from './teams/edge';

export interface ServerOptions {
  /** The bot on its edge (botbuilder or the Agents SDK: BOT_SDK). */
  endpoint: ActivityEndpoint;
  /** Whether the instance can take traffic (readiness.ts). */
  ready?: () => Promise<ReadinessReport>;
  /** The clock of the readiness cache (injected in tests). */
  now?: () => Date;
  /** How long a readiness result is served before checking again; default 10 s. */
  readyCacheMs?: number;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);

/** Serves the last readiness result for `ttlMs`; concurrent probes share one check. */
class CachedReadiness {
  private last?: { at: number; body: Record<string, unknown>; ready: boolean };
  private inFlight?: Promise<{ body: Record<string, unknown>; ready: boolean }>;

  constructor(
    private readonly check: () => Promise<ReadinessReport>,
    private readonly now: () => Date,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<{ body: Record<string, unknown>; ready: boolean }> {
    const now = this.now().getTime();
    if (this.last && now >= this.last.at && now - this.last.at < this.ttlMs) return Promise.resolve(this.last);
    return (this.inFlight ??= this.run(now).finally(() => (this.inFlight = undefined)));
  }

  private async run(at: number): Promise<{ body: Record<string, unknown>; ready: boolean }> {
    const report = await this.check().catch((e): ReadinessReport => ({ ready: false, store: 'unknown', graph: 'unknown', reason: firstLine(e) }));
    const { ready, ...rest } = report;
    const result = { at, ready, body: { status: ready ? 'ready' : 'not ready', ...rest, checkedAt: new Date(at).toISOString() } };
    this.last = result;
    return result;
  }
}

export function createServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'passkey-support-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  // Requests by method, route and status, and their duration, for /metrics (unmatched paths as one route).
  server.on('after', restify.plugins.metrics({ server }, (_err, m, _req, _res, route) => metrics.observeHttp(m.method, route?.path ? String(route.path) : 'unmatched', m.statusCode, m.totalLatency / 1000)));
  const readiness = new CachedReadiness(options.ready ?? (async () => ({ ready: true, store: 'ok', graph: 'ok' })), options.now ?? (() => new Date()), options.readyCacheMs ?? 10_000);

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await options.endpoint.handle(req, res);
  });
  // restify 11: a handler is either async (req, res) or callback-style (req, res, next).
  // Liveness: the process serves HTTP. Nothing else; restarting it would not fix Graph or the store.
  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.json(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    const { ready, body } = await readiness.get();
    res.json(ready ? 200 : 503, body);
  });
  return server;
}

/** GET /metrics (prom-client's registry: business counters, HTTP and process metrics) and nothing else, for a listener of its own. */
export function createMetricsServer(): HttpServer {
  metrics.collectProcessMetrics();
  return createHttpServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      metrics.exposition().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.contentType });
          res.end(text);
        },
        (e) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`metrics failed: ${firstLine(e)}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found\n');
  });
}

export interface HttpListeners {
  /** The bot's base URL (http://127.0.0.1:<port>). */
  url: string;
  /** GET /metrics, when asked for. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/**
 * Serves the bot on `port` (on `host`: loopback for the offline demo, which has no Bot Framework
 * auth) and, when asked for, /metrics on a listener of its own. A port in use is named in the error;
 * when /metrics cannot listen, the bot's listener is closed again.
 */
export async function listen(options: ServerOptions & { port: number; host: string; metrics?: { port: number; host: string } }): Promise<HttpListeners> {
  const server = createServer(options);
  await listening(server, options.port, options.host, (e) => (e.code === 'EADDRINUSE' ? `port ${options.port} is already in use (set PORT to another port)` : e.message));
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const m = options.metrics;
  const metricsServer = m ? createMetricsServer() : undefined;
  if (metricsServer && m) {
    await listening(metricsServer, m.port, m.host, (e) => (e.code === 'EADDRINUSE' ? `METRICS_PORT ${m.port} is already in use` : `METRICS_HOST/METRICS_PORT: ${e.message}`)).catch(async (e) => {
      await closeServer();
      throw e;
    });
  }
  const metricsAddress = metricsServer?.address();
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    metricsUrl: metricsAddress && typeof metricsAddress === 'object' ? `http://${metricsAddress.family === 'IPv6' ? `[${metricsAddress.address}]` : metricsAddress.address}:${metricsAddress.port}/metrics` : undefined,
    close: async () => {
      await closeServer();
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    },
  };
}

function listening(server: restify.Server | HttpServer, port: number, host: string, message: (e: NodeJS.ErrnoException) => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(message(e))));
    server.listen(port, host, () => resolve());
  });
}
