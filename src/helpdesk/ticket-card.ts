// The ticket card as it should look now. What it offers, and whether as the fix, is the same
// decision the action makes (decide.ts), on the requester as the bot last checked them: the TAP
// policy bounds the lifetimes offered, a guest or a user outside the TAP method gets the reason
// instead of the button, a remedy that does not clear the block is offered only on its warned
// form ("will not clear"), and exemptions show only with a group configured.
import { ticketCard, type AdaptiveCard, type TicketCardOptions } from '../cards';
import { english, type Messages } from '../i18n';
import { splitDesignsOf } from '../cards/tenant-design';
import { decideAll, type Decision, type TapPolicy } from './decide';
import { HelpDesk } from './helpdesk';
import type { Ticket } from '../tickets/ticket';

/** The card in the help desk's words (`m`, from HELPDESK_LOCALE) and time zone. */
export async function ticketCardFor(desk: HelpDesk, ticket: Ticket, now: () => Date, m: Messages = english()): Promise<AdaptiveCard> {
  const hours = desk.exemptionHours;
  const exemption = hours ? { hours, groupName: (await desk.exemptionGroupName()) ?? m.t('desk.exemptionGroup') } : undefined;
  // The admin's part follows the tenant's own split design where it has one; unreadable: left out.
  const splitDesigns = await desk.tenantFacts().then(splitDesignsOf, () => undefined);
  const options = ticketCardOptions(ticket, { tapPolicy: await desk.tapPolicy(), ...(exemption ? { exemption } : {}), now: now(), m, ...(desk.timeZone ? { timeZone: desk.timeZone } : {}) });
  return ticketCard(ticket, { ...options, ...(desk.timeZone ? { timeZone: desk.timeZone } : {}), ...(splitDesigns ? { tenant: { splitDesigns } } : {}) }, m);
}

/** The card's options for this ticket: the decisions for every verb, as the card shows them. Pure. */
export function ticketCardOptions(ticket: Ticket, input: { tapPolicy: TapPolicy; exemption?: { hours: number[]; groupName: string }; now: Date; m?: Messages; timeZone?: string }): TicketCardOptions {
  const { tapPolicy: policy, exemption, now } = input;
  const d = decideAll({ ticket, now, tapPolicy: policy, ...(exemption ? { exemption: { hours: exemption.hours } } : {}), check: ticket.check, m: input.m ?? english(), ...(input.timeZone ? { timeZone: input.timeZone } : {}) });
  return {
    tap: {
      lifetimes: HelpDesk.lifetimes(policy),
      defaultLifetime: policy.defaultLifetime,
      oneTimeChoice: !policy.forcedOneTime,
      forcedOneTime: policy.forcedOneTime,
      ...shown(d.issueTap),
    },
    ...(exemption ? { exemption: { ...exemption, ...shown(d.grantExemption) } } : {}),
    now: now.toISOString(),
  };
}

/** A decision as the card shows it: a standing refusal where the button would be; a warning; the fix. */
function shown(d: Decision): { refusal?: string; warning?: string; fix?: boolean } {
  if (!d.allowed) return d.standing ? { refusal: d.reason } : {};
  if (d.warned) return { warning: d.why };
  return d.effect === 'clears' ? { fix: true } : {};
}
