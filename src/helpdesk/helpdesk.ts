// The help desk: opens tickets and carries out agent actions — take, issue a Temporary Access
// Pass, grant a time-boxed exemption, resolve, reopen — authorised (help-desk group, checked
// through Graph), audited, and exactly once per ticket even under double clicks and retries.
// It talks to Teams only through the HelpDeskNotifier port, so it never imports botbuilder.
//
// Guarantees beyond "exactly once":
// - removing an exemption is a security control: a stored job retried until it succeeds, every
//   failure after the first on the card and in the thread, overdue ones counted in
//   passkey_exemption_removals_overdue and tried again at start-up (exemptions.ts);
// - a TAP is recorded (ticket and audit, never the value) before it is delivered; one that cannot
//   be delivered is deleted; a pass Graph holds that the ticket does not know is reported, never
//   silently replaced; a request that timed out is checked against Graph before anyone is told
//   (tap-issuance.ts);
// - an audit line that cannot be written is kept, written with the next one, and said on the ticket
//   (audit-writer.ts); every change is on the ticket, then audited, then on the card and told to the
//   requester (ticket-changes.ts);
// - a ticket whose channel post fails is posted by a stored job, and the requester is told
//   (channel-post.ts); a failure not yet in the sign-in log is looked for again (sign-in-relook.ts);
// - agents cannot issue a pass or an exemption to themselves (another agent must);
// - what an agent may do is one pure decision (decide.ts), made against the requester read from
//   Graph at that moment: a TAP or an exemption that would not clear the block is never offered
//   as the fix, and is carried out only from the card's warned form;
// - after a remedy is applied the requester is diagnosed again with it in place, and told what
//   that found — once: the TAP's delivery, or the exemption's notice, is the one message;
// - a follow-up from the requester reaches the ticket: history, transcript and a thread line
//   (requester-replies.ts).
//
// This class is the public face: it opens tickets, answers what the cards and notices ask, and
// wires the parts above and agent-actions.ts (each gets what it needs, by name). The stored jobs
// keep their kinds and ids, so jobs stored by earlier versions still run.
import { english, type Messages } from '../i18n';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Diagnosis, ExemptionGroup, TenantFacts } from '../diagnosis';
import { odataType } from '../diagnosis';
import type { TenantFactsCache } from '../graph';
import type { JobScheduler } from '../scheduler/scheduler';
import type { Counters } from '../metrics';
import { KeyedMutex } from '../storage/key-value';
import type { AuditLog } from './audit-trail';
import { AuditWriter } from './audit-writer';
import { ChannelPost } from './channel-post';
import { SignInRelooks } from './sign-in-relook';
import { TicketChanges } from './ticket-changes';
import { Exemptions } from './exemptions';
import { TapIssuance } from './tap-issuance';
import { RequesterReplies } from './requester-replies';
import { AgentActions } from './agent-actions';
import { BOT, correlationOf, reasonOf, TICKET_ID, type Log } from './desk-kit';
import type { ActionOutcome, HelpDeskNotifier } from './ports';
import type { AgentInputs, AgentVerb, TapPolicy } from './decide';
import { checkAfter, checkRequester, contextOf, type CheckDeps, type DiagnoserPort } from './requester-check';
import { newTicketId, type FollowUp, type Person, type Ticket, type TranscriptEntry } from '../tickets/ticket';
import type { TicketStore } from './ticket-store';
import type { NoticeKind, NoticePayload, WindowFacts } from '../notices/window-notices';

export type { AgentInputs, AgentVerb, TapPolicy } from './decide';

export type { ActionOutcome, HelpDeskNotifier, RequesterUpdate, TapIssued } from './ports';
export { afterSentence, blockerList } from './after-check-lines';

