// The ticket card with the remedies the bot checked, for every demo persona in the states a ticket
// goes through: valid for the SDK and the bot (Universal Actions with only the ticket id), a remedy
// line per checked remedy, a TAP or an exemption offered as the fix only when it clears — otherwise
// on a form that says it will not clear, and why — and what works instead when neither clears.
// The requester's cards say what the check with the remedy in place found.
import { remedyWhy } from '../../src/cards/remedy-words';
import { TICKET_BUTTONS, tapDeliveryCard, ticketUpdateCard, ticketUpdateFor, type AdaptiveCard } from '../../src/cards';
import { ticketCard } from '../../src/cards';
import { followUpUpdate } from '../../src/cards/requester-views';
import type { TapPolicy } from '../../src/helpdesk/decide';
import { ticketCardOptions } from '../../src/helpdesk/ticket-card';
import type { AfterCheck, Person, Ticket } from '../../src/tickets/ticket';
import { AT, demoTicket, snapshot } from '../helpdesk/demo-checks';
import { cardProblems, executes, withoutDetails, words } from './check-card';

const POLICY: TapPolicy = { enabled: true, minLifetime: 60, maxLifetime: 480, defaultLifetime: 60, forcedOneTime: false };
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim' };
const EXEMPTION = { hours: [1, 2, 4, 8, 24], groupName: 'Passkey exemptions' };
const render = (ticket: Ticket) => ticketCard(ticket, ticketCardOptions(ticket, { tapPolicy: POLICY, exemption: EXEMPTION, now: AT }));
const button = (card: AdaptiveCard, verb: string) => (card.actions ?? []).find((a) => executes({ actions: [a] }).some((e) => e.verb === verb)) as { title: string; style?: string; card?: object } | undefined;
const names: string[] = snapshot.users.map((u: { mail: string }) => u.mail.split('@')[0]);
const PILOT = 'Passkey pilot: passkey in Authenticator everywhere';
const FINANCE = 'Finance: register security info from compliant devices';

describe.each(names)('%s', (name) => {
  const base = demoTicket(name);
  const end = new Date(AT.getTime() + 3_600_000).toISOString();
  const states: Record<string, Ticket> = {
    open: base,
    taken: { ...base, status: 'taken', assignee: HANA },
    'TAP issued, checked': { ...base, tap: { by: HANA, at: AT.toISOString(), start: AT.toISOString(), end, oneTime: false, methodId: 'm', delivery: 'delivered', after: { at: AT.toISOString(), clears: false, blocking: base.check!.blocking } } },
    'check failed': { ...base, check: undefined, checkError: { at: AT.toISOString(), error: 'Graph: 503' } },
  };

  it.each(Object.keys(states))('%s: passes the checker; the buttons carry only the ticket id', (state) => {
    const card = render(states[state]);
    expect(cardProblems(card, null)).toEqual([]);
    for (const e of executes(card)) expect(e.data).toEqual({ ticketId: base.id });
  });

  it('never offers a remedy as the fix unless the check says it clears', () => {
    const card = render(base);
    const remedies = base.check!.remedies;
    for (const [verb, code] of [['ticket.issueTap', 'temporary-access-pass'], ['ticket.grantExemption', 'temporary-exemption']] as const) {
      const b = button(card, verb);
      if (!b) continue;
      const clears = remedies.find((r) => r.code === code)?.clears === true;
      if (b.style === 'positive') expect(clears).toBe(true);
      if (remedies.some((r) => r.code === code && !r.clears)) expect(b.title).toMatch(/\(will not clear\)$/);
    }
    for (const r of remedies) expect(words(withoutDetails(card))).toContain(remedyWhy(r));
  });
});

