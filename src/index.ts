// Composition root: config → Graph → store → bot → server. Nothing else happens here.
import { existsSync } from 'node:fs';
import { createLog } from './log';
import { startTelemetry } from './telemetry/start';
import { ConfigError, loadConfig, type Config } from './config';
import { demoHelpDesk, demoPersonas, rebaseDemoClock } from './demo/demo-tenant';
import { startPlayground } from './demo/playground';
import { loadSnapshotFile, type TenantSnapshot } from './graph-emulator';
import { createMetricsServer, createServer, readinessCheck } from './server';
import { auditLogFor } from './storage/azure-audit-log';
import { FileStorage } from './storage/file-storage';
import { connectGraph, type GraphConnection } from './support/graph-connection';
import { UserChanges } from './support/user-changes';
import type { SupportBotOptions } from './teams/edge';
import { createEdge } from './teams/edges';
import type { TestOnlyBotFrameworkCloud } from './teams/test-cloud';
import { join } from 'node:path';
import { HelpDesk } from './helpdesk/helpdesk';
import type { Ticket } from './tickets/ticket';
import { ticketCardFor } from './helpdesk/ticket-card';
import { TicketStore } from './helpdesk/ticket-store';
import { EmbeddedScheduler } from './scheduler/embedded-scheduler';
import { AzureScheduler } from './scheduler/azure-scheduler';
import { AzureBlobStorage } from './storage/azure-blob-storage';
import type { KeyValueStore } from './storage/key-value';
import type { JobScheduler } from './scheduler/scheduler';
import { TeamsHelpDeskNotifier } from './teams/helpdesk-notifier';
import { ConversationReferences } from './teams/references';
import { TeamsNoticeSender } from './teams/notice-sender';
import { ProactiveSender } from './teams/proactive';
import { TEAMS_LIMITS } from './notices/pacing';
import { hasAuthenticatorPasskey, WindowNotices } from './notices/window-notices';
import { Campaigns } from './notices/campaign';
import { campaignCommand } from './notices/campaign-command';
import { auditTenant } from './audit';
import { auditInstructionsCard, auditSummaryCard } from './audit/chat-summary';
import { noticeCard } from './cards';

export interface RunningBot {
  url: string;
  /** GET /metrics, when METRICS_PORT is set. */
  metricsUrl?: string;
  graph: GraphConnection;
  helpDesk?: HelpDesk;
  scheduler: JobScheduler;
  stop(): Promise<void>;
}

const logLine = createLog();

export interface StartOptions {
  now?: () => Date;
  log?: (event: Record<string, unknown>) => void;
  /** TEST ONLY: Bot Framework JWT checks against a loopback key server (see TestOnlyBotFrameworkCloud). */
  testOnlyBotFrameworkCloud?: TestOnlyBotFrameworkCloud;
}

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? logLine;
  const snapshot = config.snapshotPath ? loadSnapshotFile(config.snapshotPath, { prepare: (json) => rebaseDemoClock(json, now()) }) : undefined;
  // One instance: a log under DATA_DIR, locked to this process. Several: Azure Storage shared by all of them.
  const storage: KeyValueStore = config.azureStorage
    ? new AzureBlobStorage({ ...config.azureStorage, containerName: `${config.azureStorage.prefix}-state` })
    : new FileStorage(config.dataDir, { log });
  // Several instances: a user changed by another instance's help desk is read afresh here.
  const userChanges = config.azureStorage ? new UserChanges(storage) : undefined;
  let graph: GraphConnection | undefined;
  try {
    graph = await connectGraph({
      snapshot,
      emulatorNow: now,
      tenantId: config.tenantId,
      baseUrl: config.graph.baseUrl,
      auth: config.graph.auth,
      timeoutMs: config.graph.timeoutMs,
      tenantFactsTtlMs: config.graph.tenantFactsTtlMs,
      userFactsTtlMs: config.graph.userFactsTtlMs,
      userChanges,
      onStale: ({ ageMs }) => log({ event: 'graph.tenantFacts.stale', ageMs }),
      whatIf: config.whatIf,
      log,
    });
    return await serve(config, graph, storage, userChanges, snapshot, now, log, options.testOnlyBotFrameworkCloud);
  } catch (e) {
    await graph?.close();
    if (storage instanceof FileStorage) await storage.close();
    throw e;
  }
}

