// HTTP: POST /api/messages (Bot Framework), GET /healthz (liveness), GET /readyz (readiness).
// GET /metrics is not here: it has a listener of its own (createMetricsServer), opt-in.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import * as restify from 'restify';
import { metrics } from './metrics';
import type { ActivityEndpoint } from './teams/edge';

export interface ReadinessReport {
  ready: boolean;
  /** "ok" or "unavailable: why". */
  store: string;
  /** "ok", "degraded: why" (cached tenant facts served) or "unavailable: why". */
  graph: string;
  /** Why not ready. */
  reason?: string;
}

export interface ServerOptions {
  /** The bot on its edge (botbuilder or the Agents SDK: BOT_SDK). */
  endpoint: ActivityEndpoint;
  /** Whether the instance can take traffic (see readinessCheck). */
  ready?: () => Promise<ReadinessReport>;
  /** The clock of the readiness cache (injected in tests). */
  now?: () => Date;
  /** How long a readiness result is served before checking again; default 10 s. */
  readyCacheMs?: number;
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);

/**
 * Readiness: the store takes a write, and this instance has read the tenant's facts from Graph
 * at least once. A Graph outage after that does not fail readiness: it hits every instance
 * alike, so taking them all out of rotation would only turn the bot's clear "Microsoft Graph is
 * not answering, try again" answers into connection errors. It is reported in the body instead.
 * Each check is given `limitMs`; a slower one counts as unavailable (it keeps running).
 */
export function readinessCheck(sources: { probeStore: () => Promise<unknown>; tenantFacts: { get(): Promise<unknown>; readonly stale: boolean } }, limitMs: number): () => Promise<ReadinessReport> {
  let graphAnswered = false;
  const within = async (work: () => Promise<unknown>): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`unavailable: no answer within ${limitMs} ms`), limitMs);
      timer.unref();
    });
    try {
      return await Promise.race([work().then(() => 'ok', (e) => `unavailable: ${firstLine(e)}`), limit]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    const [store, facts] = await Promise.all([within(sources.probeStore), within(() => sources.tenantFacts.get())]);
    let graph = facts;
    if (facts === 'ok') {
      graphAnswered = true;
      if (sources.tenantFacts.stale) graph = 'degraded: Microsoft Graph did not answer the last refresh; serving cached tenant facts';
    } else if (graphAnswered) {
      graph = `${facts} (this instance has read the tenant before and stays in rotation; diagnoses ask users to try again until Graph answers)`;
    }
    const reasons = [...(store === 'ok' ? [] : [`store ${store}`]), ...(graphAnswered ? [] : [`Microsoft Graph has not answered this instance yet (${facts})`])];
    return { ready: reasons.length === 0, store, graph, ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}) };
  };
}

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
