// Teams refuses cards over 28 KB, and a refused ticket card is a ticket nobody sees. Huge pastes,
// long transcripts, long notes and tenants with many policies must still give cards under the
// limit, say that something was trimmed, and leave the full text in the ticket.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisCard, ticketCard, ticketConfirmationCard, ticketUpdateCard, ticketUpdateFor, welcomeCard, type AdaptiveCard, type TicketCardOptions } from '../../src/cards';
import { diagnose, type Diagnosis, type Evidence } from '../../src/diagnosis';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { MAX_CARD_BYTES, cardProblems, nodes, words, withoutDetails } from './check-card';

const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string; userPrincipalName: string }[] = snapshot.users;
const lena = users.find((u) => u.displayName.startsWith('Lena'))!;
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim', userPrincipalName: 'hana@contoso.com' };
const OPTIONS: TicketCardOptions = {
  tap: { lifetimes: [30, 60, 120], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false },
  exemption: { hours: [1, 2, 4, 8, 24], groupName: 'Passkey registration exemption' },
  now: '2026-10-05T14:30:00Z',
};

const bytes = (card: AdaptiveCard) => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** A pasted error page, repeated until it is `size` characters (with some non-ASCII text). */
function paste(size: number, seed = ''): string {
  const page = `${seed}Sorry, but we’re having trouble signing you in. AADSTS53003: Access has been blocked by Conditional Access policies. Request Id: 0f3c2a10-1111-4222-8333-944455556666 Correlation Id: 7a7a7a7a-1111-4222-8333-944455556666 Timestamp: 2026-10-05T13:59:12Z — Ünïcödé ✓ 日本語\n`;
  return page.repeat(Math.ceil(size / page.length)).slice(0, size);
}

function lenaDiagnosis(): Diagnosis {
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, lena.id), { platform: 'android', at: new Date(snapshot.demoClock) });
}

/** A tenant with many long-named policies: every finding carries a page of evidence. */
function hugeDiagnosis(): Diagnosis {
  const d = lenaDiagnosis();
  const name = (i: number) => `Policy ${i} ${'for the finance department in the western region '.repeat(5)}`;
  return {
    ...d,
    user: { ...d.user, displayName: `Lena ${'Müller-Lüdenscheidt '.repeat(40)}` },
    findings: d.findings.map((f) => ({
      ...f,
      policies: Array.from({ length: 60 }, (_, i) => ({ id: `p${i}`, name: name(i) })),
      evidence: [
        ...f.evidence,
        ...Array.from({ length: 120 }, (_, i): Evidence => ({
          kind: 'report-only-failure',
          policy: { id: `p${i}`, name: `${name(i)} applies to ${paste(400)}` },
          signIn: { id: `s${i}`, createdDateTime: '2026-10-05T13:52:00Z', errorCode: 53003 },
        })),
      ],
    })),
  };
}

function hugeTicket(): Ticket {
  return {
    id: 'PK-7Q3D',
    createdAt: '2026-10-05T09:55:00.000Z',
    status: 'resolved',
    requester: { aadObjectId: lena.id, name: lena.displayName, userPrincipalName: lena.userPrincipalName },
    reason: 'contactHelpDesk',
    diagnosis: hugeDiagnosis(),
    errorIds: { requestId: '0f3c2a10-1111-4222-8333-944455556666', correlationId: '7a7a7a7a-1111-4222-8333-944455556666', timestamp: '2026-10-05T13:59:12Z' },
    // 30 lines of pasted error pages, as long as the conversation keeps them.
    transcript: Array.from({ length: 30 }, (_, i) => `said: ${paste(4000, `paste ${i}: `)}`),
    assignee: HANA,
    exemption: {
      by: HANA,
      at: '2026-10-05T09:59:00.000Z',
      groupId: 'group-1',
      start: '2026-10-05T10:00:00.000Z',
      end: '2026-10-05T14:00:00.000Z',
      removalError: `Graph said 403 Forbidden: ${paste(6000)}`,
    },
    resolution: { by: HANA, at: '2026-10-05T11:10:00.000Z', note: `Passkey added with the TAP. ${paste(40_000)}` },
    history: Array.from({ length: 40 }, (_, i) => ({ at: '2026-10-05T10:00:00.000Z', by: 'Hana Kim', text: `Hana Kim noted: ${paste(2000, `note ${i}: `)}` })),
  };
}

