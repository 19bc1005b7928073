// The help-desk cards, for tickets built from the demo personas' real diagnoses in every state a
// ticket goes through: valid for the SDK, small, Universal Actions the bot knows, the right buttons
// for the state, and a Temporary Access Pass value on the requester's delivery card and nowhere else.
import { evidenceWords } from '../../src/cards/evidence-words';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TICKET_BUTTONS,
  TICKET_INPUTS,
  TICKET_VERBS,
  adviceFor,
  diagnosisCard,
  tapDeliveryCard,
  ticketCard,
  ticketConfirmationCard,
  ticketResolvedCard,
  ticketUpdateCard,
  ticketUpdateFor,
  type AdaptiveCard,
  type TicketCardOptions,
  type TicketUpdateKind,
} from '../../src/cards';
import { findingCopy, HEADINGS } from '../../src/cards/copy';
import { parseSubmit } from '../../src/conversation/submit';
import { diagnose, type Diagnosis } from '../../src/diagnosis';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { cardProblems, executes, inputs, nodes, submits, words, withoutDetails } from './check-card';

const SESSION = 'session-9';
const SECRET = 'Xy7-SECRET-TAP';
const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string; userPrincipalName: string; jobTitle: string }[] = snapshot.users;

function personaDiagnosis(name: string): Diagnosis {
  const user = users.find((u) => u.displayName.startsWith(name));
  if (!user) throw new Error(`no persona ${name}`);
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, user.id), { platform: 'android', at: new Date(snapshot.demoClock) });
}

const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim', userPrincipalName: 'hana@contoso.com' };
const GROUP = 'Passkey registration exemption';

const OPTIONS: TicketCardOptions = {
  tap: { lifetimes: [30, 60, 120], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false },
  exemption: { hours: [1, 2, 4, 8, 24], groupName: GROUP },
  now: '2026-10-05T14:30:00Z',
};

function openTicket(persona: string, diagnosis: Diagnosis | null = personaDiagnosis(persona)): Ticket {
  const user = users.find((u) => u.displayName.startsWith(persona))!;
  return {
    id: 'PK-7Q3D',
    createdAt: '2026-10-05T09:55:00.000Z',
    status: 'open',
    requester: { aadObjectId: user.id, name: user.displayName, userPrincipalName: user.userPrincipalName },
    reason: 'requestTap',
    diagnosis,
    errorIds: { requestId: '5f0c1e2a-0000-4000-8000-000000000001', correlationId: '9b1d2c3e-0000-4000-8000-000000000002', timestamp: '2026-10-05T09:50:12Z' },
    transcript: ['Started the diagnosis', 'Android 14', 'Pasted an error page'],
    history: [{ at: '2026-10-05T09:55:00.000Z', by: user.displayName, text: 'Ticket opened' }],
  };
}

const TAP = { by: HANA, at: '2026-10-05T09:59:00.000Z', start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T11:00:00.000Z', oneTime: true, methodId: 'tap-method-1' };
const EXEMPTION = { by: HANA, at: '2026-10-05T09:59:00.000Z', groupId: 'group-1', start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T14:00:00.000Z' };

/** Every state a ticket goes through, and the options the card is rendered with. */
const STATES: Record<string, { ticket: (t: Ticket) => Ticket; options?: Partial<TicketCardOptions> }> = {
  open: { ticket: (t) => t },
  taken: { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA }) },
  'TAP issued': { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA, tap: TAP }) },
  exempted: { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA, exemption: EXEMPTION }), options: { now: '2026-10-05T12:00:00Z' } },
  'exemption removed': { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA, exemption: { ...EXEMPTION, removedAt: '2026-10-05T14:00:05.000Z' } }) },
  'exemption removal failed': { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA, exemption: { ...EXEMPTION, removalError: 'Graph said 403 Forbidden' } }) },
  resolved: {
    ticket: (t) => ({ ...t, status: 'resolved', assignee: HANA, tap: TAP, resolution: { by: HANA, at: '2026-10-05T11:10:00.000Z', note: 'Passkey added with the TAP.' } }),
  },
  'guest with refusal': { ticket: (t) => t, options: { tap: { ...OPTIONS.tap, refusal: 'A TAP cannot be issued: the user is a guest' } } },
  'no exemption configured': { ticket: (t) => ({ ...t, status: 'taken', assignee: HANA }), options: { exemption: undefined } },
};

