// Composition root: config → telemetry → Graph → store → scheduler → help desk, notices → bot
// edge → server. It builds the parts in that order and hands each what it needs; nothing else
// happens here (the parts' own wiring: compose/, readiness.ts, server.ts).
import { existsSync } from 'node:fs';
import { conversationDeps } from './compose/conversation';
import { startHelpDesk } from './compose/help-desk';
import { openScheduler, openStore } from './compose/state';
import { ConfigError, loadConfig, type Config } from './config';
import { rebaseDemoClock } from './demo/demo-tenant';
import { startPlayground } from './demo/playground';
import { loadSnapshotFile } from './snapshot';
import type { HelpDesk } from './helpdesk/helpdesk';
import { TicketStore } from './helpdesk/ticket-store';
import { createLog } from './log';
import { Campaigns } from './notices/campaign';
import { TEAMS_LIMITS } from './notices/pacing';
import { botReadiness } from './readiness';
import type { JobScheduler } from './scheduler/scheduler';
import { listen } from './server';
import { connectGraph, type GraphConnection } from './support/graph-connection';
import { startTelemetry } from './telemetry/start';
import { createEdge } from './teams/edges';
import { TeamsNoticeSender } from './delivery/notice-sender';
import { ProactiveSender } from './delivery/proactive-sender';
import { ConversationReferences } from './delivery/references';
import type { TestOnlyBotFrameworkCloud } from './teams/test-cloud';

export interface RunningBot {
  url: string;
  /** GET /metrics, when METRICS_PORT is set. */
  metricsUrl?: string;
  graph: GraphConnection;
  helpDesk?: HelpDesk;
  scheduler: JobScheduler;
  stop(): Promise<void>;
}

export interface StartOptions {
  now?: () => Date;
  log?: (event: Record<string, unknown>) => void;
  /** TEST ONLY: Bot Framework JWT checks against a loopback key server (see TestOnlyBotFrameworkCloud). */
  testOnlyBotFrameworkCloud?: TestOnlyBotFrameworkCloud;
}

const logLine = createLog();

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? logLine;
  const snapshot = config.snapshotPath ? loadSnapshotFile(config.snapshotPath, { prepare: (json) => rebaseDemoClock(json, now()) }) : undefined;
  const { storage, userChanges } = openStore(config, log);
  const stops: (() => Promise<void> | void)[] = [() => storage.close?.()];
  const stop = async () => {
    for (const s of stops.reverse().splice(0)) await s();
  };
  try {
    const { baseUrl, auth, timeoutMs, tenantFactsTtlMs, userFactsTtlMs } = config.graph;
    const graph = await connectGraph({ snapshot, emulatorNow: now, latencyMs: config.graph.emulatorLatencyMs, tenantId: config.tenantId, baseUrl, auth, timeoutMs, tenantFactsTtlMs, userFactsTtlMs, userChanges, onStale: ({ ageMs }) => log({ event: 'graph.tenantFacts.stale', ageMs }), whatIf: config.whatIf, log });
    stops.push(() => graph.close());
    const scheduler = await openScheduler(config, now, log);
    // The Teams edge (BOT_SDK): botbuilder or the Microsoft 365 Agents SDK; the rest is the same.
    const edge = await createEdge(config, log, options.testOnlyBotFrameworkCloud);
    const references = new ConversationReferences(storage);
    const noticeSender = new TeamsNoticeSender(new ProactiveSender({ messenger: edge.messenger, log, limits: { ...TEAMS_LIMITS, marginMs: config.pacingMarginMs } }), references);
    const tickets = new TicketStore(storage);
    const campaigns = new Campaigns({ graph: graph.client, store: storage, scheduler, sender: noticeSender, now });
    const helpDesk = await startHelpDesk({ config, snapshot, graph, userChanges, storage, tickets, campaigns, scheduler, noticeSender, messenger: edge.messenger, references, now, log });
    scheduler.start(config.schedulerTickMs);
    stops.push(() => helpDesk?.stop(), () => scheduler.stop());
    const endpoint = edge.endpoint({
      storage,
      references,
      helpDesk: helpDesk?.edge,
      tenantId: config.tenantId,
      organisation: snapshot?.tenant.displayName,
      playground: config.offline,
      log,
      diagnoser: graph.diagnoser,
      conversation: conversationDeps({ config, graph, campaigns, snapshot, now, log }),
    });
    const ready = botReadiness({ storage, tenantFacts: graph.tenantFacts, now, limitMs: config.readinessTimeoutMs });
    // Local mode has no Bot Framework auth (the Playground sends no JWT): bind to loopback only.
    const http = await listen({ endpoint, now, ready, port: config.port, host: config.offline ? '127.0.0.1' : '0.0.0.0', metrics: config.metrics });
    stops.push(() => http.close());
    return { url: http.url, metricsUrl: http.metricsUrl, graph, helpDesk: helpDesk?.desk, scheduler, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
  // Application Insights before anything serves (nothing at all without its connection string).
  const telemetry = await startTelemetry(config.telemetry, { log: logLine });
  const running = await startBot(config).catch((e: Error) => {
    process.stderr.write(`Cannot start: ${e.message}\n`);
    process.exit(1);
  });
  const mode = config.offline ? `offline demo (Graph emulator at ${running.graph.emulator?.url}, snapshot ${config.snapshotPath})` : 'online';
  logLine({ event: 'started', url: `${running.url}/api/messages`, sdk: config.botSdk, mode });
  const playground = config.playground ? startPlayground({ root: process.cwd(), botUrl: running.url, port: config.playground.port, log: logLine }) : undefined;
  if (playground) logLine({ event: 'playground', message: `Open ${playground.url} in a browser and say "help" (pick a demo persona on the welcome card).` });
  const shutdown = async (signal: string) => {
    logLine({ event: 'stopping', signal });
    playground?.stop();
    await running.stop();
    await telemetry?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) void main();