describe('per persona', () => {
  it('Lena: "A TAP will not help", the exemption is the fix', () => {
    const card = render(demoTicket('lena'));
    const text = words(withoutDetails(card));
    expect(text).toContain(`What works for Lena Fischer (checked ${AT.toISOString().slice(11, 16)} UTC, Android 15)`);
    expect(text).toContain(`✗ \nIssue a TAP — A Temporary Access Pass (multi-use, 60 minutes) will not help: '${PILOT}' accepts only a passkey in Microsoft Authenticator.`);
    expect(text).toContain(`✓ \nExempt temporarily — An exemption through 'Passkey exemptions' removes '${PILOT}'; nothing else blocks the registration.`);
    expect(text).not.toContain('Instead');
    expect(button(card, 'ticket.issueTap')).toMatchObject({ title: TICKET_BUTTONS.tapShowWarned, style: 'default' });
    expect(words(button(card, 'ticket.issueTap')!.card)).toMatch(/^Will not clear the block\. A Temporary Access Pass/);
    expect(executes({ actions: [button(card, 'ticket.issueTap')] })[0].title).toBe(TICKET_BUTTONS.issueTapWarned);
    expect(button(card, 'ticket.grantExemption')).toMatchObject({ title: TICKET_BUTTONS.exemptShow, style: 'positive' });
    // The generic "what the help desk can do" steps give way to the check.
    expect(text).not.toContain('What the help desk can do');
  });

  it('Omid: neither clears; the card says what does, with the policy, and does not hedge', () => {
    const card = render(demoTicket('omid'));
    const text = words(card);
    expect(text).toContain('Neither a TAP nor an exemption clears the block. Instead:');
    expect(text).toContain(`• A compliant phone (Intune, by an admin): A compliant, Intune-managed Android phone satisfies '${FINANCE}'; nothing else blocks the registration.`);
    expect(text).toContain(`• An identity administrator excludes the group "Passkey exemptions" from the policy "${FINANCE}"; then "Exempt temporarily" clears it.`);
    expect(text).not.toContain('helps only if');
    expect(button(card, 'ticket.grantExemption')).toMatchObject({ title: TICKET_BUTTONS.exemptShowWarned });
    expect(words(button(card, 'ticket.grantExemption')!.card)).toContain(`Will not clear the block. An exemption through 'Passkey exemptions' will not help: '${FINANCE}' does not exclude that group.`);
  });

  it('Uma: the refusal where the TAP button would be; the exemption is the fix', () => {
    const card = render(demoTicket('uma'));
    expect(button(card, 'ticket.issueTap')).toBeUndefined();
    expect(words(card)).toContain('A TAP cannot be issued: Uma Okafor (guest) is a guest, and a Temporary Access Pass cannot be issued to a guest.');
    expect(button(card, 'ticket.grantExemption')).toMatchObject({ style: 'positive' });
  });

  it('Tom: the TAP is the fix', () => {
    const card = render(demoTicket('tom'));
    expect(button(card, 'ticket.issueTap')).toMatchObject({ title: TICKET_BUTTONS.tapShow, style: 'positive' });
    expect(executes({ actions: [button(card, 'ticket.issueTap')] })[0].title).toBe(TICKET_BUTTONS.issueTap);
  });

  it('Pia: nothing the help desk can apply clears it: an identity administrator must change the methods policy', () => {
    const text = words(render(demoTicket('pia')));
    expect(text).toMatch(/• An identity administrator must change .*: see "What an identity administrator can change" under Show details\./);
  });

  it('nothing blocks (Marc, with a valid pass): said, and nothing offered as the fix', () => {
    const card = render(demoTicket('marc'));
    expect(words(card)).toMatch(/Nothing blocks Marc Dubois now \(checked/);
    expect(button(card, 'ticket.issueTap')).toMatchObject({ title: TICKET_BUTTONS.tapShow, style: 'default' });
  });

  it('a ticket opened without a diagnosis says the phone was assumed', () => {
    const t = demoTicket('uma');
    const card = render({ ...t, check: { ...t.check!, contextAssumed: true } });
    expect(words(card)).toContain('phone not said (checked as Android) · asked for the help desk');
    expect(words(card)).toContain('for an Android phone: Uma Okafor (guest) did not say which');
  });
});

describe("the requester's cards say what the check with the remedy in place found", () => {
  const lena = demoTicket('lena');
  const blocked: AfterCheck = { at: AT.toISOString(), clears: false, blocking: lena.check!.blocking };
  const through: AfterCheck = { at: AT.toISOString(), clears: true, blocking: [] };
  const delivery = (after?: AfterCheck) =>
    tapDeliveryCard({ ticketId: lena.id, value: 'Xy7-SECRET', start: AT.toISOString(), end: AT.toISOString(), oneTime: false, platform: 'android', ...(after ? { after } : {}) });

  it('a TAP that does not get them through: said, with the policy; never "add your passkey now"', () => {
    const c = delivery(blocked);
    expect(cardProblems(c, null)).toEqual([]);
    expect(words(c)).toMatch(/^Your Temporary Access Pass \(it will not get you through yet\)\nThe help desk issued this pass, but with it you are still blocked: Authenticator asks for the passkey you are creating \(the policy "Passkey pilot/);
    expect(words(c)).toContain('How to use it, once the help desk says it works');
  });

  it('a TAP that does: "It works now"', () => {
    expect(words(delivery(through))).toContain('It works now: with this pass nothing else blocks you.');
    expect(words(delivery())).not.toContain('It works now');
  });

  it('an exemption that does not: never "switched off for you"', () => {
    const exemption = { by: HANA, at: AT.toISOString(), groupId: 'g', start: AT.toISOString(), end: AT.toISOString() };
    const c = ticketUpdateCard(ticketUpdateFor({ ...lena, exemption: { ...exemption, after: blocked } }, 'exemptionGranted'));
    expect(cardProblems(c, null)).toEqual([]);
    expect(words(c)).toMatch(/^The help desk exempted you, but you are still blocked/);
    expect(words(c)).not.toContain('switched off');
    expect(words(ticketUpdateCard(ticketUpdateFor({ ...lena, exemption: { ...exemption, after: through } }, 'exemptionGranted')))).toContain('switched off for you: checked with it, nothing else blocks you');
  });

  it('a follow-up: added to the ticket, and who has it', () => {
    const c = ticketUpdateCard(followUpUpdate({ ...lena, assignee: HANA, status: 'taken' }));
    expect(cardProblems(c, null)).toEqual([]);
    expect(words(c)).toMatch(/^Added to your ticket PK-7Q3D\nHana Kim from the help desk has it/);
    expect(words(ticketUpdateCard(followUpUpdate({ ...lena, channelPostPending: { since: AT.toISOString(), attempts: 1, error: 'x' } })))).toContain('has not reached the help desk yet');
  });
});
