// The help desk and the window notices, wired to each other: the desk tells the notices about the
// TAPs and exemptions it grants, the notices close the desk's tickets when a passkey appears, and
// the desk's channel cards are rendered from the desk itself. Off (undefined) without a help-desk
// group; the offline demo takes its groups and channel from the snapshot.
import type { Config } from '../config';
import { demoHelpDesk } from '../demo/demo-tenant';
import type { TenantSnapshot } from '../snapshot';
import { HelpDesk } from '../helpdesk/helpdesk';
import { ticketCardFor } from '../helpdesk/ticket-card';
import type { TicketStore } from '../helpdesk/ticket-store';
import type { Campaigns } from '../notices/campaign';
import { watchedUsers } from '../notices/watched-users';
import { WindowNotices, type NoticeSender } from '../notices/window-notices';
import type { JobScheduler } from '../scheduler/scheduler';
import { metrics } from '../metrics';
import { auditLogFor } from '../storage/azure-audit-log';
import type { KeyValueStore } from '../storage/key-value';
import type { GraphConnection } from '../support/graph-connection';
import type { UserChanges } from '../support/user-changes';
import type { EdgeMessenger, SupportBotOptions } from '../teams/edge';
import { TeamsHelpDeskNotifier } from '../teams/helpdesk-notifier';
import type { ConversationReferences } from '../delivery/references';
import type { Ticket } from '../tickets/ticket';
import { languageOfLocale, messagesFor, type Messages } from '../i18n';

type Log = (event: Record<string, unknown>) => void;

export interface HelpDeskDeps {
  config: Config;
  snapshot?: TenantSnapshot;
  graph: GraphConnection;
  userChanges?: UserChanges;
  storage: KeyValueStore;
  tickets: TicketStore;
  campaigns: Campaigns;
  scheduler: JobScheduler;
  noticeSender: NoticeSender;
  messenger: EdgeMessenger;
  references: ConversationReferences;
  now: () => Date;
  log: Log;
}

export interface RunningHelpDesk {
  /** What the edge needs for agent actions on ticket cards. */
  edge: NonNullable<SupportBotOptions['helpDesk']>;
  desk: HelpDesk;
  stop(): void;
}

export async function startHelpDesk(d: HelpDeskDeps): Promise<RunningHelpDesk | undefined> {
  const { config, graph, now, log } = d;
  const settings = config.offline && d.snapshot ? { ...demoHelpDesk(d.snapshot), ...definedOnly(config.helpDesk) } : config.helpDesk;
  const groupId = settings.groupId;
  if (!groupId) return undefined;
  // The notifier renders ticket cards from the desk it posts for, and the desk tells the notices
  // (built on the desk) what it granted: each closure runs only once both exist (constructor order).
  // The help desk reads its cards and replies in one language (HELPDESK_LOCALE), built once here.
  const deskMessages: Messages = messagesFor(languageOfLocale(config.helpDesk.locale));
  const ticketCard = (ticket: Ticket, m: Messages = deskMessages) => ticketCardFor(desk, ticket, now, m);
  const notifier = new TeamsHelpDeskNotifier({ messenger: d.messenger, tenantId: config.tenantId, references: d.references, channelId: settings.channelId, webhookUrl: settings.webhookUrl, ticketCard, deskMessages, log });
  const desk: HelpDesk = new HelpDesk({
    events: { tapIssued: (t) => notices.tapIssued(t), exemptionGranted: (t) => notices.exemptionGranted(t) },
    userChanged: (id) => {
      graph.diagnoser.userChanged(id);
      d.userChanges?.mark(id).catch((e) => log({ event: 'userChanges.mark.failed', error: (e as Error).message }));
    },
    graph: graph.client,
    tenantFacts: graph.tenantFacts,
    tickets: d.tickets,
    audit: auditLogFor(config),
    scheduler: d.scheduler,
    notifier,
    now,
    helpDeskGroupId: groupId,
    exemptionGroupId: settings.exemptionGroupId,
    exemptionHours: config.helpDesk.exemptionHours,
    timeZone: config.helpDesk.timeZone,
    messages: deskMessages,
    // Tickets see what the conversation sees; and the conversation's diagnoses check the
    // exemption remedy against the same group.
    diagnoser: graph.diagnoser,
    whatIf: config.whatIf,
    log,
    metrics,
  });
  if (settings.exemptionGroupId) graph.diagnoser.useExemptionGroup(() => desk.exemptionGroup());
  const notices: WindowNotices = new WindowNotices({
    graph: graph.client,
    scheduler: d.scheduler,
    sender: d.noticeSender,
    tickets: desk,
    store: d.storage,
    now,
    watchedUsers: () => watchedUsers(d.tickets, d.campaigns),
    log,
    metrics,
  });
  await notices.startScanning();
  // Exemptions whose removal is overdue are tried again now, on the scheduler's first tick.
  await desk.recoverOverdueRemovals().catch((e) => log({ event: 'exemption.recovery.failed', error: (e as Error).message }));
  // passkey_exemption_removals_overdue follows removals run by other instances too.
  const overdueGauge = setInterval(() => void desk.refreshOverdueRemovals().catch(() => undefined), config.schedulerTickMs);
  overdueGauge.unref();
  return { edge: { desk, ticketCard, channelId: settings.channelId }, desk, stop: () => clearInterval(overdueGauge) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
