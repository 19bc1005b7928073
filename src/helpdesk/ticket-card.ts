// The ticket card as it should look now: the tenant's TAP policy bounds the lifetimes offered,
// the diagnosis says when no TAP can be issued, and exemptions show only with a group configured.
import { ticketCard, type AdaptiveCard } from '../cards';
import { HelpDesk } from './helpdesk';
import type { Ticket } from './ticket';

export async function ticketCardFor(desk: HelpDesk, ticket: Ticket, now: () => Date): Promise<AdaptiveCard> {
  const policy = await desk.tapPolicy();
  const codes = new Set(ticket.diagnosis?.findings.map((f) => f.code) ?? []);
  const refusal = !policy.enabled
    ? 'A TAP cannot be issued: the Temporary Access Pass method is disabled in the tenant.'
    : codes.has('tap-unavailable-for-guest')
      ? `A TAP cannot be issued: ${ticket.requester.name} is a guest.`
      : codes.has('tap-method-disabled')
        ? `A TAP cannot be issued: the Temporary Access Pass method does not include ${ticket.requester.name}.`
        : undefined;
  const hours = desk.exemptionHours;
  return ticketCard(ticket, {
    tap: {
      lifetimes: HelpDesk.lifetimes(policy),
      defaultLifetime: policy.defaultLifetime,
      oneTimeChoice: !policy.forcedOneTime,
      forcedOneTime: policy.forcedOneTime,
      ...(refusal ? { refusal } : {}),
    },
    ...(hours ? { exemption: { hours, groupName: (await desk.exemptionGroupName()) ?? 'exemption group' } } : {}),
    now: now().toISOString(),
  });
}
