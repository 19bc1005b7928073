// Delivers help-desk news through Teams: the ticket card in the help-desk channel (posted once,
// updated in place, with a line per change in its thread), notes to the requester's personal
// chat, and the TAP value to the requester alone. Without a channel, tickets go to a webhook.
// SDK-free: everything goes out through the edge's messenger.
import { tapDeliveryCard, ticketConfirmationCard, ticketResolvedCard, ticketUpdateCard, ticketUpdateFor, type AdaptiveCard } from '../cards';
import { ticketJson } from '../cards/diagnosis-json';
import { stripControlChars, TRIMMED_NOTE_TICKET, trimText } from '../cards/render';
import type { HelpDeskNotifier, RequesterUpdate, TapIssued } from '../helpdesk/helpdesk';
import { english, languageOfLocale, messagesFor, type Messages } from '../i18n';
import type { Ticket } from '../tickets/ticket';
import { cardActivity, type EdgeMessenger, type OutgoingActivity } from './edge';
import type { ConversationRef, ConversationReferences } from '../delivery/references';

export interface NotifierOptions {
  /** The edge's "send to a reference". */
  messenger: EdgeMessenger;
  tenantId: string;
  references: ConversationReferences;
  /** Teams channel id of the help-desk channel ("19:...@thread.tacv2"; "help-desk-channel" offline). */
  channelId?: string;
  /** Plain JSON POST for ServiceNow / Jira / mail automation when there is no channel. */
  webhookUrl?: string;
  /** The ticket card as the channel should show it now, in the help desk's words (`deskMessages`). */
  ticketCard: (ticket: Ticket, deskMessages: Messages) => Promise<AdaptiveCard>;
  /** The help desk's language (HELPDESK_LOCALE); default English. Requesters read their own (their Teams locale). */
  deskMessages?: Messages;
  log: (event: Record<string, unknown>) => void;
}

export class TeamsHelpDeskNotifier implements HelpDeskNotifier {
  private readonly desk: Messages;

  constructor(private readonly o: NotifierOptions) {
    this.desk = o.deskMessages ?? english();
  }

  async postTicket(ticket: Ticket): Promise<Ticket['channelPost']> {
    if (this.o.webhookUrl && !this.o.channelId) {
      await this.webhook('ticket.opened', ticket);
      return undefined;
    }
    const ref = await this.channelRef(ticket);
    if (!ref) throw new Error('the help-desk channel is not reachable yet (install the bot in that team first)');
    const activityId = await this.o.messenger.send(ref, cardActivity(await this.o.ticketCard(ticket, this.desk)));
    if (this.o.webhookUrl) await this.webhook('ticket.opened', ticket);
    return activityId ? { conversationId: ref.conversation!.id, activityId } : undefined;
  }

  async ticketChanged(ticket: Ticket, line: string): Promise<void> {
    if (this.o.webhookUrl) await this.webhook('ticket.updated', ticket, line);
    if (!ticket.channelPost) return;
    const ref = await this.channelRef(ticket);
    if (!ref) return;
    const card = await this.o.ticketCard(ticket, this.desk);
    await this.o.messenger.update(ref, ticket.channelPost.activityId, cardActivity(card));
    // The line goes into the ticket's thread: Teams threads are "<channel>;messageid=<post>".
    const thread = { ...ref, conversation: { ...ref.conversation!, id: `${ticket.channelPost.conversationId};messageid=${ticket.channelPost.activityId}` } };
    await this.o.messenger.send(thread, threadLine(ticket, line));
  }

  async requesterUpdate(ticket: Ticket, update: RequesterUpdate): Promise<void> {
    const { ref, m } = await this.requester(ticket);
    await this.o.messenger.send(ref, cardActivity(requesterCard(ticket, update, ref.timeZone, m)));
  }

  async deliverTap(ticket: Ticket, tap: TapIssued): Promise<void> {
    const { ref, m } = await this.requester(ticket);
    const card = tapDeliveryCard(
      {
        ticketId: ticket.id,
        value: tap.value,
        start: tap.start,
        end: tap.end,
        oneTime: tap.oneTime,
        platform: ticket.diagnosis?.context.platform ?? 'android',
        // What the requester is told the pass achieves: checked with it in place (HelpDesk).
        ...(tap.after ? { after: tap.after } : {}),
        timeZone: ref.timeZone,
      },
      m,
    );
    await this.o.messenger.send(ref, cardActivity(card));
  }

  /** The confirmation the requester sees right after opening a ticket (sent in their turn, in their language). */
  static confirmation(ticket: Ticket, m: Messages = english()): AdaptiveCard {
    return ticketConfirmationCard(ticket, m);
  }

  /** The requester's personal chat and their words: the language of the Teams locale kept with it. */
  private async requester(ticket: Ticket): Promise<{ ref: ConversationRef; m: Messages }> {
    const ref = await this.o.references.user(ticket.requester.aadObjectId);
    if (!ref) throw new Error(`no personal chat with ${ticket.requester.name} is known`);
    return { ref, m: messagesFor(languageOfLocale(ref.locale)) };
  }

  private async channelRef(ticket: Ticket): Promise<ConversationRef | undefined> {
    if (!this.o.channelId) return undefined;
    const fallback = await this.o.references.user(ticket.requester.aadObjectId);
    return this.o.references.helpDeskChannel(this.o.channelId, this.o.tenantId, fallback);
  }

  /** Webhook body (documented in the README): { event, ticket, line? } — never a TAP value. */
  private async webhook(event: string, ticket: Ticket, line?: string): Promise<void> {
    const res = await fetch(this.o.webhookUrl!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ event, ticket: ticketJson(ticket), ...(line ? { line } : {}) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) this.o.log({ event: 'webhook.failed', status: res.status, ticket: ticket.id });
  }
}

/** The longest line posted in a ticket's thread (lines quote agents' notes). */
export const MAX_THREAD_LINE_CHARS = 2000;

/**
 * A line for the ticket's thread, as plain text: it quotes display names (guests choose theirs)
 * and notes, which Teams would otherwise render as markdown ("[Open the portal](https://…)" as a
 * link). No control characters, and bounded.
 */
export function threadLine(ticket: Ticket, line: string): OutgoingActivity {
  const text = stripControlChars(`${ticket.id}: ${line}`);
  return {
    type: 'message',
    textFormat: 'plain',
    text: text.length > MAX_THREAD_LINE_CHARS ? `${trimText(text, MAX_THREAD_LINE_CHARS)} ${TRIMMED_NOTE_TICKET}` : text,
  };
}

function requesterCard(ticket: Ticket, update: RequesterUpdate, zone: string | undefined, m: Messages): AdaptiveCard {
  if (update.kind === 'resolved') {
    return ticketResolvedCard({ ticketId: ticket.id, note: ticket.resolution?.note ?? '', by: ticket.resolution?.by.name ?? '' }, m);
  }
  return ticketUpdateCard(ticketUpdateFor(ticket, update.kind, zone, m), m);
}
