// Temporary exemptions: the requester added to the exemption group for a few hours, and taken
// out again. Invariants:
// - the removal is a security control: a stored job (kind 'removeExemption', id
//   'exemption-<ticket>': jobs stored by earlier versions run unchanged), stored before the agent
//   is answered, retried until it succeeds; every failure after the first on the card and in the
//   thread, with the time of the next attempt;
// - overdue removals are counted in passkey_exemption_removals_overdue and tried again at start-up
//   (one whose job is missing gets one again);
// - after the exemption is granted the requester is diagnosed again with it in place, and the one
//   message they get (the exemption's notice) says what that found; they hear that it ended only
//   if it was a way through for them;
// - every change is on the ticket before the audit line, and both before the card and the requester.
import { english, type Messages } from '../i18n';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { ExemptionGroup } from '../diagnosis';
import { addGroupMember, removeGroupMember } from '../graph';
import { graphGet } from '../graph/read';
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

const REMOVE_EXEMPTION = 'removeExemption';
const removalJobId = (ticketId: string) => `exemption-${ticketId}`;
/** A removal not done this long after the exemption ended (or failed once) is overdue. */
const OVERDUE_GRACE_MS = 5 * 60_000;
/** How long the exemption group (and its nesting) read from Graph is used. */
const EXEMPTION_GROUP_TTL_MS = 5 * 60_000;

export interface ExemptionDeps {
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
  /** Users are added to this group for a temporary exemption; no exemptions when absent. */
  groupId?: string;
  hours?: number[];
  /** The bot's diagnoser reads the group with its nesting; without it, the group alone from Graph. */
  diagnoser?: { readExemptionGroup?(groupId: string): Promise<ExemptionGroup> };
  /** Told after an exemption is granted (its window notices hang off this). */
  events?: { exemptionGranted?(ticket: Ticket): Promise<void> };
  userChanged: (aadObjectId: string) => void;
  log: Log;
  metrics: Counters;
  /** The help desk's words (HELPDESK_LOCALE) for replies and thread lines; English by default. */
  m?: Messages;
}

export class Exemptions {
  private cached?: { read: Promise<ExemptionGroup>; at: number };
  private readonly graph: Client;
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly scheduler: JobScheduler;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly auditWriter: AuditWriter;
  private readonly changes: TicketChanges;
  private readonly checks: CheckDeps;
  private readonly groupId?: string;
  private readonly hoursOffered?: number[];
  private readonly diagnoser: ExemptionDeps['diagnoser'];
  private readonly events: ExemptionDeps['events'];
  private readonly userChanged: (aadObjectId: string) => void;
  private readonly log: Log;

  private readonly metrics: Counters;

  private readonly zone: string | undefined;
  private readonly m: Messages;

  constructor(deps: ExemptionDeps) {
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
    this.groupId = deps.groupId;
    this.hoursOffered = deps.hours;
    this.diagnoser = deps.diagnoser;
    this.events = deps.events;
    this.userChanged = deps.userChanged;
    this.log = deps.log;
    deps.scheduler.on(REMOVE_EXEMPTION, (job) => this.remove(job), UNTIL_DONE);
  }

  /** Display name of the exemption group, for the ticket card. */
  async groupName(): Promise<string | undefined> {
    if (!this.groupId) return undefined;
    return (await this.group())?.displayName ?? this.groupId;
  }

  /**
   * The exemption group with the groups it is nested in (so the exemption remedy is checked
   * exactly), read once and again after EXEMPTION_GROUP_TTL_MS; undefined while it cannot be read.
   */
  async group(): Promise<ExemptionGroup | undefined> {
    const id = this.groupId;
    if (!id) return undefined;
    const now = this.now().getTime();
    if (!this.cached || now - this.cached.at > EXEMPTION_GROUP_TTL_MS) {
      const read = this.diagnoser?.readExemptionGroup
        ? this.diagnoser.readExemptionGroup(id)
        : graphGet<{ displayName?: string }>(this.graph, `/groups/${encodeURIComponent(id)}?$select=id,displayName`).then((g) => ({ id, ...(g.displayName ? { displayName: g.displayName } : {}) }));
      const entry = { read, at: now };
      this.cached = entry;
      // A failed read is not kept: the next check asks again.
      read.catch((e: Error) => {
        if (this.cached === entry) this.cached = undefined;
        this.log({ event: 'exemption.group.unreadable', error: e.message });
      });
    }
    return this.cached.read.catch(() => undefined);
  }