export interface HelpDeskOptions {
  graph: Client;
  tenantFacts: TenantFactsCache;
  tickets: TicketStore;
  audit: AuditLog;
  scheduler: JobScheduler;
  notifier: HelpDeskNotifier;
  now: () => Date;
  /** Members of this group (transitively) may act on tickets. */
  helpDeskGroupId: string;
  /** Users are added to this group for a temporary exemption; no exemptions when absent. */
  exemptionGroupId?: string;
  exemptionHours?: number[];
  /** Told after a TAP is issued or an exemption granted (window notices hang off these). */
  events?: { tapIssued?(ticket: Ticket): Promise<void>; exemptionGranted?(ticket: Ticket): Promise<void> };
  /** Told when the bot changed this user in Entra (TAP issued, exemption added or removed). */
  userChanged?(aadObjectId: string): void;
  /**
   * The bot's diagnoser, so tickets see what the conversation sees (What If included). Absent:
   * the engine runs on facts read here (local evaluation).
   */
  diagnoser?: DiagnoserPort & { readExemptionGroup?(groupId: string): Promise<ExemptionGroup> };
  /** Ask Conditional Access What If when checking a remedy just applied (WHAT_IF; default: with a diagnoser). */
  whatIf?: boolean;
  log?: (event: Record<string, unknown>) => void;
  /** Counts escalations, TAPs issued, exemptions granted and overdue removals (the root passes the process's metrics). */
  metrics?: Counters;
  /** The help desk's time zone (HELPDESK_TIMEZONE): thread and history lines show times in it; default UTC. */
  timeZone?: string;
  /** The help desk's words (HELPDESK_LOCALE): agents' replies, refusals and thread lines; English by default. */
  messages?: Messages;
}


export class HelpDesk {
  private readonly mutex = new KeyedMutex();
  private readonly facts: TenantFactsCache;
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly now: () => Date;
  private readonly log: Log;
  private readonly metrics: Counters;
  /** How a requester is diagnosed (the bot's diagnoser, or the engine on facts read here). */
  private readonly checks: CheckDeps;
  private readonly auditWriter: AuditWriter;
  private readonly changes: TicketChanges;
  private readonly channelPost: ChannelPost;
  private readonly signIns: SignInRelooks;
  private readonly exemptions: Exemptions;
  private readonly taps: TapIssuance;
  private readonly replies: RequesterReplies;
  private readonly agents: AgentActions;

  /** The help desk's time zone (HELPDESK_TIMEZONE): the ticket card and thread lines show times in it. */
  readonly timeZone: string | undefined;
  /** The help desk's words (HELPDESK_LOCALE). */
  readonly messages: Messages;

  /** Each part registers its stored jobs with the scheduler (kinds and ids as before: stored jobs still run). */
  constructor(o: HelpDeskOptions) {
    this.timeZone = o.timeZone;
    const { graph, tenantFacts, tickets, scheduler, notifier, now, events, timeZone } = o;
    const m = (this.messages = o.messages ?? english());
    const log: Log = o.log ?? (() => undefined);
    const userChanged = o.userChanged ?? (() => undefined);
    const metrics: Counters = (this.metrics = o.metrics ?? { inc: () => undefined, set: () => undefined });
    const mutex = this.mutex;
    this.facts = tenantFacts;
    this.tickets = tickets;
    this.notifier = notifier;
    this.now = now;
    this.log = log;
    this.checks = { graph, tenantFacts, diagnoser: o.diagnoser, exemptionGroup: () => this.exemptions.group(), ...(o.whatIf !== undefined ? { whatIf: o.whatIf } : {}) };
    const checks = this.checks;
    const auditWriter = (this.auditWriter = new AuditWriter({ log: o.audit, tickets, notifier, now, mutex, events: log, timeZone, m }));
    const changes = (this.changes = new TicketChanges({ tickets, notifier, auditWriter, log }));
    this.exemptions = new Exemptions({ graph, tickets, notifier, scheduler, now, mutex, auditWriter, changes, checks, groupId: o.exemptionGroupId, hours: o.exemptionHours, diagnoser: o.diagnoser, events, userChanged, log, metrics, timeZone, m });
    this.channelPost = new ChannelPost({ tickets, notifier, scheduler, now, mutex, auditWriter, log, timeZone, m });
    this.taps = new TapIssuance({ graph, tickets, notifier, scheduler, now, mutex, auditWriter, changes, checks, events, userChanged, log, metrics, timeZone, m });
    this.replies = new RequesterReplies({ tickets, notifier, now, mutex, auditWriter, checks, log, desk: m });
    this.signIns = new SignInRelooks({ tickets, notifier, scheduler, now, mutex, tenantFacts, checks, log, timeZone, m });
    this.agents = new AgentActions({ graph, tickets, notifier, now, mutex, auditWriter, changes, checks, helpDeskGroupId: o.helpDeskGroupId, tapPolicy: () => this.tapPolicy(), exemptions: this.exemptions, taps: this.taps, signIns: this.signIns, log, m, timeZone });
  }

  /** Display name of the exemption group, for the ticket card. */
  exemptionGroupName(): Promise<string | undefined> {
    return this.exemptions.groupName();
  }

