// The ticket's way to the help-desk channel. Invariants:
// - a ticket whose first post fails is posted by a stored job (kind 'postTicket', id
//   'post-<ticket>': jobs stored by earlier versions run unchanged), retried until it succeeds
//   or the ticket no longer waits for it;
// - until then the ticket says so (history, channelPostPending with the next attempt), so the
//   requester's confirmation says it has not reached the help desk yet;
// - once posted: history line and ticket first, then the audit line, then the requester is told
//   (the card posted just now already shows the line, so no thread line).
import { english, type Messages } from '../i18n';
import { retryDelayMs, type Job, type JobScheduler } from '../scheduler/scheduler';
import type { KeyedMutex } from '../storage/key-value';
import { type Ticket } from '../tickets/ticket';
import type { AuditWriter } from './audit-writer';
import { BOT, BOT_ACTOR, reasonOf, UNTIL_DONE, type Log } from './desk-kit';
import type { HelpDeskNotifier } from './ports';
import type { TicketStore } from './ticket-store';
import { clockTime } from '../cards/time-words';

const POST_TICKET = 'postTicket';
const postJobId = (ticketId: string) => `post-${ticketId}`;

export interface ChannelPostDeps {
  /** The help desk's time zone (HELPDESK_TIMEZONE): times in thread lines are shown in it; default UTC. */
  timeZone?: string;
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  scheduler: JobScheduler;
  now: () => Date;
  mutex: KeyedMutex;
  auditWriter: AuditWriter;
  log: Log;
  /** The help desk's words (HELPDESK_LOCALE) for thread lines; English by default. */
  m?: Messages;
}

export class ChannelPost {
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly scheduler: JobScheduler;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly auditWriter: AuditWriter;
  private readonly log: Log;

  private readonly zone: string | undefined;
  private readonly m: Messages;

  constructor({ tickets, notifier, scheduler, now, mutex, auditWriter, log, timeZone, m }: ChannelPostDeps) {
    this.zone = timeZone;
    this.m = m ?? english();
    this.tickets = tickets;
    this.notifier = notifier;
    this.scheduler = scheduler;
    this.now = now;
    this.mutex = mutex;
    this.auditWriter = auditWriter;
    this.log = log;
    scheduler.on(POST_TICKET, (job) => this.retry(job), UNTIL_DONE);
  }

  /**
   * Posts a new ticket (stored already); on failure notes it on the ticket and stores the job that
   * retries. The caller stores the ticket afterwards.
   */
  async first(ticket: Ticket, at: Date): Promise<void> {
    const now = at.toISOString();
    try {
      ticket.channelPost = await this.notifier.postTicket(ticket);
    } catch (e) {
      // Nobody at the help desk has seen it: a stored job posts it (until it succeeds), and the
      // requester's confirmation says it has not reached the help desk yet.
      const error = reasonOf(e);
      const nextAttemptAt = new Date(at.getTime() + retryDelayMs(1, UNTIL_DONE)).toISOString();
      ticket.channelPostPending = { since: now, attempts: 1, error, nextAttemptAt };
      ticket.history.push({ at: now, by: BOT.name, text: this.m.t('desk.line.postFailed', { time: clockTime(now, this.zone, this.m.locale), error, next: clockTime(nextAttemptAt, this.zone, this.m.locale) }) });
      this.log({ event: 'ticket.post.failed', ticket: ticket.id, error });
      await this.scheduler
        .schedule({ id: postJobId(ticket.id), kind: POST_TICKET, dueAt: nextAttemptAt, payload: { ticketId: ticket.id } })
        .catch((se: Error) => this.log({ event: 'ticket.post.retry-not-stored', ticket: ticket.id, error: se.message }));
    }
  }

  /** The stored retry of a ticket's channel post: until it is posted (or the ticket is resolved). */
  private async retry(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      const pending = ticket?.channelPostPending;
      if (!ticket || !pending) return;
      const at = this.now().toISOString();
      try {
        ticket.channelPost = await this.notifier.postTicket(ticket);
      } catch (e) {
        pending.attempts += 1;
        pending.error = reasonOf(e);
        pending.nextAttemptAt = new Date(Date.parse(at) + retryDelayMs(job.attempts + 1, UNTIL_DONE)).toISOString();
        await this.tickets.put(ticket);
        this.log({ event: 'ticket.post.failed', ticket: ticketId, attempts: pending.attempts, error: pending.error });
        throw e;
      }
      ticket.channelPostPending = undefined;
      const line = this.m.t('desk.line.postedLate', { time: clockTime(at, this.zone, this.m.locale), attempts: pending.attempts, since: clockTime(pending.since, this.zone, this.m.locale) });
      ticket.history.push({ at, by: BOT.name, text: line });
      await this.tickets.put(ticket);
      await this.auditWriter.write({ at, actor: BOT_ACTOR, action: 'postTicket', ticketId, outcome: 'done', detail: line });
      // The card posted just now already shows the line; the requester learns it is with the help desk now.
      await this.notifier.requesterUpdate(ticket, { kind: 'posted' }).catch((e: Error) => this.log({ event: 'requester.update.failed', ticket: ticketId, error: e.message }));
    });
  }
}
