// Temporary Access Passes: issued by an agent, delivered to the requester alone. Invariants:
// - Graph is read first: a usable pass this ticket did not issue is reported (card, thread,
//   audit), never silently replaced — it may be in the requester's hands, or the one a crashed
//   run created; an old one (expired, used, or this ticket's undeliverable one) is replaced;
// - the request is stored on the ticket, with a stored check (kind 'tapCheck', id
//   'tapcheck-<ticket>'), before Graph is asked: should the bot stop before the answer is
//   recorded, the check finds the pass and reports it;
// - a create that timed out (or failed with 5xx) is checked against Graph before anyone is told:
//   a pass that landed without its value reaching the bot is deleted;
// - the pass is recorded — ticket and audit, with its window, never its value — before the value
//   goes anywhere; the value goes to the requester's personal chat only, in the one message they
//   get about it, which says what the check with the pass in place found;
// - a pass that cannot be delivered is deleted (nobody may hold a pass nobody was given); a
//   deletion that fails is retried by a stored job (kind 'revokeTap', id 'tap-revoke-<ticket>')
//   until done. Jobs stored by earlier versions run unchanged.
import { english, type Messages } from '../i18n';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createTemporaryAccessPass, deleteTemporaryAccessPass, GraphReadError, readAll } from '../graph';
import type { Counters } from '../metrics';
import { retryDelayMs, type Job, type JobScheduler } from '../scheduler/scheduler';
import type { KeyedMutex } from '../storage/key-value';
import { type Person, type Ticket } from '../tickets/ticket';
import { afterSentence } from './after-check-lines';
import type { AuditWriter } from './audit-writer';
import type { Decision } from './decide';
import { BOT, BOT_ACTOR, reasonOf, UNTIL_DONE, type Audit, type Log } from './desk-kit';
import type { ActionOutcome, HelpDeskNotifier } from './ports';
import { checkAfter, contextOf, type CheckDeps } from './requester-check';
import type { TicketChanges } from './ticket-changes';
import type { TicketStore } from './ticket-store';
import { clockTime, timeWindow } from '../cards/time-words';

const TAP_CHECK = 'tapCheck';
const REVOKE_TAP = 'revokeTap';
/** When the stored check of an unfinished TAP request runs (the request itself takes seconds). */
const TAP_CHECK_AFTER_MS = 2 * 60_000;

/** A Temporary Access Pass as Graph lists it (never with its value). */
interface GraphTap {
  id: string;
  createdDateTime?: string;
  startDateTime?: string;
  lifetimeInMinutes?: number;
  isUsable?: boolean;
  methodUsabilityReason?: string;
}

export interface TapIssuanceDeps {
  /** The help desk's time zone (HELPDESK_TIMEZONE): times in thread lines are shown in it; default UTC. */
  timeZone?: string;
  graph: Client;
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  scheduler: JobScheduler;
  now: () => Date;
  mutex: KeyedMutex;
  auditWriter: AuditWriter;
  changes: TicketChanges;
  checks: CheckDeps;
  /** Told after a TAP is issued (its window notices hang off this). */
  events?: { tapIssued?(ticket: Ticket): Promise<void> };
  userChanged: (aadObjectId: string) => void;
  log: Log;
  /** The help desk's words (HELPDESK_LOCALE) for replies and thread lines; English by default. */
  m?: Messages;
  metrics: Counters;
}

export class TapIssuance {
  private readonly graph: Client;
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly scheduler: JobScheduler;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly auditWriter: AuditWriter;
  private readonly changes: TicketChanges;
  private readonly checks: CheckDeps;
  private readonly events: TapIssuanceDeps['events'];
  private readonly userChanged: (aadObjectId: string) => void;
  private readonly log: Log;

  private readonly metrics: Counters;

  private readonly zone: string | undefined;
  private readonly m: Messages;

  constructor(deps: TapIssuanceDeps) {
    this.zone = deps.timeZone;
    this.m = deps.m ?? english();
    this.graph = deps.graph;
    this.metrics = deps.metrics;
    this.tickets = deps.tickets;
    this.notifier = deps.notifier;
    this.scheduler = deps.scheduler;
    this.now = deps.now;
    this.mutex = deps.mutex;
    this.auditWriter = deps.auditWriter;
    this.changes = deps.changes;
    this.checks = deps.checks;
    this.events = deps.events;
    this.userChanged = deps.userChanged;
    this.log = deps.log;
    deps.scheduler.on(TAP_CHECK, (job) => this.checkRequest(job), UNTIL_DONE);
    deps.scheduler.on(REVOKE_TAP, (job) => this.revokeUndelivered(job), UNTIL_DONE);
  }