  /**
   * The exemption group with the groups it is nested in (so the exemption remedy is checked
   * exactly), read once and again after a few minutes; undefined while it cannot be read.
   */
  exemptionGroup(): Promise<ExemptionGroup | undefined> {
    return this.exemptions.group();
  }

  get exemptionHours(): number[] | undefined {
    return this.exemptions.hours;
  }

  /** At start-up: overdue exemption removals are tried again now, missing removal jobs stored again. */
  recoverOverdueRemovals(): Promise<number> {
    return this.exemptions.recoverOverdueRemovals();
  }

  /** passkey_exemption_removals_overdue, read from the scheduler (shared by every instance). */
  refreshOverdueRemovals(current?: { jobId: string; failed: boolean }): Promise<number> {
    return this.exemptions.refreshOverdueRemovals(current);
  }

  /** Opens a ticket and posts it to the help-desk channel (or stores a job that retries the post). */
  async open(input: {
    requester: Person;
    reason: Ticket['reason'];
    diagnosis: Diagnosis | null;
    errorIds: Ticket['errorIds'];
    transcript: TranscriptEntry[];
  }): Promise<Ticket> {
    const at = this.now();
    const now = at.toISOString();
    let id = newTicketId();
    while (await this.tickets.get(id)) id = newTicketId();
    const ticket: Ticket = {
      id,
      createdAt: now,
      status: 'open',
      requester: input.requester,
      reason: input.reason,
      diagnosis: input.diagnosis,
      errorIds: input.errorIds,
      transcript: input.transcript.slice(-30),
      history: [{ at: now, by: input.requester.name, text: this.messages.t('desk.line.asked', { name: input.requester.name, tap: input.reason === 'requestTap' ? 'yes' : 'no' }) }],
    };
    // What works for this requester, checked before anyone sees the ticket (facts read in the
    // last minute will do here; an agent's action reads them afresh). A ticket opened without a
    // diagnosis (a notice's button) gets the bot's own, for an Android phone unless told.
    const { context, assumed } = contextOf(ticket, at);
    const correlationId = correlationOf(ticket);
    let relookAt: Date[] = [];
    try {
      const checked = await checkRequester(this.checks, input.requester.aadObjectId, context, { fresh: false, assumed, ...(correlationId ? { correlationId } : {}) });
      ticket.check = checked.check;
      if (!ticket.diagnosis) ticket.diagnosis = checked.diagnosis;
      // The sign-in log: the failure on the card, or (not there yet: sign-ins arrive after
      // minutes) stored looks at it again 5 and 15 minutes after the report.
      relookAt = await this.signIns.atOpen(ticket, checked.diagnosis.observed, correlationId, at);
    } catch (e) {
      ticket.checkError = { at: now, error: reasonOf(e) };
      this.log({ event: 'ticket.check.failed', ticket: id, error: reasonOf(e) });
    }
    await this.tickets.create(ticket);
    await this.channelPost.first(ticket, at);
    await this.tickets.put(ticket);
    await this.signIns.schedule(id, relookAt);
    const audited = await this.auditWriter.write({ at: now, actor: { aadObjectId: input.requester.aadObjectId, name: input.requester.name }, action: 'open', ticketId: id, outcome: 'done' });
    if (!audited.written) {
      this.auditWriter.noteGap(ticket, now, 'ticket opened', audited.error);
      await this.tickets.put(ticket);
    }
    this.metrics.inc('passkey_escalations_total');
    return ticket;
  }

  ticket(id: string): Promise<Ticket | undefined> {
    return TICKET_ID.test(id) ? this.tickets.get(id) : Promise.resolve(undefined);
  }

  openTicketOf(aadObjectId: string): Promise<Ticket | undefined> {
    return this.tickets.openTicketOf(aadObjectId);
  }

  /** The tenant's facts as last read (cached), for what the ticket card says about the tenant. */
  tenantFacts(): Promise<TenantFacts> {
    return this.facts.get();
  }

  async tapPolicy(): Promise<TapPolicy> {
    const facts = await this.facts.get();
    const c = facts.methodConfigurations.find((m) => odataType(m) === 'temporaryAccessPassAuthenticationMethodConfiguration') as
      | { state?: string; minimumLifetimeInMinutes?: number; maximumLifetimeInMinutes?: number; defaultLifetimeInMinutes?: number; isUsableOnce?: boolean }
      | undefined;
    const min = c?.minimumLifetimeInMinutes ?? 60;
    const max = c?.maximumLifetimeInMinutes ?? 480;
    return {
      enabled: c?.state === 'enabled',
      minLifetime: min,
      maxLifetime: max,
      defaultLifetime: Math.min(max, Math.max(min, c?.defaultLifetimeInMinutes ?? 60)),
      forcedOneTime: c?.isUsableOnce === true,
    };
  }

