// A change an agent (or the bot) made to a ticket, recorded in the one order every action keeps:
// the history line and the ticket first, then the audit line (one that cannot be written is said
// on the ticket, the card and to the agent), then the channel card, then the requester. A card or
// a message that cannot be sent is logged; the change stands.
import type { Person, Ticket } from '../tickets/ticket';
import type { AuditWriter } from './audit-writer';
import type { Audit, Log } from './desk-kit';
import type { ActionOutcome, HelpDeskNotifier, RequesterUpdate } from './ports';
import type { TicketStore } from './ticket-store';

export interface TicketChangesDeps {
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  auditWriter: AuditWriter;
  log: Log;
}

export class TicketChanges {
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly auditWriter: AuditWriter;
  private readonly log: Log;

  constructor({ tickets, notifier, auditWriter, log }: TicketChangesDeps) {
    this.tickets = tickets;
    this.notifier = notifier;
    this.auditWriter = auditWriter;
    this.log = log;
  }

  /**
   * Records a change: history line, ticket, audit (a line that cannot be written is said on the
   * ticket, the card and to the agent), then the channel card and the requester.
   */
  async record(ticket: Ticket, at: Date, audit: Audit, by: Person, line: string, update?: RequesterUpdate, recorded = false): Promise<ActionOutcome> {
    let channelLine = line;
    if (!recorded) {
      ticket.history.push({ at: at.toISOString(), by: by.name, text: line });
      await this.tickets.put(ticket);
      const audited = await audit('done', line);
      if (!audited.written) {
        channelLine = `${line}. ${this.auditWriter.noteGap(ticket, at.toISOString(), line, audited.error)}`;
        await this.tickets.put(ticket);
      }
    }
    await this.notifier.ticketChanged(ticket, channelLine).catch((e) => this.log({ event: 'ticket.update.failed', ticket: ticket.id, error: (e as Error).message }));
    if (update) await this.notifier.requesterUpdate(ticket, update).catch((e) => this.log({ event: 'requester.update.failed', ticket: ticket.id, error: (e as Error).message }));
    return { outcome: 'done', ticket, message: channelLine };
  }
}