const render = (ticket: Ticket, state: string) => ticketCard(ticket, { ...OPTIONS, ...STATES[state].options });
/** The verbs of the visible buttons (the refresh action is not a button). */
const buttons = (card: AdaptiveCard) => executes({ actions: card.actions }).map((e) => e.verb);
const input = (card: AdaptiveCard, id: string) => inputs(card).find((i) => i.id === id);
const choiceValues = (i: Record<string, unknown> | undefined) => ((i?.choices as { value: string }[]) ?? []).map((c) => c.value);
const details = (card: AdaptiveCard) => (card.body ?? []).find((e) => (e as { id?: string }).id === 'details') as object;

/** Every card the requester or the help desk may see for a ticket, except the TAP delivery. */
function everyOtherCard(ticket: Ticket): AdaptiveCard[] {
  const kinds: TicketUpdateKind[] = ['taken', 'tapIssued', 'exemptionGranted', 'exemptionEnded', 'resolved', 'reopened'];
  const full: Ticket = { ...ticket, assignee: HANA, tap: TAP, exemption: EXEMPTION, resolution: { by: HANA, at: TAP.end, note: 'Done' } };
  return [
    ...Object.keys(STATES).map((state) => render(STATES[state].ticket(ticket), state)),
    ticketConfirmationCard(ticket),
    ...kinds.map((kind) => ticketUpdateCard(ticketUpdateFor(full, kind))),
    ticketResolvedCard({ ticketId: ticket.id, note: 'Done', by: HANA, session: SESSION }),
  ];
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;
const SIGN_IN = { at: '2026-10-05T09:47:31Z', app: 'Microsoft Authenticator', errorCode: 53003, failedPolicies: ['Finance'], requestId: 'r-1', seenAt: '2026-10-05T09:50:00.000Z' };

const personas = users.map((u) => u.displayName.split(' ')[0]);

describe.each(personas)('%s', (persona) => {
  const base = openTicket(persona);

  it.each(Object.keys(STATES))('the ticket card when %s passes the checker, with Universal Actions the bot knows', (state) => {
    const ticket = STATES[state].ticket(base);
    const card = render(ticket, state);
    expect(cardProblems(card, null)).toEqual([]);
    for (const e of executes(card)) {
      expect(TICKET_VERBS).toContain(e.verb);
      expect(e.data).toEqual({ ticketId: ticket.id });
    }
    expect(card.refresh).toEqual({ action: { type: 'Action.Execute', verb: 'ticket.refresh', data: { ticketId: ticket.id } } });
    expect(submits(card)).toEqual([]);
  });

  it('no ticket or requester card shows a raw ISO timestamp (Teams localises its own {{TIME()}}/{{DATE()}} functions)', () => {
    const shown = (card: AdaptiveCard) => words(card).replace(/\{\{(TIME|DATE)\([^)]*\)\}\}/g, '');
    const cards = [
      ...everyOtherCard(base),
      ...everyOtherCard({ ...base, signIn: SIGN_IN, signInRelook: { nextAt: '2026-10-05T10:05:00.000Z', done: false } } as Ticket),
      tapDeliveryCard({ ticketId: base.id, value: SECRET, start: TAP.start, end: TAP.end, oneTime: true, platform: 'android' }),
    ];
    for (const card of cards) expect(shown(card)).not.toMatch(ISO);
    // The guard itself sees one: an ISO time left in a line would fail it.
    expect(`History ${TAP.start}`).toMatch(ISO);
  });

  it('the requester cards pass the checker', () => {
    expect(cardProblems(ticketConfirmationCard(base), null)).toEqual([]);
    expect(cardProblems(tapDeliveryCard({ ticketId: base.id, value: SECRET, start: TAP.start, end: TAP.end, oneTime: true, platform: 'android' }), null)).toEqual([]);
    expect(cardProblems(ticketResolvedCard({ ticketId: base.id, note: 'Passkey added.', by: 'Hana Kim', session: SESSION }), SESSION)).toEqual([]);
    expect(cardProblems(ticketUpdateCard(ticketUpdateFor({ ...base, assignee: HANA }, 'taken')), null)).toEqual([]);
  });

  it('shows the diagnosis: cause, one line per finding with its policies, evidence and transcript under Show details', () => {
    const card = render(base, 'open');
    const diagnosis = base.diagnosis!;
    const advice = adviceFor(diagnosis, { tapOffered: true });
    const visible = words(withoutDetails(card));
    expect(visible).toContain(advice.cause);
    for (const f of diagnosis.findings) {
      const line = nodes(card).find((n) => n.type === 'RichTextBlock' && words(n).startsWith(`${findingCopy(f.code).title}\n`));
      expect(line).toBeDefined();
      for (const name of f.policies.map((r) => r.name)) expect(words(line)).toContain(name);
    }
    expect(details(card)).toMatchObject({ type: 'Container', isVisible: false });
    for (const line of diagnosis.findings.flatMap((f) => evidenceWords(f))) expect(words(details(card))).toContain(line);
    for (const line of base.transcript) {
      expect(words(details(card))).toContain(line);
      expect(visible).not.toContain(line);
    }
    for (const step of advice.steps.helpdesk.flatMap((g) => g.steps)) expect(visible).toContain(step);
  });

  it('shows the status as a compact coloured label beside the creation time, not a box', () => {
    const card = render(base, 'open');
    const label = nodes(card).find((n) => n.type === 'TextRun' && n.text === 'Open');
    expect(label).toMatchObject({ color: 'Warning', weight: 'Bolder', size: 'Small' });
    expect(nodes(card).some((n) => n.type === 'Container' && ['warning', 'accent', 'good'].includes(String(n.style)))).toBe(false);
  });

  it('never shows a TAP value except on the delivery card', () => {
    const delivery = tapDeliveryCard({ ticketId: base.id, value: SECRET, start: TAP.start, end: TAP.end, oneTime: true, platform: 'android' });
    expect(JSON.stringify(delivery)).toContain(SECRET);
    // Even a ticket object that (against its type) carries the value must not leak it into a card.
    const smuggled = { ...base, tapValue: SECRET, tap: { ...TAP, value: SECRET } } as unknown as Ticket;
    for (const card of [...everyOtherCard(base), ...everyOtherCard(smuggled)]) expect(JSON.stringify(card)).not.toContain(SECRET);
  });
});