  /** Lifetimes an agent may choose: the policy's bounds and default, and round hours between. */
  static lifetimes(policy: TapPolicy): number[] {
    const candidates = [policy.minLifetime, policy.defaultLifetime, 60, 120, 240, 480, policy.maxLifetime];
    return [...new Set(candidates.filter((m) => m >= policy.minLifetime && m <= policy.maxLifetime))].sort((a, b) => a - b);
  }

  /** Whether this person is in the help-desk group (transitively), as Graph says; remembered two minutes. */
  isAgent(aadObjectId: string): Promise<boolean> {
    return this.agents.isAgent(aadObjectId);
  }

  /** An agent's action on a ticket. Serialised per ticket, so the second click sees the first. */
  act(ticketId: string, agent: Person, verb: AgentVerb, inputs: AgentInputs = {}): Promise<ActionOutcome> {
    return this.agents.act(ticketId, agent, verb, inputs);
  }

  // ---- the rest -----------------------------------------------------------------------------

  /** The bot saw the passkey registered: close the ticket and say so in the channel (`note`: the help desk's words by default). */
  async resolveByBot(ticketId: string, note = this.messages.t('desk.resolution.passkeyRegistered')): Promise<void> {
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      if (!ticket || ticket.status === 'resolved') return;
      const at = this.now().toISOString();
      ticket.status = 'resolved';
      ticket.resolution = { by: BOT, at, note };
      await this.signIns.stop(ticket);
      const line = this.messages.t('desk.line.resolvedByBot', { note });
      ticket.history.push({ at, by: BOT.name, text: line });
      await this.tickets.put(ticket);
      const audited = await this.auditWriter.write({ at, actor: { aadObjectId: BOT.aadObjectId, name: BOT.name }, action: 'resolve', ticketId, outcome: 'done', detail: note });
      const gap = audited.written ? '' : `. ${this.auditWriter.noteGap(ticket, at, line, audited.error)}`;
      if (gap) await this.tickets.put(ticket);
      await this.notifier.ticketChanged(ticket, `${line}${gap}`).catch(() => undefined);
    });
  }

  /** The requester answers "Did this fix it?". */
  requesterAnswer(ticketId: string, requester: Person, fixed: boolean, m?: Messages): Promise<ActionOutcome> {
    return this.replies.answer(ticketId, requester, fixed, m);
  }

  /** The requester wrote again while their ticket is open: added to it, with the requester checked again. */
  followUp(ticketId: string, requester: Person, said: FollowUp, m?: Messages): Promise<ActionOutcome> {
    return this.replies.followUp(ticketId, requester, said, m);
  }

  /**
   * For a window notice: who holds this pass's value (the bot delivered it; it never reached the
   * requester; or it came from elsewhere), and whether it gets them through — from the check made
   * when the bot issued it, otherwise by diagnosing them now with it in place.
   */
  async windowFacts(kind: NoticeKind, p: NoticePayload): Promise<WindowFacts> {
    const ticket = TICKET_ID.test(p.ticketId) ? await this.tickets.get(p.ticketId) : undefined;
    let tapValue: WindowFacts['tapValue'];
    if (kind.startsWith('tap.')) {
      const tap = ticket?.tap && ticket.tap.start === p.start ? ticket.tap : undefined;
      if (tap) tapValue = tap.delivery === 'failed' || tap.revokedAt ? 'never' : tap.delivery === 'delivered' || tap.delivery === undefined ? 'bot' : 'uncertain';
      else if (ticket?.unknownTap && ticket.unknownTap.start === p.start && ticket.unknownTap.afterCrash) tapValue = 'never';
      else tapValue = 'elsewhere';
      if (tap?.after?.clears !== undefined) return { tapValue, through: tap.after.clears, blocking: tap.after.blocking };
    }
    // A pass is judged while it is valid (at its end it no longer is); an exemption while it lasts.
    const now = this.now();
    const at = kind === 'tap.end' ? new Date(Math.min(now.getTime(), Date.parse(p.end) - 60_000)) : now;
    const after = await checkAfter(this.checks, p.userId, contextOf(ticket ?? { diagnosis: null }, at).context);
    return { ...(tapValue ? { tapValue } : {}), ...(after.clears !== undefined ? { through: after.clears, blocking: after.blocking } : {}) };
  }
}
