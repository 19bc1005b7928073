// The floor for `npm run bench -- http`: the thinnest bot on the same stack as the real one
// (restify 11 + the edge's CloudAdapter with no Bot Framework auth), replying with the text it
// received. One per edge: botbuilder's CloudAdapter + ActivityHandler, or the Microsoft 365 Agents
// SDK's. Whatever the real bot costs above its edge's echo bot is our code (state, Graph, engine, cards).
import type { AddressInfo } from 'node:net';
import { ActivityHandler as AgentsActivityHandler, CloudAdapter as AgentsCloudAdapter, type Request as AgentsRequest, type WebResponse } from '@microsoft/agents-hosting';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import * as restify from 'restify';
import type { BotSdk } from '../../src/config';

export interface EchoBot {
  url: string;
  stop(): Promise<void>;
}

type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

function botbuilderEcho(): Handler {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(context.activity.text ?? '');
    await next();
  });
  return (req, res) => adapter.process(req, res, (context) => bot.run(context));
}

function agentsEcho(): Handler {
  // Anonymous (no client id): the SDK's development mode, as the offline bot runs it.
  const adapter = new AgentsCloudAdapter({});
  const bot = new AgentsActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(context.activity.text ?? '');
    await next();
  });
  // process() only calls res.status(), setHeader(), send() and end() one at a time on this path
  // (no chaining), which restify's response supports.
  return (req, res) => adapter.process(req as unknown as AgentsRequest, res as unknown as WebResponse, (context) => bot.run(context));
}

export async function startEchoBot(sdk: BotSdk = 'botbuilder', port = 0): Promise<EchoBot> {
  const handle = sdk === 'agents' ? agentsEcho() : botbuilderEcho();
  // Same body parser and handler shape as src/server.ts, so the HTTP edge costs the same.
  const server = restify.createServer({ name: 'echo-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
