// HTTP: POST /api/messages (Bot Framework), GET /healthz (liveness), GET /readyz (Graph answers).
import * as restify from 'restify';
import type { ActivityHandler } from 'botbuilder';
import type { TeamsAdapter } from './teams/adapter';
import { metrics } from './metrics';

export interface ServerOptions {
  adapter: TeamsAdapter;
  bot: ActivityHandler;
  /** Resolves when the bot can serve (Graph and the store reachable); rejects with a reason otherwise. */
  ready?: () => Promise<void>;
}

export function createServer(options: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'passkey-support-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await options.adapter.handle(req, res, (context) => options.bot.run(context));
  });
  // restify 11: a handler is either async (req, res) or callback-style (req, res, next).
  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.json(200, { status: 'ok' });
  });
  server.get('/metrics', async (_req: restify.Request, res: restify.Response) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.sendRaw(200, metrics.render());
  });
  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    try {
      await options.ready?.();
      res.json(200, { status: 'ready' });
    } catch (e) {
      res.json(503, { status: 'not ready', reason: (e as Error).message });
    }
  });
  return server;
}