/** The visible TextBlocks outside the hidden details (where a note must be to be seen). */
const visibleText = (card: AdaptiveCard) => words(withoutDetails(card));

describe('cards stay under the 28 KB Teams accepts', () => {
  it('the help-desk ticket card, with 30 pasted error pages, long notes and a tenant full of policies', () => {
    const ticket = hugeTicket();
    const before = JSON.stringify(ticket);
    for (const status of ['open', 'taken', 'resolved'] as const) {
      const card = ticketCard({ ...ticket, status, ...(status === 'open' ? { assignee: undefined, resolution: undefined } : {}) }, OPTIONS);
      expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(cardProblems(card, null)).toEqual([]);
      expect(visibleText(card)).toMatch(/trimmed — full text in the ticket/);
      // What is left is still the ticket: its id, the requester, the newest transcript line's start.
      expect(words(card)).toContain('PK-7Q3D');
      expect(words(card)).toContain('Lena');
      expect(words(card)).toContain('paste 29: ');
    }
    // The ticket itself keeps every character.
    expect(JSON.stringify(ticket)).toBe(before);
  });

  it('the diagnosis card, for a tenant whose policies fill pages of evidence', () => {
    const card = diagnosisCard(hugeDiagnosis(), { session: 's-1', tapOffered: true });
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(cardProblems(card, 's-1')).toEqual([]);
    expect(visibleText(card)).toMatch(/trimmed/);
  });

  it('the requester’s confirmation and updates, for the same ticket', () => {
    const ticket = hugeTicket();
    const cards = [ticketConfirmationCard(ticket), ticketUpdateCard(ticketUpdateFor(ticket, 'resolved'))];
    for (const card of cards) {
      expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
      expect(cardProblems(card, null)).toEqual([]);
    }
    // The update quotes the 40 KB resolution note: trimmed, and said so.
    expect(visibleText(cards[1])).toMatch(/trimmed — full text in the ticket/);
  });

  it('cards that fit are not touched and say nothing about trimming', () => {
    const card = diagnosisCard(lenaDiagnosis(), { session: 's-1', tapOffered: true });
    expect(words(card)).not.toMatch(/trimmed/);
    expect(words(card)).toContain('Passkey pilot: passkey in Authenticator everywhere');
  });
});

describe('user text on cards is shown as text, not markdown', () => {
  const LINK = '[Open the portal](https://evil.example/login)';

  it('escapes a display name in TextBlocks and facts, and keeps it verbatim in plain-text runs', () => {
    const welcome = welcomeCard({ session: 's-1', userName: `${LINK} **boss**` });
    const greeting = nodes(welcome).find((n) => n.type === 'TextBlock' && String(n.text).includes('Open the portal'))!;
    expect(greeting.text).toContain('\\[Open the portal\\](https://evil.example/login) \\*\\*boss\\*\\*');

    const d = lenaDiagnosis();
    const card = diagnosisCard({ ...d, user: { ...d.user, displayName: LINK } }, { session: 's-1', tapOffered: false });
    const subtitle = nodes(card).find((n) => n.type === 'TextBlock' && String(n.text).includes('Open the portal'))!;
    expect(subtitle.text).not.toContain(LINK);
    expect(subtitle.text).toContain('\\[Open the portal\\]');

    const ticket = { ...hugeTicket(), status: 'taken' as const, assignee: { ...HANA, name: LINK }, requester: { aadObjectId: 'g', name: LINK } };
    const update = ticketUpdateCard(ticketUpdateFor(ticket, 'taken'));
    for (const n of nodes(update).filter((x) => x.type === 'TextBlock')) expect(String(n.text)).not.toContain(LINK);
    // TextRuns are never markdown: the requester line shows the name exactly as written.
    const runs = nodes(ticketCard(ticket, OPTIONS)).filter((n) => n.type === 'TextRun').map((n) => String(n.text));
    expect(runs.some((t) => t.startsWith(LINK))).toBe(true);
  });

  it('strips control characters from every card text', () => {
    const card = welcomeCard({ session: 's-1', userName: 'Lena\u0000\u0007\u001b[31m\u202eevil\u0085' });
    expect(JSON.stringify(card)).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|\u0085|\u202e/i);
    expect(words(card)).toContain('Lena\\[31mevil');
  });
});
