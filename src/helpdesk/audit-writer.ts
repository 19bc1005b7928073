// The help desk's side of the audit trail (audit-trail.ts keeps the lines in order and holds back the
// ones it cannot write). Invariants:
// - writing a line never throws: the result says whether it was written;
// - a line that cannot be written is said on its ticket (history, and the sentence returned for
//   the thread and the agent), kept, and written with the next one;
// - when kept lines reach the log, each ticket they belong to says so — after the action under
//   way, under that ticket's lock.
import type { KeyedMutex } from '../storage/key-value';
import { type Ticket } from '../tickets/ticket';
import { AuditTrail, cut, type AuditEntry, type AuditLog, type AuditResult } from './audit-trail';
import { BOT, TICKET_ID, type Log } from './desk-kit';
import type { HelpDeskNotifier } from './ports';
import type { TicketStore } from './ticket-store';
import { clockTime } from '../cards/time-words';
import { english, type Messages } from '../i18n';

export interface AuditWriterDeps {
  /** The help desk's time zone (HELPDESK_TIMEZONE): times in thread lines are shown in it; default UTC. */
  timeZone?: string;
  log: AuditLog;
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  now: () => Date;
  mutex: KeyedMutex;
  events: Log;
  /** The help desk's words (HELPDESK_LOCALE) for the lines it adds to tickets; English by default. */
  m?: Messages;
}

export class AuditWriter {
  private readonly trail: AuditTrail;
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly events: Log;

  private readonly zone: string | undefined;
  private readonly m: Messages;

  constructor({ log, tickets, notifier, now, mutex, events, timeZone, m }: AuditWriterDeps) {
    this.zone = timeZone;
    this.m = m ?? english();
    this.trail = new AuditTrail({ log, now, backlog: tickets, onEvent: (e) => events(e) });
    this.tickets = tickets;
    this.notifier = notifier;
    this.now = now;
    this.mutex = mutex;
    this.events = events;
  }

  /** Writes an audit line; never throws (the result says whether it was written). */
  async write(entry: AuditEntry): Promise<AuditResult> {
    let result: AuditResult;
    try {
      result = await this.trail.record(entry);
    } catch (e) {
      result = { written: false, error: (e as Error).message };
    }
    if (!result.written) this.events({ event: 'audit.unwritten', action: entry.action, ticket: cut(entry.ticketId ?? '', 40), error: result.error });
    // Lines kept from an earlier failure are in the trail now: their tickets say so (after the current action).
    for (const id of new Set((result.caughtUp ?? []).map((e) => e.ticketId).filter((x): x is string => !!x && TICKET_ID.test(x)))) {
      void this.mutex.run(id, () => this.caughtUp(id)).catch((e: Error) => this.events({ event: 'audit.caught-up.note-failed', ticket: id, error: e.message }));
    }
    return result;
  }

  /** Says on the ticket that its audit line is not written yet; returns the sentence (for the thread and the agent). */
  noteGap(ticket: Ticket, at: string, line: string, error?: string): string {
    const text = this.m.t('desk.line.auditGap', { time: clockTime(at, this.zone, this.m.locale), error: cut(error ?? this.m.t('desk.unknownError'), 160) });
    ticket.auditPending = { since: ticket.auditPending?.since ?? at, error: cut(error ?? 'unknown error', 160), lines: [...(ticket.auditPending?.lines ?? []), cut(line, 200)].slice(-5) };
    ticket.history.push({ at, by: BOT.name, text });
    return text;
  }

  /** Lines of this ticket kept from an earlier failure reached the log: its history and thread say so. */
  private async caughtUp(ticketId: string): Promise<void> {
    const ticket = await this.tickets.get(ticketId);
    if (!ticket?.auditPending) return;
    const at = this.now().toISOString();
    const line = this.m.t('desk.line.auditCaughtUp', { time: clockTime(at, this.zone, this.m.locale), since: clockTime(ticket.auditPending.since, this.zone, this.m.locale) });
    ticket.auditPending = undefined;
    ticket.history.push({ at, by: BOT.name, text: line });
    await this.tickets.put(ticket);
    await this.notifier.ticketChanged(ticket, line).catch(() => undefined);
  }
}