async function serve(
  config: Config,
  graph: GraphConnection,
  storage: KeyValueStore,
  userChanges: UserChanges | undefined,
  snapshot: TenantSnapshot | undefined,
  now: () => Date,
  log: (event: Record<string, unknown>) => void,
  testCloud?: TestOnlyBotFrameworkCloud,
): Promise<RunningBot> {
  // The Teams edge (BOT_SDK): botbuilder or the Microsoft 365 Agents SDK; the rest is the same.
  const edge = await createEdge(config, log, testCloud);
  const references = new ConversationReferences(storage);
  const scheduler: JobScheduler = config.azureStorage
    ? await AzureScheduler.create({ ...config.azureStorage, tableName: `${config.azureStorage.prefix}jobs`, queueName: `${config.azureStorage.prefix}-jobs`, now, log, maxRealDelaySeconds: config.azureStorage.maxQueueDelaySeconds })
    : new EmbeddedScheduler(join(config.dataDir, 'scheduler.jsonl'), now, log);
  const noticeSender = new TeamsNoticeSender(new ProactiveSender({ messenger: edge.messenger, log, limits: { ...TEAMS_LIMITS, marginMs: config.pacingMarginMs } }), references);
  const tickets = new TicketStore(storage);
  const campaigns = new Campaigns({ graph: graph.client, store: storage, scheduler, sender: noticeSender, now });
  const helpDeskConfig = config.offline && snapshot ? { ...demoHelpDesk(snapshot), ...definedOnly(config.helpDesk) } : config.helpDesk;
  let helpDesk: SupportBotOptions['helpDesk'];
  if (helpDeskConfig.groupId) {
    let desk: HelpDesk | undefined;
    const ticketCard = (ticket: Ticket) => ticketCardFor(desk!, ticket, now);
    const notifier = new TeamsHelpDeskNotifier({
      messenger: edge.messenger,
      tenantId: config.tenantId,
      references,
      channelId: helpDeskConfig.channelId,
      webhookUrl: helpDeskConfig.webhookUrl,
      ticketCard,
      log,
    });
    let notices: WindowNotices | undefined;
    desk = new HelpDesk({
      events: { tapIssued: (t) => notices!.tapIssued(t), exemptionGranted: (t) => notices!.exemptionGranted(t) },
      userChanged: (id) => {
        graph.diagnoser.userChanged(id);
        userChanges?.mark(id).catch((e) => log({ event: 'userChanges.mark.failed', error: (e as Error).message }));
      },
      graph: graph.client,
      tenantFacts: graph.tenantFacts,
      tickets,
      audit: auditLogFor(config),
      scheduler,
      notifier,
      now,
      helpDeskGroupId: helpDeskConfig.groupId,
      exemptionGroupId: helpDeskConfig.exemptionGroupId,
      exemptionHours: config.helpDesk.exemptionHours,
      // Tickets see what the conversation sees; and the conversation's diagnoses check the
      // exemption remedy against the same group.
      diagnoser: graph.diagnoser,
      whatIf: config.whatIf,
      log,
    });
    if (helpDeskConfig.exemptionGroupId) graph.diagnoser.useExemptionGroup(() => desk!.exemptionGroup());
    notices = new WindowNotices({
      graph: graph.client,
      scheduler,
      sender: noticeSender,
      tickets: desk,
      store: storage,
      now,
      watchedUsers: () => watchedUsers(tickets, campaigns),
      log,
    });
    await notices.startScanning();
    // Exemptions whose removal is overdue are tried again now, on the scheduler's first tick.
    await desk.recoverOverdueRemovals().catch((e) => log({ event: 'exemption.recovery.failed', error: (e as Error).message }));
    helpDesk = { desk, ticketCard, channelId: helpDeskConfig.channelId };
  }

  scheduler.start(config.schedulerTickMs);
  // passkey_exemption_removals_overdue follows removals run by other instances too.
  const overdueGauge = helpDesk ? setInterval(() => void helpDesk.desk.refreshOverdueRemovals().catch(() => undefined), config.schedulerTickMs) : undefined;
  overdueGauge?.unref();
  const endpoint = edge.endpoint({
    storage,
    references,
    helpDesk,
    tenantId: config.tenantId,
    organisation: snapshot?.tenant.displayName,
    playground: config.offline,
    log,
    diagnoser: graph.diagnoser,
    conversation: {
      now,
      log,
      auditCommand: async (userId) => {
        if (!(await campaigns.isAdmin(userId, config.adminGroupId))) return noticeCard({ title: 'The audit is for identity admins', text: 'Only Global, Authentication Policy or Privileged Authentication Administrators (or members of the admin group) can see the tenant audit.' });
        // Offline the tenant is the snapshot the Graph server serves; online, export it first and run npm run audit.
        if (!graph.emulator) return auditInstructionsCard();
        return auditSummaryCard(auditTenant(graph.emulator.snapshot(), { at: now() }));
      },
      campaignCommand: (userId, text) => campaignCommand({ campaigns, graph: graph.client, adminGroupId: config.adminGroupId, now }, userId, text),
      // "That fixed it" is believed only when Graph shows the passkey; the tenant's design shapes the advice.
      passkeyRegistered: (userId, since) => hasAuthenticatorPasskey(graph.client, userId, since),
      tenantFacts: () => graph.tenantFacts.get(),
      personas: config.offline && snapshot ? demoPersonas(snapshot) : undefined,
    },
  });
  const server = createServer({ endpoint, now, ready: readiness(graph, storage, now, config.readinessTimeoutMs) });
  // Local mode has no Bot Framework auth (the Playground sends no JWT): bind to loopback only.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT to another port)` : e.message)),
    );
    server.listen(config.port, config.offline ? '127.0.0.1' : '0.0.0.0', () => resolve());
  });
  // /metrics only when asked for (METRICS_PORT), on its own listener (loopback unless METRICS_HOST).
  const metricsServer = config.metrics ? createMetricsServer() : undefined;
  if (metricsServer && config.metrics) {
    const { port, host } = config.metrics;
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `METRICS_PORT ${port} is already in use` : `METRICS_HOST/METRICS_PORT: ${e.message}`)));
      metricsServer.listen(port, host, () => resolve());
    }).catch(async (e) => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw e;
    });
  }
  const metricsAddress = metricsServer?.address();
  const address = server.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    metricsUrl: metricsAddress && typeof metricsAddress === 'object' ? `http://${metricsAddress.family === 'IPv6' ? `[${metricsAddress.address}]` : metricsAddress.address}:${metricsAddress.port}/metrics` : undefined,
    graph,
    helpDesk: helpDesk?.desk,
    scheduler,
    stop: async () => {
      scheduler.stop();
      if (overdueGauge) clearInterval(overdueGauge);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await graph.close();
      if (storage instanceof FileStorage) await storage.close();
    },
  };
}

