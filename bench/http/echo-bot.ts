// The floor for `npm run bench -- http`: the thinnest bot on the same stack as the real one
// (restify 11 + CloudAdapter with no Bot Framework auth), replying with the text it received.
// Whatever the real bot costs above this is our code (state, Graph, engine, cards).
import type { AddressInfo } from 'node:net';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import * as restify from 'restify';

export interface EchoBot {
  url: string;
  stop(): Promise<void>;
}

export async function startEchoBot(port = 0): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(context.activity.text ?? '');
    await next();
  });

  // Same body parser and handler shape as src/server.ts, so the HTTP edge costs the same.
  const server = restify.createServer({ name: 'echo-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
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