describe('the ticket card says what happened, and offers what can be done next', () => {
  const lena = openTicket('Lena');
  const card = (state: string, ticket: Ticket = lena) => render(STATES[state].ticket(ticket), state);

  it('has the header: ticket id, status badge, requester name and UPN, created time, phone and reason', () => {
    const c = card('open');
    expect(c.body?.[0]).toMatchObject({ type: 'TextBlock', text: 'Passkey ticket PK-7Q3D' });
    const text = words(c);
    expect(text).toContain('Open');
    expect(text).toContain('Lena Fischer · lena@contoso.com');
    expect(text).toContain('Created 5 Oct, 09:55 UTC');
    expect(text).toContain('Android · asked for a Temporary Access Pass');
    expect(words(card('taken'))).toContain('Taken by Hana Kim');
    expect(words(card('resolved'))).toMatch(/^Resolved$/m);
  });

  it('shows the error ids from the error page', () => {
    const text = words(withoutDetails(card('open')));
    for (const s of ['Request Id', '5f0c1e2a-0000-4000-8000-000000000001', 'Correlation Id', '9b1d2c3e-0000-4000-8000-000000000002', 'Timestamp', '5 Oct, 09:50:12 UTC']) {
      expect(text).toContain(s);
    }
    expect(words(render({ ...lena, errorIds: {} }, 'open'))).not.toContain('Request Id');
  });

  it('keeps only the last 10 lines of what the user tried', () => {
    const transcript = Array.from({ length: 12 }, (_, i) => `Step number ${i + 1}.`);
    const text = words(details(render({ ...lena, transcript }, 'open')));
    expect(text).not.toContain('Step number 2.');
    for (const line of transcript.slice(2)) expect(text).toContain(line);
  });

  it('open: Take, Issue a TAP, Exempt and Resolve; no Reopen', () => {
    expect(buttons(card('open'))).toEqual(['ticket.take', 'ticket.issueTap', 'ticket.grantExemption', 'ticket.resolve']);
  });

  it('taken: no Take any more', () => {
    expect(buttons(card('taken'))).toEqual(['ticket.issueTap', 'ticket.grantExemption', 'ticket.resolve']);
  });

  it('offers exactly the configured TAP lifetimes, with the default chosen, and the one-time choice', () => {
    const c = card('open');
    const lifetime = input(c, TICKET_INPUTS.tapLifetime);
    expect(lifetime).toMatchObject({ type: 'Input.ChoiceSet', value: '60', isRequired: true });
    expect(choiceValues(lifetime)).toEqual(['30', '60', '120']);
    expect(words(lifetime)).toContain('30 minutes');
    expect(words(lifetime)).toContain('2 hours');
    expect(input(c, TICKET_INPUTS.tapOneTime)).toMatchObject({ type: 'Input.Toggle', valueOn: 'true', valueOff: 'false', value: 'true' });
    const other = ticketCard(lena, { ...OPTIONS, tap: { lifetimes: [15, 480], defaultLifetime: 480, oneTimeChoice: false, forcedOneTime: false } });
    expect(choiceValues(input(other, TICKET_INPUTS.tapLifetime))).toEqual(['15', '480']);
    expect(input(other, TICKET_INPUTS.tapLifetime)).toMatchObject({ value: '480' });
    expect(input(other, TICKET_INPUTS.tapOneTime)).toBeUndefined();
    expect(cardProblems(other, null)).toEqual([]);
  });

  it('says so when the TAP policy forces one-time passes, and offers no choice', () => {
    const c = ticketCard(lena, { ...OPTIONS, tap: { ...OPTIONS.tap, oneTimeChoice: true, forcedOneTime: true } });
    expect(cardProblems(c, null)).toEqual([]);
    expect(input(c, TICKET_INPUTS.tapOneTime)).toBeUndefined();
    expect(words(c)).toContain('policy makes every pass one-time use');
  });

  it('tells the agent the TAP goes to the user privately, never to the channel', () => {
    expect(words(card('open'))).toContain('The bot sends it to them privately in their chat; it is never shown here.');
  });

  it('after a TAP: "TAP issued 10:00–11:00" by whom, one-time noted; no second Issue button within its window, a new one after it', () => {
    const c = card('TAP issued');
    expect(words(c)).toContain('TAP issued 10:00–11:00 UTC by Hana Kim, one-time use (expired)');
    expect(buttons(c)).toEqual(['ticket.issueTap', 'ticket.grantExemption', 'ticket.resolve']);
    const within = ticketCard({ ...lena, status: 'taken', assignee: HANA, tap: TAP }, { ...OPTIONS, now: '2026-10-05T10:30:00Z' });
    expect(buttons(within)).toEqual(['ticket.grantExemption', 'ticket.resolve']);
    expect(input(within, TICKET_INPUTS.tapLifetime)).toBeUndefined();
    const reusable = render({ ...lena, tap: { ...TAP, oneTime: false } }, 'open');
    expect(words(reusable)).toContain('TAP issued 10:00–11:00 UTC by Hana Kim, reusable');
    const beforeEnd = ticketCard({ ...lena, tap: TAP }, { ...OPTIONS, now: '2026-10-05T10:30:00Z' });
    expect(words(beforeEnd)).not.toContain('(expired)');
  });

  it('a guest: the refusal sentence instead of the Issue button', () => {
    const uma = openTicket('Uma');
    const c = render(uma, 'guest with refusal');
    expect(words(c)).toContain('A TAP cannot be issued: the user is a guest');
    expect(buttons(c)).toEqual(['ticket.take', 'ticket.grantExemption', 'ticket.resolve']);
    expect(words(c)).toContain(findingCopy('tap-unavailable-for-guest').title);
    // Once resolved, the refusal is no longer news.
    expect(words(ticketCard({ ...uma, status: 'resolved' }, { ...OPTIONS, ...STATES['guest with refusal'].options }))).not.toContain('A TAP cannot be issued');
  });

  it('offers exactly the configured exemption hours, naming the group and the compensating controls', () => {
    const c = card('taken');
    const hours = input(c, TICKET_INPUTS.exemptionHours);
    expect(hours).toMatchObject({ type: 'Input.ChoiceSet', value: '1' });
    expect(choiceValues(hours)).toEqual(['1', '2', '4', '8', '24']);
    expect(words(hours)).toContain('1 hour');
    expect(words(hours)).toContain('24 hours');
    const form = words(c.actions?.find((a) => (a as { title?: string }).title === TICKET_BUTTONS.exemptShow));
    expect(form).toContain(`"${GROUP}"`);
    expect(form).toContain('for the time you choose only');
    expect(form).toContain('tells them the window and removes the exemption when it ends');
    expect(form).toContain('contact the help desk again');
    expect(form).toContain('only from a trusted location or a compliant device');
    expect(form).toContain('"Passkey pilot: passkey in Authenticator everywhere"');
  });

  it('warns when no Conditional Access policy blocks, so an exemption may not help', () => {
    expect(words(render(openTicket('Pia'), 'open'))).toContain('an exemption may not help');
  });

  it('no exclusion group configured: no exemption button', () => {
    const c = card('no exemption configured');
    expect(buttons(c)).toEqual(['ticket.issueTap', 'ticket.resolve']);
    expect(input(c, TICKET_INPUTS.exemptionHours)).toBeUndefined();
  });

  it('an active exemption: its window and group, and no second exemption', () => {
    const c = card('exempted');
    expect(words(c)).toContain(`Exempted 10:00–14:00 UTC (group "${GROUP}") by Hana Kim`);
    expect(buttons(c)).toEqual(['ticket.issueTap', 'ticket.resolve']);
    expect(words(c)).not.toContain('has not been removed');
  });

  it('an exemption past its end but not removed yet is flagged', () => {
    const c = ticketCard({ ...lena, exemption: EXEMPTION }, OPTIONS);
    expect(words(c)).toContain('The exemption window ended at 14:00 UTC, but it has not been removed yet.');
    expect(buttons(c)).not.toContain('ticket.grantExemption');
  });

  it('a removed exemption: says when, and a new one can be granted', () => {
    const c = card('exemption removed');
    expect(words(c)).toContain('Exemption removed at 14:00 UTC');
    expect(buttons(c)).toContain('ticket.grantExemption');
  });

  it('a failed removal: the error, and what to do by hand', () => {
    const c = card('exemption removal failed');
    expect(words(c)).toContain('The exemption could not be removed: Graph said 403 Forbidden. Remove Lena Fischer from the group');
    expect(buttons(c)).not.toContain('ticket.grantExemption');
  });

  it('resolved: who and the note, and only Reopen', () => {
    const c = card('resolved');
    expect(words(c)).toContain('Resolved by Hana Kim: Passkey added with the TAP.');
    expect(buttons(c)).toEqual(['ticket.reopen']);
    expect(inputs(c)).toEqual([]);
  });

  it('Resolve asks for a note: "What fixed it?"', () => {
    expect(input(card('taken'), TICKET_INPUTS.note)).toMatchObject({ type: 'Input.Text', placeholder: 'What fixed it?' });
  });

  it('without a diagnosis: still a useful card', () => {
    const c = render(openTicket('Lena', null), 'open');
    expect(cardProblems(c, null)).toEqual([]);
    expect(words(c)).toContain('Not diagnosed');
    expect(words(c)).toContain('Request Id');
    expect(words(c)).toContain('asked for a Temporary Access Pass');
  });

  it('a diagnosis without help-desk steps gets the generic one', () => {
    expect(adviceFor(personaDiagnosis('Pia'), { tapOffered: true }).steps.helpdesk).toEqual([]);
    expect(words(render(openTicket('Pia'), 'open'))).toContain(`${HEADINGS.helpdesk}\n1.\nRead the diagnosis and its evidence`);
  });

  it('stays under the size limit with a long transcript and history', () => {
    const long = 'x'.repeat(400);
    const ticket: Ticket = {
      ...STATES['exemption removal failed'].ticket(openTicket('Tom')),
      transcript: Array.from({ length: 50 }, () => long),
      history: Array.from({ length: 50 }, (_, i) => ({ at: TAP.at, by: 'Hana Kim', text: `${i} ${long}` })),
    };
    expect(cardProblems(render(ticket, 'open'), null)).toEqual([]);
  });

  it('refuses TAP options it cannot show', () => {
    expect(() => ticketCard(lena, { ...OPTIONS, tap: { ...OPTIONS.tap, lifetimes: [] } })).toThrow(/lifetimes is empty/);
    expect(() => ticketCard(lena, { ...OPTIONS, tap: { ...OPTIONS.tap, defaultLifetime: 45 } })).toThrow(/45 is not one of the lifetimes 30, 60, 120/);
    expect(() => ticketCard(lena, { ...OPTIONS, exemption: { hours: [], groupName: GROUP } })).toThrow(/hours is empty/);
  });
});

