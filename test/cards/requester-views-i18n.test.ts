// The requester's cards in their own language: the confirmation, the Temporary Access Pass and
// every update read in German (and each catalogue language) with the window in the reader's locale
// and zone ("10:00–11:00 MEZ"); English stays word for word as before; every card passes the
// checker in every language.
import { tapDeliveryCard, ticketConfirmationCard, ticketResolvedCard, ticketUpdateCard, ticketUpdateFor, type TicketUpdateKind } from '../../src/cards';
import { blockersInWords, policiesInWords } from '../../src/cards/requester-views';
import { LANGUAGES, messagesFor } from '../../src/i18n';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { cardProblems, words } from './check-card';

const SECRET = 'Xy7-SECRET-TAP';
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim', userPrincipalName: 'hana@contoso.com' };
// Winter in Berlin: 10:00–11:00 MEZ (CET); in Tokyo 18:00–19:00 JST.
const START = '2026-11-27T09:00:00.000Z';
const END = '2026-11-27T10:00:00.000Z';

const ticket: Ticket = {
  id: 'PK-7Q3D',
  createdAt: '2026-11-27T08:50:00.000Z',
  status: 'taken',
  requester: { aadObjectId: 'lena-id', name: 'Lena Vogel', userPrincipalName: 'lena@contoso.com' },
  assignee: HANA,
  reason: 'requestTap',
  diagnosis: null,
  transcript: [],
  history: [],
  tap: { by: HANA, at: '2026-11-27T08:59:00.000Z', start: START, end: END, oneTime: true, methodId: 'tap-1' },
  exemption: { by: HANA, at: '2026-11-27T08:59:00.000Z', groupId: 'group-1', start: START, end: END },
  resolution: { by: HANA, at: '2026-11-27T11:00:00.000Z', note: 'Passkey added.' },
  signIn: { at: '2026-11-27T08:40:00.000Z', failedPolicies: ['Require compliant device'] },
} as unknown as Ticket;

const KINDS: TicketUpdateKind[] = ['taken', 'tapIssued', 'exemptionGranted', 'exemptionEnded', 'resolved', 'reopened', 'posted', 'signInSeen'];
const tap = (language: Parameters<typeof messagesFor>[0], timeZone?: string) =>
  tapDeliveryCard({ ticketId: ticket.id, value: SECRET, start: START, end: END, oneTime: true, platform: 'iOS', timeZone }, messagesFor(language));

describe('the requester cards in the requester\'s language', () => {
  it('English is word for word as before', () => {
    const card = words(tap('en', 'Europe/Berlin'));
    expect(card).toContain('Your Temporary Access Pass');
    expect(card).toContain('Valid 10:00–11:00 CET.');
    expect(card).toContain('Open Microsoft Authenticator on your iPhone.');
    expect(card).toContain('Don’t share this pass with anyone, not even the help desk: it signs in as you until it expires.');
    expect(words(ticketConfirmationCard(ticket))).toContain('Your ticket PK-7Q3D is with the help desk');
    expect(words(ticketUpdateCard(ticketUpdateFor(ticket, 'taken')))).toContain('Hana Kim from the help desk is looking at your ticket.');
    expect(policiesInWords(['A', 'B', 'C'])).toBe('the policies "A", "B" and "C"');
    expect(blockersInWords([{ code: 'ca-approved-client-app', policyNames: ['Require approved app'] }])).toBe('A sign-in rule does not accept Authenticator (the policy "Require approved app")');
    expect(blockersInWords([])).toBe('something in your organisation');
  });

  it('a German requester (de-DE, Europe/Berlin) reads the pass in German, the window with its end and "MEZ"', () => {
    const card = tap('de', 'Europe/Berlin');
    const text = words(card);
    expect(text).toContain('Ihr Befristeter Zugriffspass');
    expect(text).toContain('Gültig 10:00–11:00 MEZ.');
    expect(text).toContain('Öffnen Sie Microsoft Authenticator auf Ihrem iPhone.');
    expect(text).toContain(SECRET);
    expect(text).not.toContain('Your Temporary Access Pass');
    expect(cardProblems(card, null)).toEqual([]);
  });

  it('a German update names the window in German and the failed policy in German quotes', () => {
    const de = messagesFor('de');
    expect(words(ticketUpdateCard(ticketUpdateFor(ticket, 'tapIssued', 'Europe/Berlin', de), de))).toContain('10:00–11:00 MEZ');
    expect(words(ticketUpdateCard(ticketUpdateFor(ticket, 'signInSeen', 'Europe/Berlin', de), de))).toContain('durch die Richtlinie „Require compliant device“ blockiert');
    expect(words(ticketResolvedCard({ ticketId: ticket.id, note: '', by: HANA }, de))).toContain('Hana Kim vom Helpdesk hat es als gelöst markiert.');
    // What still blocks: the finding in German, the policy as the tenant named it, in German quotes.
    expect(blockersInWords([{ code: 'ca-approved-client-app', policyNames: ['Require approved app'] }], de)).toBe('Eine Anmelderegel lässt Authenticator nicht zu (die Richtlinie „Require approved app“)');
  });

  it('a Japanese requester (ja-JP, Asia/Tokyo) reads the pass in Japanese, the window in JST', () => {
    const card = tap('ja', 'Asia/Tokyo');
    const text = words(card);
    expect(text).toContain('一時アクセス パス');
    expect(text).toContain('有効期間: 18:00–19:00 JST。');
    expect(text).toContain('iPhone で Microsoft Authenticator を開きます。');
    expect(text).toContain(SECRET);
    expect(cardProblems(card, null)).toEqual([]);
    const ja = messagesFor('ja');
    expect(words(ticketUpdateCard(ticketUpdateFor(ticket, 'signInSeen', 'Asia/Tokyo', ja), ja))).toContain('サインイン ルール (ポリシー 「Require compliant device」)');
  });

  it.each(LANGUAGES)('%s: every requester card passes the checker and carries its ticket id', (language) => {
    const m = messagesFor(language);
    const cards = [
      ticketConfirmationCard(ticket, m),
      ticketConfirmationCard({ ...ticket, channelPostPending: { attempts: 1, nextAttemptAt: START } } as Ticket, m),
      tap(language, 'Europe/Berlin'),
      tapDeliveryCard({ ticketId: ticket.id, value: SECRET, start: START, end: END, oneTime: false, platform: 'android', after: { at: START, clears: false, blocking: [{ code: 'ca-approved-client-app', policyNames: ['Require compliant device'] }] } }, m),
      ...KINDS.map((kind) => ticketUpdateCard(ticketUpdateFor(ticket, kind, 'Europe/Berlin', m), m)),
    ];
    const resolved = ticketResolvedCard({ ticketId: ticket.id, note: 'Passkey added.', by: HANA, session: 's-1' }, m);
    expect(cardProblems(resolved, 's-1')).toEqual([]);
    for (const card of [...cards, resolved]) {
      expect(words(card)).toContain(ticket.id);
      // Read in the requester's language: no English sentence left over.
      if (language !== 'en') expect(words(card)).not.toMatch(/Temporary Access Pass|the help desk|Your ticket/);
    }
    for (const card of cards) expect(cardProblems(card, null)).toEqual([]);
  });
});
