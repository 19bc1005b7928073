// Whose TAPs the window notices watch even when the TAP was issued outside the bot (in the Entra
// admin center, by a script): the requesters of open tickets and the targets of campaigns.
import type { Ticket } from '../tickets/ticket';
import type { Campaigns } from './campaign';

/** The tickets as the help desk's store keeps them (TicketStore fits). */
export interface TicketReader {
  ids(): Promise<string[]>;
  get(id: string): Promise<Ticket | undefined>;
}

/** How many of the newest tickets are looked at; older open tickets are left to the help desk. */
export const WATCHED_TICKETS = 500;

/** Users whose TAPs get notices: campaign targets, then open tickets' requesters (a ticket wins). */
export async function watchedUsers(tickets: TicketReader, campaigns: Pick<Campaigns, 'ids' | 'get'>): Promise<{ userId: string; ticketId: string }[]> {
  const out = new Map<string, string>();
  for (const id of await campaigns.ids()) for (const userId of (await campaigns.get(id))?.targeted ?? []) out.set(userId, `campaign-${id}`);
  for (const id of (await tickets.ids()).slice(-WATCHED_TICKETS)) {
    const t = await tickets.get(id);
    if (t && t.status !== 'resolved') out.set(t.requester.aadObjectId, t.id);
  }
  return [...out].map(([userId, ticketId]) => ({ userId, ticketId }));
}