describe('times on the cards, in the reader\'s zone', () => {
  const base = openTicket('Lena');
  const BERLIN = 'Europe/Berlin';

  it('the ticket card shows every time in the help desk\'s zone (HELPDESK_TIMEZONE), naming it', () => {
    const text = words(ticketCard({ ...base, status: 'taken', assignee: HANA, tap: TAP }, { ...OPTIONS, timeZone: BERLIN }));
    expect(text).toContain('Created 5 Oct, 11:55 CEST');
    expect(text).toContain('TAP issued 12:00–13:00 CEST by Hana Kim');
    expect(text).toContain('5 Oct, 11:50:12 CEST'); // the error page's timestamp
    expect(text).toContain('5 Oct, 11:55 CEST: Ticket opened');
    expect(text).toContain('Updated 5 Oct, 16:30 CEST');
    expect(text).not.toContain('UTC');
  });

  it('a window across midnight names both dates', () => {
    const text = words(ticketCard({ ...base, status: 'taken', assignee: HANA, exemption: { ...EXEMPTION, start: '2026-10-05T20:00:00.000Z', end: '2026-10-06T04:00:00.000Z' } }, { ...OPTIONS, timeZone: BERLIN }));
    expect(text).toContain('Exempted 5 Oct, 22:00 – 6 Oct, 06:00 CEST');
  });

  it('the employee\'s diagnosis card says when it checked, in their zone; UTC when it is unknown', () => {
    const d = personaDiagnosis('Lena');
    const shown = (timeZone?: string) => words(diagnosisCard(d, { session: SESSION, tapOffered: false, ...(timeZone ? { timeZone } : {}) }));
    expect(shown(BERLIN)).toMatch(/Checked\n\d{1,2} [A-Z][a-z]{2}, \d\d:\d\d CES?T/);
    expect(shown()).toMatch(/Checked\n\d{1,2} [A-Z][a-z]{2}, \d\d:\d\d UTC/);
    expect(shown(BERLIN)).not.toMatch(ISO);
  });

  it('the requester\'s cards give the window in their own zone', () => {
    const full: Ticket = { ...base, tap: TAP, exemption: EXEMPTION };
    expect(ticketUpdateFor(full, 'tapIssued', BERLIN).facts).toEqual([{ title: 'Valid', value: '12:00–13:00 CEST' }]);
    expect(ticketUpdateFor(full, 'exemptionGranted', 'Asia/Tokyo').facts).toEqual([{ title: 'Window', value: '19:00–23:00 GMT+9' }]);
    expect(ticketUpdateFor(full, 'tapIssued').facts).toEqual([{ title: 'Valid', value: '10:00–11:00 UTC' }]);
    const delivery = tapDeliveryCard({ ticketId: base.id, value: SECRET, start: TAP.start, end: TAP.end, oneTime: true, platform: 'android', timeZone: BERLIN });
    expect(words(delivery)).toContain('Valid 12:00–13:00 CEST.');
  });
});