  get hours(): number[] | undefined {
    return this.groupId ? (this.hoursOffered ?? [1, 2, 4, 8, 24]) : undefined;
  }

  /**
   * At start-up, before the scheduler's first tick: every exemption whose window has ended and
   * whose removal has not succeeded is tried again now (not at the end of its backoff), and one
   * whose removal job is missing (dropped by an older version after 8 failures) gets one again.
   */
  async recoverOverdueRemovals(): Promise<number> {
    const now = this.now().getTime();
    const jobs = new Map((await this.scheduler.pending(REMOVE_EXEMPTION)).map((j) => [j.id, j]));
    let retried = 0;
    for (const ticket of await this.tickets.exemptionsNotRemoved()) {
      const ex = ticket.exemption!;
      const id = removalJobId(ticket.id);
      const job = jobs.get(id);
      if (job?.claimedBy) continue; // running (or interrupted: the scheduler re-runs it)
      const ended = Date.parse(ex.end) <= now;
      if (!ended && job) continue;
      const dueAt = ended ? new Date(now).toISOString() : ex.end;
      if (job && Date.parse(job.dueAt) <= now) continue; // due already: the first tick runs it
      await this.scheduler.schedule({ id, kind: REMOVE_EXEMPTION, dueAt, payload: { ticketId: ticket.id, end: ex.end, ...(ended && ex.removalFailures ? { overdue: true } : {}) } });
      if (ended) retried += 1;
      this.log({ event: 'exemption.removal.recovered', ticket: ticket.id, end: ex.end, job: job ? 'rescheduled' : 'missing' });
    }
    await this.refreshOverdueRemovals();
    return retried;
  }

  /**
   * passkey_exemption_removals_overdue: removal jobs that failed at least once, or are more than
   * OVERDUE_GRACE_MS past the end of their exemption. Read from the scheduler (shared by every instance).
   */
  async refreshOverdueRemovals(current?: { jobId: string; failed: boolean }): Promise<number> {
    const now = this.now().getTime();
    const jobs = await this.scheduler.pending(REMOVE_EXEMPTION);
    const overdue = jobs.filter((j) => {
      if (current && j.id === current.jobId) return current.failed;
      const end = Date.parse(String(j.payload.end ?? j.dueAt));
      return j.attempts > 0 || j.payload.overdue === true || now - end > OVERDUE_GRACE_MS;
    }).length;
    this.metrics.set('passkey_exemption_removals_overdue', overdue);
    return overdue;
  }

  async grant(ticket: Ticket, agent: Person, at: Date, audit: Audit, hours: number, decision: Decision): Promise<ActionOutcome> {
    const groupId = this.groupId!;
    const userId = ticket.requester.aadObjectId;
    try {
      await addGroupMember(this.graph, groupId, userId);
    } catch (e) {
      await audit('failed', (e as Error).message);
      return { outcome: 'failed', ticket, message: this.m.t('desk.exemption.addFailed', { error: (e as Error).message }) };
    } finally {
      this.userChanged(userId);
    }
    const start = at.toISOString();
    const end = new Date(at.getTime() + hours * 3_600_000).toISOString();
    ticket.exemption = { by: agent, at: start, groupId, start, end };
    if (!ticket.assignee) {
      ticket.assignee = agent;
      ticket.status = 'taken';
    }
    // Stored before we answer: the removal happens even if the bot restarts meanwhile.
    await this.scheduler.schedule({ id: removalJobId(ticket.id), kind: REMOVE_EXEMPTION, dueAt: end, payload: { ticketId: ticket.id, end } });
    this.metrics.inc('passkey_exemptions_granted_total');
    // Before the requester is told anything: diagnosed again with the exemption in place.
    const after = await checkAfter(this.checks, userId, contextOf(ticket, at).context);
    ticket.exemption.after = after;
    const line = this.m.t('desk.line.exemptionGranted', {
      agent: agent.name,
      window: timeWindow(start, end, this.zone, this.m.locale),
      warned: decision.allowed && decision.warned ? 'yes' : 'no',
      after: afterSentence(ticket.requester.name, 'exemption', after, this.m),
    });
    // One message to the requester: the exemption's notice, saying what the check found.
    const result = await this.changes.record(ticket, at, audit, agent, line, { kind: 'exemptionGranted' });
    await this.events?.exemptionGranted?.(ticket).catch((e) => this.log({ event: 'notices.schedule.failed', ticket: ticket.id, error: (e as Error).message }));
    return result;
  }