  async issue(ticket: Ticket, agent: Person, at: Date, audit: Audit, lifetime: number, oneTime: boolean, decision: Decision): Promise<ActionOutcome> {
    const name = ticket.requester.name;
    const userId = ticket.requester.aadObjectId;
    // What Graph holds now. A usable pass this ticket did not issue is reported, never replaced:
    // it may be in the requester's hands (issued in the admin center), or the one a crashed run created.
    let existing: GraphTap[];
    try {
      existing = await this.listTaps(userId);
    } catch (e) {
      await audit('failed', `reading the existing passes: ${reasonOf(e)}`);
      return { outcome: 'failed', ticket, message: this.m.t('desk.tap.checkFailed', { name, error: reasonOf(e) }) };
    }
    const known = new Set([ticket.tap?.methodId].filter(Boolean));
    const unknown = existing.find((m) => !known.has(m.id) && tapInUse(m, at));
    if (unknown) return this.reportUnknownTap(ticket, at, audit, unknown, false);
    if (ticket.unknownTap) ticket.unknownTap = undefined; // deleted meanwhile (the agent did what the card said)
    // Graph holds one pass per user: an old one (expired, used, or this ticket's undeliverable one) is replaced.
    try {
      for (const old of existing) await deleteTemporaryAccessPass(this.graph, userId, old.id);
    } catch (e) {
      await audit('failed', `deleting the old pass: ${reasonOf(e)}`);
      return { outcome: 'failed', ticket, message: this.m.t('desk.tap.deleteOldFailed', { name, error: reasonOf(e) }) };
    }

    // Stored before Graph is asked: should the bot stop before the answer is recorded, the stored
    // check finds the pass and reports it on the card.
    ticket.tapRequest = { by: agent, at: at.toISOString(), lifetime, oneTime };
    await this.tickets.put(ticket);
    const checkJob = tapCheckJobId(ticket.id);
    await this.scheduler.schedule({ id: checkJob, kind: TAP_CHECK, dueAt: new Date(at.getTime() + TAP_CHECK_AFTER_MS).toISOString(), payload: { ticketId: ticket.id, requestedAt: at.toISOString() } });
    try {
      return await this.createAndDeliver(ticket, agent, at, audit, lifetime, oneTime, decision);
    } finally {
      // Settled here, unless Graph could not even be asked afterwards (then the stored check settles it).
      if (!ticket.tapRequest) await this.scheduler.cancel(checkJob).catch((e: Error) => this.log({ event: 'tap.check.cancel-failed', ticket: ticket.id, error: e.message }));
    }
  }