describe('tapDeliveryCard', () => {
  const delivery = (oneTime: boolean, platform: 'android' | 'iOS' = 'android') =>
    tapDeliveryCard({ ticketId: 'PK-7Q3D', value: SECRET, start: TAP.start, end: TAP.end, oneTime, platform });

  it('shows the pass large and monospace, with its window in local and UTC time', () => {
    const c = delivery(true);
    expect(cardProblems(c, null)).toEqual([]);
    expect(nodes(c).find((n) => n.text === SECRET)).toMatchObject({ type: 'TextRun', fontType: 'Monospace', size: 'ExtraLarge' });
    const text = words(c);
    expect(text).toContain('Valid from {{TIME(2026-10-05T10:00:00Z)}} to {{TIME(2026-10-05T11:00:00Z)}}, {{DATE(2026-10-05T10:00:00Z, SHORT)}} (your time).');
    expect(text).toContain('Valid 10:00–11:00 UTC.');
    expect(c.actions ?? []).toEqual([]);
  });

  it('says one-time or reusable, how to use it, and not to share it', () => {
    expect(words(delivery(true))).toContain('It works once');
    expect(words(delivery(false))).toContain('You can use it more than once until it expires');
    const text = words(delivery(true, 'iOS'));
    for (const s of ['Open Microsoft Authenticator on your iPhone.', 'Work or school account', 'sign in with the Temporary Access Pass', 'add the passkey', 'Don’t share this pass']) {
      expect(text).toContain(s);
    }
    expect(words(delivery(true))).toContain('Open Microsoft Authenticator on your Android phone.');
  });

  it('refuses an empty pass', () => {
    expect(() => tapDeliveryCard({ ticketId: 'PK-7Q3D', value: ' ', start: TAP.start, end: TAP.end, oneTime: true, platform: 'android' })).toThrow(/no Temporary Access Pass value/);
  });
});