/** Users whose TAPs get notices even when issued outside the bot: open tickets, campaign targets. */
async function watchedUsers(tickets: TicketStore, campaigns: Campaigns): Promise<{ userId: string; ticketId: string }[]> {
  const out = new Map<string, string>();
  for (const id of await campaigns.ids()) for (const userId of (await campaigns.get(id))?.targeted ?? []) out.set(userId, `campaign-${id}`);
  for (const id of (await tickets.ids()).slice(-500)) {
    const t = await tickets.get(id);
    if (t && t.status !== 'resolved') out.set(t.requester.aadObjectId, t.id);
  }
  return [...out].map(([userId, ticketId]) => ({ userId, ticketId }));
}

/** Ready = the store takes a write and this instance has read the tenant from Graph (see readinessCheck). */
function readiness(graph: GraphConnection, storage: KeyValueStore, now: () => Date, limitMs: number) {
  return readinessCheck(
    {
      probeStore: () => storage.write({ 'health/probe': { at: now().toISOString(), eTag: '*' } }),
      tenantFacts: graph.tenantFacts,
    },
    limitMs,
  );
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
  // Application Insights before anything serves (nothing at all without its connection string).
  const telemetry = await startTelemetry(config.telemetry, { log: logLine });
  try {
    running = await startBot(config);
  } catch (e) {
    process.stderr.write(`Cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  logLine({
    event: 'started',
    url: `${running.url}/api/messages`,
    sdk: config.botSdk,
    mode: config.offline ? `offline demo (Graph emulator at ${running.graph.emulator?.url}, snapshot ${config.snapshotPath})` : 'online',
  });
  const playground =
    config.offline && process.env.NO_PLAYGROUND !== '1'
      ? startPlayground({ root: process.cwd(), botUrl: running.url, port: Number(process.env.PLAYGROUND_PORT ?? 56150), log: logLine })
      : undefined;
  if (playground) {
    logLine({ event: 'playground', message: `Open ${playground.url} in a browser and say "help" (pick a demo persona on the welcome card).` });
  }
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