  private async createAndDeliver(ticket: Ticket, agent: Person, at: Date, audit: Audit, lifetime: number, oneTime: boolean, decision: Decision): Promise<ActionOutcome> {
    const userId = ticket.requester.aadObjectId;
    let created;
    try {
      // No startDateTime: the pass starts when Graph creates it (a client clock could be behind).
      created = await createTemporaryAccessPass(this.graph, userId, { lifetimeInMinutes: lifetime, isUsableOnce: oneTime });
    } catch (e) {
      this.userChanged(userId); // even a failed call may have landed
      if (!mayHaveLanded(e)) {
        ticket.tapRequest = undefined;
        await this.tickets.put(ticket);
        await audit('failed', reasonOf(e));
        return { outcome: 'failed', ticket, message: this.m.t('desk.tap.refused', { error: reasonOf(e) }) };
      }
      return this.settleUncertainCreate(ticket, at, audit, e);
    }
    this.userChanged(userId);
    const start = new Date(created.startDateTime ?? at.toISOString()).toISOString();
    const end = new Date(Date.parse(start) + (created.lifetimeInMinutes ?? lifetime) * 60_000).toISOString();
    // Before the requester is told anything: diagnosed again with the pass in place (a crash
    // meanwhile is covered by the stored check of the request, as for the create itself).
    const after = await checkAfter(this.checks, userId, contextOf(ticket, at).context);
    ticket.tap = { by: agent, at: at.toISOString(), start, end, oneTime: created.isUsableOnce ?? oneTime, methodId: created.id ?? '', delivery: 'sending', after };
    ticket.tapRequest = undefined;
    if (!ticket.assignee) {
      ticket.assignee = agent;
      ticket.status = 'taken';
    }
    // Recorded — ticket and audit, with the window, never the value — before the value goes anywhere.
    const line = this.m.t('desk.line.tapIssued', {
      agent: agent.name,
      window: timeWindow(start, end, this.zone, this.m.locale),
      oneTime: ticket.tap.oneTime ? 'yes' : 'no',
      warned: decision.allowed && decision.warned ? 'yes' : 'no',
    });
    const afterLine = afterSentence(ticket.requester.name, 'pass', after, this.m);
    ticket.history.push({ at: at.toISOString(), by: agent.name, text: line }, { at: at.toISOString(), by: BOT.name, text: afterLine });
    await this.tickets.put(ticket);
    const audited = await audit('done', line);
    const gap = audited.written ? '' : `. ${this.auditWriter.noteGap(ticket, at.toISOString(), line, audited.error)}`;

    try {
      // The value goes to the requester alone; the ticket, the channel and the audit get the window.
      // This card is the one message the requester gets about the pass (it says what the check found).
      await this.notifier.deliverTap(ticket, { value: created.temporaryAccessPass ?? '', start, end, oneTime: ticket.tap.oneTime, after });
    } catch (e) {
      return this.undeliverable(ticket, at, audit, reasonOf(e), `${line}${gap}`);
    }
    ticket.tap.delivery = 'delivered';
    await this.tickets.put(ticket);
    this.metrics.inc('passkey_taps_issued_total');
    const result = await this.changes.record(ticket, at, audit, agent, `${line}${gap}. ${afterLine}`, undefined, true);
    await this.events?.tapIssued?.(ticket).catch((e) => this.log({ event: 'notices.schedule.failed', ticket: ticket.id, error: (e as Error).message }));
    return result;
  }

  /** The pass could not reach the requester: nobody may hold a pass nobody was given, so it is deleted. */
  private async undeliverable(ticket: Ticket, at: Date, audit: Audit, error: string, issuedLine: string): Promise<ActionOutcome> {
    const tap = ticket.tap!;
    const name = ticket.requester.name;
    tap.delivery = 'failed';
    tap.deliveryError = error;
    let line: string;
    try {
      await deleteTemporaryAccessPass(this.graph, ticket.requester.aadObjectId, tap.methodId);
      tap.revokedAt = this.now().toISOString();
      line = this.m.t('desk.line.undeliveredDeleted', { name, error });
    } catch (e) {
      tap.revokeError = reasonOf(e);
      line = this.m.t('desk.line.undeliveredDeleteFailed', { name, error, revokeError: tap.revokeError });
      await this.scheduler
        .schedule({ id: revokeJobId(ticket.id), kind: REVOKE_TAP, dueAt: new Date(at.getTime() + retryDelayMs(1, UNTIL_DONE)).toISOString(), payload: { ticketId: ticket.id, methodId: tap.methodId } })
        .catch((se: Error) => this.log({ event: 'tap.revoke.not-stored', ticket: ticket.id, error: se.message }));
    } finally {
      this.userChanged(ticket.requester.aadObjectId);
    }
    ticket.history.push({ at: at.toISOString(), by: BOT.name, text: line });
    await this.tickets.put(ticket);
    this.log({ event: 'tap.undeliverable', ticket: ticket.id, error });
    const audited = await this.auditWriter.write({ at: at.toISOString(), actor: { aadObjectId: tap.by.aadObjectId, name: tap.by.name }, action: 'deliverTap', ticketId: ticket.id, outcome: 'failed', detail: line });
    const gap = audited.written ? '' : ` ${this.auditWriter.noteGap(ticket, at.toISOString(), line, audited.error)}.`;
    if (gap) await this.tickets.put(ticket);
    await this.notifier.ticketChanged(ticket, `${issuedLine}. ${line}.${gap}`).catch((e) => this.log({ event: 'ticket.update.failed', ticket: ticket.id, error: (e as Error).message }));
    return {
      outcome: 'failed',
      ticket,
      message: `${line}.${gap} ${this.m.t('desk.tap.askReopen', { name })}`,
    };
  }