describe('the requester cards', () => {
  const lena = openTicket('Lena');

  it('confirmation: the ticket id, what happens next, no buttons', () => {
    const c = ticketConfirmationCard(lena);
    expect(cardProblems(c, null)).toEqual([]);
    const text = words(c);
    expect(c.body?.[0]).toMatchObject({ text: 'Your ticket PK-7Q3D is with the help desk' });
    expect(text).toContain('A help-desk agent will look at');
    expect(text).toContain('You will get a message here when they act on it.');
    expect(text).toContain('you will receive it here, privately, with the time it is valid');
    expect(text).toContain('Quote PK-7Q3D');
    expect(executes(c)).toEqual([]);
    expect(submits(c)).toEqual([]);
  });

  it('update: title, paragraphs and facts, with the ticket id', () => {
    const c = ticketUpdateCard({ ticketId: 'PK-7Q3D', title: 'Hello', text: 'First.\n\nSecond.', facts: [{ title: 'When', value: 'Now' }] });
    expect(cardProblems(c, null)).toEqual([]);
    expect(words(c)).toBe('Hello\nFirst.\nSecond.\nWhen\nNow\nTicket\nPK-7Q3D');
  });

  it.each(['taken', 'tapIssued', 'exemptionGranted', 'exemptionEnded', 'resolved', 'reopened'] as TicketUpdateKind[])('update for %s passes the checker', (kind) => {
    const ticket: Ticket = { ...lena, assignee: HANA, tap: TAP, exemption: EXEMPTION, resolution: { by: HANA, at: TAP.end, note: 'Done' } };
    expect(cardProblems(ticketUpdateCard(ticketUpdateFor(ticket, kind)), null)).toEqual([]);
  });

  it('the exemption update gives the window and what to do, with the compensating control', () => {
    const text = words(ticketUpdateCard(ticketUpdateFor({ ...lena, exemption: EXEMPTION }, 'exemptionGranted')));
    expect(text).toContain('Until {{TIME(2026-10-05T14:00:00Z)}} (your time)');
    expect(text).toContain('10:00–14:00');
    expect(text).toContain('office network or a company-managed device');
    expect(text).toContain('If you miss it, contact the help desk');
    expect(() => ticketUpdateFor(lena, 'exemptionGranted')).toThrow(/no exemption/);
  });

  it('resolved: "Did this fix it?" with Yes and No, tied to the ticket (and the session when given)', () => {
    const c = ticketResolvedCard({ ticketId: 'PK-7Q3D', note: 'Passkey added.', by: HANA, session: SESSION });
    expect(cardProblems(c, SESSION)).toEqual([]);
    expect(words(c)).toContain('Hana Kim from the help desk wrote:\nPasskey added.');
    expect(words(c)).toContain('Did this fix it?');
    expect(submits(c)).toEqual([
      { action: 'ticketFixed', ticketId: 'PK-7Q3D', session: SESSION },
      { action: 'ticketReopen', ticketId: 'PK-7Q3D', session: SESSION },
    ]);
    expect(words(c)).toContain(TICKET_BUTTONS.fixed);
    expect(words(c)).toContain(TICKET_BUTTONS.notFixed);
    for (const data of submits(c)) expect(parseSubmit(data)).toEqual({ submit: data });
  });

  it('resolved without a session or a note', () => {
    const c = ticketResolvedCard({ ticketId: 'PK-7Q3D', note: ' ', by: 'Hana Kim', session: '' });
    expect(cardProblems(c, null)).toEqual([]);
    expect(submits(c)).toEqual([
      { action: 'ticketFixed', ticketId: 'PK-7Q3D' },
      { action: 'ticketReopen', ticketId: 'PK-7Q3D' },
    ]);
    expect(words(c)).toContain('Hana Kim from the help desk marked it as resolved.');
  });
});