  private async remove(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      const ex = ticket?.exemption;
      if (!ticket || !ex || ex.removedAt) return;
      const at = this.now().toISOString();
      const name = ticket.requester.name;
      try {
        await removeGroupMember(this.graph, ex.groupId, ticket.requester.aadObjectId);
      } catch (e) {
        // A security control: the scheduler retries until it succeeds. From the second failure
        // on, the card and the thread say so, with the time of the next attempt.
        const error = reasonOf(e);
        const nextAt = new Date(Date.parse(at) + retryDelayMs(job.attempts + 1, UNTIL_DONE)).toISOString();
        ex.removalFailures = (ex.removalFailures ?? 0) + 1;
        ex.removalError = error;
        ex.lastRemovalAttemptAt = at;
        ex.nextRemovalAt = nextAt;
        if (ex.removalFailures >= 2) {
          const line = this.m.t('desk.line.removalFailedAgain', { name, time: clockTime(at, this.zone, this.m.locale), error, next: clockTime(nextAt, this.zone, this.m.locale) });
          ticket.history.push({ at, by: BOT.name, text: line });
          await this.tickets.put(ticket);
          await this.auditWriter.write({ at, actor: BOT_ACTOR, action: 'removeExemption', ticketId, outcome: 'failed', detail: line });
          await this.notifier.ticketChanged(ticket, line).catch((ne: Error) => this.log({ event: 'ticket.update.failed', ticket: ticketId, error: ne.message }));
        } else {
          await this.tickets.put(ticket);
        }
        this.log({ event: 'exemption.removal.failed', ticket: ticketId, failures: ex.removalFailures, error, retryAt: nextAt });
        await this.refreshOverdueRemovals({ jobId: job.id, failed: true }).catch(() => undefined);
        throw e;
      } finally {
        this.userChanged(ticket.requester.aadObjectId);
      }
      const failures = ex.removalFailures ?? 0;
      ex.removedAt = at;
      ex.removalError = undefined;
      ex.nextRemovalAt = undefined;
      const line =
        failures > 0
          ? this.m.t('desk.line.removedAfterFailures', { name, time: clockTime(at, this.zone, this.m.locale), failures, end: clockTime(ex.end, this.zone, this.m.locale) })
          : this.m.t('desk.line.exemptionEnded', { time: clockTime(at, this.zone, this.m.locale) });
      ticket.history.push({ at, by: BOT.name, text: line });
      await this.tickets.put(ticket);
      const audited = await this.auditWriter.write({ at, actor: BOT_ACTOR, action: 'removeExemption', ticketId, outcome: 'done', detail: line });
      const gap = audited.written ? '' : `. ${this.auditWriter.noteGap(ticket, at, line, audited.error)}`;
      if (gap) await this.tickets.put(ticket);
      await this.refreshOverdueRemovals({ jobId: job.id, failed: false }).catch(() => undefined);
      await this.notifier.ticketChanged(ticket, `${line}${gap}`).catch(() => undefined);
      // Told only if the exemption was a way through for them (they were told so when it began).
      if (ex.after?.clears !== false) await this.notifier.requesterUpdate(ticket, { kind: 'exemptionEnded' }).catch(() => undefined);
    });
  }
}