  /** The create request failed without a clear answer (timeout, 5xx): Graph is asked what it holds before anyone is told. */
  private async settleUncertainCreate(ticket: Ticket, at: Date, audit: Audit, error: unknown): Promise<ActionOutcome> {
    const name = ticket.requester.name;
    const userId = ticket.requester.aadObjectId;
    let landed: GraphTap[];
    try {
      landed = (await this.listTaps(userId)).filter((m) => tapInUse(m, at));
    } catch (e) {
      // Still unknown: the request stays on the ticket and the stored check settles it later.
      await audit('failed', `${reasonOf(error)}; checking Graph afterwards failed too: ${reasonOf(e)}`);
      return {
        outcome: 'failed',
        ticket,
        message: this.m.t('desk.tap.noAnswer', { error: reasonOf(error) }),
      };
    }
    ticket.tapRequest = undefined;
    let line: string;
    if (landed.length === 0) {
      line = this.m.t('desk.line.issueFailedNone', { error: reasonOf(error) });
    } else {
      // Created, but its value never reached the bot: no one can be given it. Delete it.
      try {
        for (const m of landed) await deleteTemporaryAccessPass(this.graph, userId, m.id);
        line = this.m.t('desk.line.createdDeleted', { error: reasonOf(error) });
      } catch (e) {
        const m = landed[0];
        const w = graphTapWindow(m);
        ticket.unknownTap = { methodId: m.id, createdAt: m.createdDateTime, start: w.start, end: w.end, foundAt: at.toISOString(), afterCrash: true };
        line = this.m.t('desk.line.createdDeleteFailed', { error: reasonOf(error), deleteError: reasonOf(e) });
      } finally {
        this.userChanged(userId);
      }
    }
    ticket.history.push({ at: at.toISOString(), by: BOT.name, text: line });
    await this.tickets.put(ticket);
    const audited = await audit('failed', line);
    const gap = audited.written ? '' : ` ${this.auditWriter.noteGap(ticket, at.toISOString(), line, audited.error)}.`;
    if (gap) await this.tickets.put(ticket);
    await this.notifier.ticketChanged(ticket, `${line}.${gap}`).catch((e) => this.log({ event: 'ticket.update.failed', ticket: ticket.id, error: (e as Error).message }));
    return { outcome: 'failed', ticket, message: `${line}.${gap}${ticket.unknownTap ? '' : ` ${this.m.t('desk.tap.pressAgain', { name, button: this.m.t('ticketCard.button.tapShow') })}`}` };
  }

  private async reportUnknownTap(ticket: Ticket, at: Date, audit: Audit, found: GraphTap, afterCrash: boolean): Promise<ActionOutcome> {
    const w = graphTapWindow(found);
    const first = ticket.unknownTap?.methodId !== found.id;
    const crashed =
      afterCrash ||
      (!first && ticket.unknownTap!.afterCrash) ||
      (!!ticket.tapRequest && Date.parse(found.createdDateTime ?? w.start) >= Date.parse(ticket.tapRequest.at) - 60_000);
    ticket.unknownTap = { methodId: found.id, createdAt: found.createdDateTime, start: w.start, end: w.end, foundAt: at.toISOString(), afterCrash: crashed };
    const message = unknownTapMessage(ticket, this.zone, this.m);
    if (first) {
      const line = unknownTapLine(ticket, this.zone, this.m);
      ticket.history.push({ at: at.toISOString(), by: BOT.name, text: line });
      await this.tickets.put(ticket);
      await audit('refused', line);
      await this.notifier.ticketChanged(ticket, line).catch((e) => this.log({ event: 'ticket.update.failed', ticket: ticket.id, error: (e as Error).message }));
    } else {
      await this.tickets.put(ticket);
      await audit('refused', 'a pass this ticket did not issue is still in Graph');
    }
    return { outcome: 'refused', ticket, message };
  }

