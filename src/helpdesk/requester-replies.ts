// What the requester says back on their ticket: "Did this fix it?" (confirmed, or reopened) and
// follow-ups written while it is open. Invariants:
// - only the requester may answer on their ticket: anyone else (or a forged id) is refused and
//   audited, and the ticket is not touched;
// - a follow-up reaches the ticket — transcript, history, a thread line, the card — with the
//   requester checked again, so the card and the line say what blocks them now;
// - history and ticket first, then the audit line (one that cannot be written is said on the
//   ticket), then the thread.
import { english, type Messages } from '../i18n';
import type { KeyedMutex } from '../storage/key-value';
import { buttons } from '../cards/copy';
import type { FollowUp, Person, TranscriptEntry } from '../tickets/ticket';
import { blockerList } from './after-check-lines';
import { cut } from './audit-trail';
import type { AuditWriter } from './audit-writer';
import { checkNow, TICKET_ID, type Log } from './desk-kit';
import type { ActionOutcome, HelpDeskNotifier } from './ports';
import type { CheckDeps } from './requester-check';
import type { TicketStore } from './ticket-store';

/** The longest follow-up text kept on a ticket (the card and thread bound it further). */
const FOLLOW_UP_CHARS = 1000;

export interface RequesterRepliesDeps {
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  now: () => Date;
  mutex: KeyedMutex;
  auditWriter: AuditWriter;
  checks: CheckDeps;
  log: Log;
  /** The help desk's messages (HELPDESK_LOCALE): the lines in the ticket's history and thread. */
  desk?: Messages;
}

export class RequesterReplies {
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly auditWriter: AuditWriter;
  private readonly checks: CheckDeps;
  private readonly log: Log;
  private readonly desk: Messages;

  constructor({ tickets, notifier, now, mutex, auditWriter, checks, log, desk }: RequesterRepliesDeps) {
    this.desk = desk ?? english();
    this.tickets = tickets;
    this.notifier = notifier;
    this.now = now;
    this.mutex = mutex;
    this.auditWriter = auditWriter;
    this.checks = checks;
    this.log = log;
  }

  /**
   * The requester answers "Did this fix it?". `m`: the requester's messages — a refusal is said
   * to them in their language; the ticket's line is the help desk's.
   */
  async answer(ticketId: string, requester: Person, fixed: boolean, m: Messages = english()): Promise<ActionOutcome> {
    const action = fixed ? 'confirmFixed' : 'reopen';
    if (!TICKET_ID.test(ticketId)) {
      await this.auditWriter.write({ at: this.now().toISOString(), actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action, ticketId, outcome: 'refused', detail: 'not the requester' });
      return { outcome: 'refused', message: m.t('requesterCards.reply.notYours') };
    }
    return this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      const at = this.now().toISOString();
      if (!ticket || ticket.requester.aadObjectId !== requester.aadObjectId) {
        await this.auditWriter.write({ at, actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action, ticketId, outcome: 'refused', detail: 'not the requester' });
        return { outcome: 'refused', message: m.t('requesterCards.reply.notYours') };
      }
      const line = fixed ? this.desk.t('desk.line.requesterConfirmed', { name: requester.name }) : this.desk.t('desk.line.requesterReopened', { name: requester.name });
      if (!fixed) {
        ticket.status = ticket.assignee ? 'taken' : 'open';
        ticket.resolution = undefined;
      }
      ticket.history.push({ at, by: requester.name, text: line });
      await this.tickets.put(ticket);
      const audited = await this.auditWriter.write({ at, actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action, ticketId, outcome: 'done' });
      const gap = audited.written ? '' : `. ${this.auditWriter.noteGap(ticket, at, line, audited.error)}`;
      if (gap) await this.tickets.put(ticket);
      await this.notifier.ticketChanged(ticket, `${line}${gap}`).catch(() => undefined);
      return { outcome: 'done', ticket, message: line };
    });
  }

  /**
   * The requester wrote again ("it still asks for a passkey"), or pressed "Contact the help desk"
   * again, while their ticket is open: added to it — transcript, history, a thread line, the
   * card — with the requester checked again, so the card and the line say what blocks them now.
   * `m`: the requester's messages (a refusal is said in their language).
   */
  async followUp(ticketId: string, requester: Person, said: FollowUp, m: Messages = english()): Promise<ActionOutcome> {
    const refused = async (detail: string, message: string): Promise<ActionOutcome> => {
      await this.auditWriter.write({ at: this.now().toISOString(), actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action: 'followUp', ticketId: cut(ticketId, 40), outcome: 'refused', detail });
      return { outcome: 'refused', message };
    };
    if (!TICKET_ID.test(ticketId)) return refused('not the requester', m.t('requesterCards.reply.notYours'));
    return this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      if (!ticket || ticket.requester.aadObjectId !== requester.aadObjectId) return refused('not the requester', m.t('requesterCards.reply.notYours'));
      if (ticket.status === 'resolved') return refused('resolved', m.t('requesterCards.reply.resolved', { id: ticketId }));
      const at = this.now();
      const entry: TranscriptEntry & ({ followUp: string } | { pressedAgain: 'requestTap' | 'contactHelpDesk' }) =
        typeof said === 'string' ? { followUp: cut(said.trim(), FOLLOW_UP_CHARS) } : { pressedAgain: said.pressedAgain };
      ticket.transcript = [...ticket.transcript, entry].slice(-30);
      const fresh = await checkNow(this.checks, this.log, ticket, at);
      let check: 'blocked' | 'clear' | 'unchecked' = 'unchecked';
      let blockers = '';
      if ('check' in fresh) {
        ticket.check = fresh.check;
        ticket.checkError = undefined;
        check = fresh.check.blocking.length > 0 ? 'blocked' : 'clear';
        blockers = blockerList(fresh.check.blocking, this.desk);
      }
      const line =
        'followUp' in entry
          ? this.desk.t('desk.line.requesterWrote', { name: requester.name, text: cut(entry.followUp, 300), check, blockers })
          : this.desk.t('desk.line.requesterPressedAgain', { name: requester.name, button: buttons(this.desk)[entry.pressedAgain], check, blockers });
      ticket.history.push({ at: at.toISOString(), by: requester.name, text: line });
      await this.tickets.put(ticket);
      const audited = await this.auditWriter.write({ at: at.toISOString(), actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action: 'followUp', ticketId, outcome: 'done' });
      const gap = audited.written ? '' : `. ${this.auditWriter.noteGap(ticket, at.toISOString(), line, audited.error)}`;
      if (gap) await this.tickets.put(ticket);
      await this.notifier.ticketChanged(ticket, `${line}${gap}`).catch((e: Error) => this.log({ event: 'ticket.update.failed', ticket: ticketId, error: e.message }));
      return { outcome: 'done', ticket, message: line };
    });
  }
}
