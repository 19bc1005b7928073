// The employee's small cards in the pseudo-locale (en-XA: every catalogue text accented and 40 %
// longer): each still validates and fits Teams' size limit untrimmed, and no plain English word
// is left on it — a word that skipped the catalogue would show here unaccented. The data (names,
// ids) is chosen so that it has no plain lower-case English word of its own. The diagnosis and
// ticket cards have the same check in test/cards/*-languages.test.ts.
import {
  CARD_NAMES,
  errorCard,
  questionCard,
  tapDeliveryCard,
  ticketConfirmationCard,
  ticketResolvedCard,
  ticketUpdateCard,
  ticketUpdateFor,
  welcomeCard,
  type AdaptiveCard,
  type TicketUpdateKind,
} from '../../src/cards';
import { CARD_BYTE_BUDGET, TRIMMED_MARK } from '../../src/cards/render';
import { addText, answer, newIntake, nextQuestion, type IntakeState } from '../../src/conversation/intake';
import { messagesFor, PSEUDO_LANGUAGE } from '../../src/i18n';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { cardProblems, words } from '../cards/check-card';

const m = messagesFor(PSEUDO_LANGUAGE);
const AGENT: Person = { aadObjectId: 'agent-1', name: 'Øyvind Ås', userPrincipalName: 'OYVIND@CONTOSO.COM' };
const ticket = {
  id: 'PK-7Q3D',
  createdAt: '2026-11-27T08:50:00.000Z',
  status: 'taken',
  requester: { aadObjectId: 'req-1', name: 'Zoë Ünal', userPrincipalName: 'ZOE@CONTOSO.COM' },
  assignee: AGENT,
  reason: 'requestTap',
  diagnosis: null,
  transcript: [],
  history: [],
  tap: { by: AGENT, at: '2026-11-27T08:59:00.000Z', start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z', oneTime: true, methodId: 'tap-1' },
  exemption: { by: AGENT, at: '2026-11-27T08:59:00.000Z', groupId: 'g-1', start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' },
  resolution: { by: AGENT, at: '2026-11-27T11:00:00.000Z', note: 'ÖK' },
} as unknown as Ticket;
const KINDS: TicketUpdateKind[] = ['taken', 'tapIssued', 'exemptionGranted', 'exemptionEnded', 'resolved', 'reopened', 'posted'];

/** Plain lower-case words of four letters or more: English that did not go through the catalogue. */
function plainEnglish(card: AdaptiveCard): string[] {
  const text = words(card).replace(/https?:\/\/\S+/g, '');
  return [...new Set(text.match(/(?<![\p{L}\p{M}])[a-z]{4,}(?![\p{L}\p{M}])/gu) ?? [])];
}

/** Every question the intake can ask, in the order a user who answers "android" meets them. */
function questions(): ReturnType<typeof nextQuestion>[] {
  const out: ReturnType<typeof nextQuestion>[] = [];
  let s: IntakeState = addText(newIntake('s'), 'ÆØÅ', undefined, m);
  for (let q = nextQuestion(s, m); q && out.length < 8; q = nextQuestion(s, m)) {
    out.push(q);
    const r = answer(s, q.id, q.choices[0].value, m);
    if ('error' in r) break;
    s = r.state;
  }
  return out;
}

const cards: [string, AdaptiveCard, string | null][] = [
  ['welcome', welcomeCard({ session: 's', userName: 'Zoë', demoPersonas: [{ id: 'p-1', name: 'Zoë Ünal', scenario: 'ÆØÅ' }] }, m), 's'],
  ['error', errorCard({ message: m.t('errors.staleCard'), session: 's' }, m), 's'],
  ...questions().map((q, i): [string, AdaptiveCard, string] => [`question ${i + 1} (${q!.id})`, questionCard({ session: 's', questionId: q!.id, title: q!.title, text: q!.text, choices: q!.choices }, m), 's']),
  ['ticket confirmation', ticketConfirmationCard(ticket, m), null],
  ['TAP delivery', tapDeliveryCard({ ticketId: ticket.id, value: 'Q7-ÆØ', start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z', oneTime: true, platform: 'android', timeZone: 'Europe/Berlin' }, m), null],
  ...KINDS.map((kind): [string, AdaptiveCard, null] => [`update ${kind}`, ticketUpdateCard(ticketUpdateFor(ticket, kind, 'Europe/Berlin', m), m), null]),
  ['resolved', ticketResolvedCard({ ticketId: ticket.id, note: 'ÖK', by: AGENT }, m), null],
];

describe(`the employee's cards in the pseudo-locale (${PSEUDO_LANGUAGE}, 40 % longer)`, () => {
  it('covers the questions the intake asks', () => {
    expect(questions().length).toBeGreaterThanOrEqual(2);
    expect(CARD_NAMES).toContain('question');
  });

  it.each(cards)('%s: valid, untrimmed, under the size limit, and every word through the catalogue', (_name, card, session) => {
    expect(cardProblems(card, session)).toEqual([]);
    const json = JSON.stringify(card);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(json).not.toContain(TRIMMED_MARK);
    expect(plainEnglish(card)).toEqual([]);
  });

  it('the leak check sees English that skipped the catalogue', () => {
    expect(plainEnglish(errorCard({ message: 'Something broke here', session: 's' }, m))).toEqual(expect.arrayContaining(['broke', 'here']));
  });
});