  /**
   * The stored check of a TAP request: runs only if the run that asked Graph never recorded the
   * outcome (the bot stopped). A pass found is reported on the card; none found, the request is closed.
   */
  private async checkRequest(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      if (!ticket) return;
      const at = this.now();
      const audit: Audit = (outcome, detail) => this.auditWriter.write({ at: at.toISOString(), actor: BOT_ACTOR, action: 'checkTap', ticketId, outcome, detail });
      if (ticket.tap?.delivery === 'sending' && ticket.tap.at === job.payload.requestedAt) {
        // Recorded, then the bot stopped while sending it: it may or may not have arrived.
        ticket.tap.delivery = 'unconfirmed';
        const line = this.m.t('desk.line.stoppedSending', { name: ticket.requester.name });
        ticket.history.push({ at: at.toISOString(), by: BOT.name, text: line });
        await this.tickets.put(ticket);
        await audit('failed', line);
        await this.notifier.ticketChanged(ticket, line).catch(() => undefined);
        return;
      }
      if (!ticket.tapRequest || ticket.tapRequest.at !== job.payload.requestedAt) return; // finished normally
      const found = (await this.listTaps(ticket.requester.aadObjectId)).find((m) => tapInUse(m, at) && m.id !== ticket.tap?.methodId);
      if (found) {
        await this.reportUnknownTap(ticket, at, audit, found, true);
        ticket.tapRequest = undefined;
        await this.tickets.put(ticket);
        return;
      }
      ticket.tapRequest = undefined;
      const line = this.m.t('desk.line.stoppedIssuing', { time: clockTime(job.payload.requestedAt as string, this.zone, this.m.locale) });
      ticket.history.push({ at: at.toISOString(), by: BOT.name, text: line });
      await this.tickets.put(ticket);
      await audit('failed', line);
      await this.notifier.ticketChanged(ticket, line).catch(() => undefined);
    });
  }

  /** Deletes an undeliverable pass whose first deletion failed (a security control: until done). */
  private async revokeUndelivered(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      const tap = ticket?.tap;
      if (!ticket || !tap || tap.methodId !== job.payload.methodId || tap.revokedAt) return;
      await deleteTemporaryAccessPass(this.graph, ticket.requester.aadObjectId, tap.methodId);
      this.userChanged(ticket.requester.aadObjectId);
      const at = this.now().toISOString();
      tap.revokedAt = at;
      tap.revokeError = undefined;
      const line = this.m.t('desk.line.revoked', { time: clockTime(at, this.zone, this.m.locale) });
      ticket.history.push({ at, by: BOT.name, text: line });
      await this.tickets.put(ticket);
      await this.auditWriter.write({ at, actor: BOT_ACTOR, action: 'revokeTap', ticketId, outcome: 'done', detail: line });
      await this.notifier.ticketChanged(ticket, line).catch(() => undefined);
    });
  }

  private listTaps(userId: string): Promise<GraphTap[]> {
    return readAll<GraphTap>(this.graph, `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`);
  }
}

const tapCheckJobId = (ticketId: string) => `tapcheck-${ticketId}`;
const revokeJobId = (ticketId: string) => `tap-revoke-${ticketId}`;

/** No answer, or a server error: the request may have been carried out. */
function mayHaveLanded(e: unknown): boolean {
  if (!(e instanceof GraphReadError)) return true;
  return e.kind === 'timeout' || e.status === null || e.status >= 500;
}

function graphTapWindow(m: GraphTap): { start: string; end: string } {
  const start = m.startDateTime ? new Date(m.startDateTime).toISOString() : (m.createdDateTime ?? new Date(0).toISOString());
  const end = new Date(Date.parse(start) + (m.lifetimeInMinutes ?? 60) * 60_000).toISOString();
  return { start, end };
}

/** The pass may still sign someone in (now, or later if it starts later). */
function tapInUse(m: GraphTap, now: Date): boolean {
  if (Date.parse(graphTapWindow(m).end) <= now.getTime()) return false;
  return !['Expired', 'OneTimeUsed', 'DisabledByPolicy'].includes(m.methodUsabilityReason ?? '');
}

function unknownTapLine(ticket: Ticket, zone: string | undefined, m: Messages): string {
  const u = ticket.unknownTap!;
  return m.t('desk.line.unknownTap', { name: ticket.requester.name, created: clockTime(u.createdAt ?? u.start, zone, m.locale), end: clockTime(u.end, zone, m.locale), afterCrash: u.afterCrash ? 'yes' : 'no' });
}

function unknownTapMessage(ticket: Ticket, zone: string | undefined, m: Messages): string {
  const u = ticket.unknownTap!;
  const name = ticket.requester.name;
  return [
    m.t('desk.tap.unknown', { name, created: clockTime(u.createdAt ?? u.start, zone, m.locale), end: clockTime(u.end, zone, m.locale), afterCrash: u.afterCrash ? 'yes' : 'no' }),
    m.t('desk.tap.unknownWhatToDo', { name, button: m.t('ticketCard.button.tapShow') }),
  ].join(' ');
}
