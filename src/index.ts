// Composition root: config → Graph → store → bot → server. Nothing else happens here.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config';
import { demoPersonas, rebaseDemoClock } from './demo/demo-tenant';
import { startPlayground } from './demo/playground';
import { loadSnapshotFile, type TenantSnapshot } from './graph-emulator';
import { createServer } from './server';
import { FileStorage } from './storage/file-storage';
import { connectGraph, type GraphConnection } from './support/graph-connection';
import { createAdapter } from './teams/adapter';
import { SupportBot } from './teams/bot';

export interface RunningBot {
  url: string;
  graph: GraphConnection;
  stop(): Promise<void>;
}

const log = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

export async function startBot(config: Config, options: { now?: () => Date } = {}): Promise<RunningBot> {
  const now = options.now ?? (() => new Date());
  const snapshot = config.snapshotPath ? loadSnapshotFile(config.snapshotPath, { prepare: (json) => rebaseDemoClock(json, now()) }) : undefined;
  const graph = await connectGraph({
    snapshot,
    tenantId: config.tenantId,
    baseUrl: config.graph.baseUrl,
    auth: config.graph.auth,
    timeoutMs: config.graph.timeoutMs,
    tenantFactsTtlMs: config.graph.tenantFactsTtlMs,
    onStale: ({ ageMs }) => log({ event: 'graph.tenantFacts.stale', ageMs }),
  });
  try {
    return await serve(config, graph, snapshot, now);
  } catch (e) {
    await graph.close();
    throw e;
  }
}

async function serve(config: Config, graph: GraphConnection, snapshot: TenantSnapshot | undefined, now: () => Date): Promise<RunningBot> {
  const bot = new SupportBot({
    storage: new FileStorage(config.dataDir),
    tenantId: config.tenantId,
    log,
    diagnoser: graph.diagnoser,
    conversation: {
      now,
      log,
      personas: config.offline && snapshot ? demoPersonas(snapshot) : undefined,
    },
  });
  const server = createServer({ adapter: createAdapter(config, log), bot, ready: async () => void (await graph.tenantFacts.get()) });
  // Local mode has no Bot Framework auth (the Playground sends no JWT): bind to loopback only.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT to another port)` : e.message)),
    );
    server.listen(config.port, config.offline ? '127.0.0.1' : '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    graph,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await graph.close();
    },
  };
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw e;
  }
  let running: RunningBot;
  try {
    running = await startBot(config);
  } catch (e) {
    process.stderr.write(`Cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  log({
    event: 'started',
    url: `${running.url}/api/messages`,
    mode: config.offline ? `offline demo (Graph emulator at ${running.graph.emulator?.url}, snapshot ${config.snapshotPath})` : 'online',
  });
  const playground =
    config.offline && process.env.NO_PLAYGROUND !== '1'
      ? startPlayground({ root: process.cwd(), botUrl: running.url, port: Number(process.env.PLAYGROUND_PORT ?? 56150), log })
      : undefined;
  if (playground) {
    log({ event: 'playground', message: `Open ${playground.url} in a browser and say "help" (pick a demo persona on the welcome card).` });
  }
  const shutdown = async (signal: string) => {
    log({ event: 'stopping', signal });
    playground?.stop();
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) void main();
