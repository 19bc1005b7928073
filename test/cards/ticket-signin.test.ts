// The ticket card's "Observed sign-in": the failed sign-in from the log, written for the agent —
// time in UTC, app, the error code with its meaning, the failing policies by name, Request ID and
// Correlation ID — or that the bot is still looking for it; small enough for Teams however many
// policies failed; and the requester's one message when it shows a block they were not told of.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ticketCard, ticketUpdateCard, ticketUpdateFor, type AdaptiveCard, type TicketCardOptions } from '../../src/cards';
import { diagnose } from '../../src/diagnosis';
import type { Ticket, TicketSignIn } from '../../src/tickets/ticket';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { MAX_CARD_BYTES, cardProblems, words } from './check-card';

const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const vic = snapshot.users.find((u: { mail: string }) => u.mail.startsWith('vic@'));
const OPTIONS: TicketCardOptions = { tap: { lifetimes: [60], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false }, now: '2026-10-05T14:00:00Z' };
const bytes = (card: AdaptiveCard) => Buffer.byteLength(JSON.stringify(card), 'utf8');

function ticket(extra: Partial<Ticket>): Ticket {
  return {
    id: 'PK-7Q3D',
    createdAt: '2026-10-05T13:45:00.000Z',
    status: 'open',
    requester: { aadObjectId: vic.id, name: vic.displayName },
    reason: 'contactHelpDesk',
    diagnosis: diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, vic.id), { platform: 'iOS', at: new Date('2026-10-05T13:45:00Z') }),
    errorIds: {},
    transcript: [],
    history: [],
    ...extra,
  };
}

const SIGN_IN: TicketSignIn = {
  at: '2026-10-05T13:47:31Z',
  app: 'Microsoft Authenticator',
  errorCode: 53004,
  failedPolicies: ['Finance: register security info from compliant devices'],
  requestId: '5e0c4a1e-3b5f-4d7a-9c21-7a1e2b3c4d06',
  correlationId: 'c0a1f2e3-4b5c-4d6e-8f70-8192a3b4c5d6',
  seenAt: '2026-10-05T13:50:00.000Z',
};

describe('the ticket card: Observed sign-in', () => {
  it('shows the sign-in in words: its time with the zone (UTC by default), app, the code and its meaning, the failed policy, both ids', () => {
    const text = words(ticketCard(ticket({ signIn: SIGN_IN }), OPTIONS));
    expect(text).toContain('Observed sign-in (from the sign-in log)');
    expect(text).toContain('5 Oct, 13:47:31 UTC');
    expect(text).toContain('Microsoft Authenticator');
    expect(text).toContain('53004 — proof-up blocked: Register security information is not allowed here');
    expect(text).toContain('Finance: register security info from compliant devices');
    expect(text).toContain(SIGN_IN.requestId);
    expect(text).toContain(SIGN_IN.correlationId);
    expect(text).not.toMatch(/\bca-[a-z-]+/);
  });

  it.each([
    [53003, 'blocked by Conditional Access'],
    [53000, 'device not compliant'],
    [53002, 'approved client app required'],
    [50074, 'strong authentication (MFA) required'],
    [50076, 'strong authentication (MFA) required'],
  ])('error %i reads "%s"', (errorCode, meaning) => {
    expect(words(ticketCard(ticket({ signIn: { ...SIGN_IN, errorCode } }), OPTIONS))).toContain(`${errorCode} — ${meaning}`);
  });

  it('says when the bot looks again while the failure is not in the log, and when it stopped', () => {
    const waiting = words(ticketCard(ticket({ signInRelook: { reportedAt: '2026-10-05T13:45:00.000Z', nextAt: '2026-10-05T13:50:00.000Z' } }), OPTIONS));
    expect(waiting).toContain('Not in the sign-in log yet (sign-ins arrive after a few minutes); the bot looks again at 13:50 UTC');
    const stopped = words(ticketCard(ticket({ signInRelook: { reportedAt: '2026-10-05T13:45:00.000Z', done: true } }), OPTIONS));
    expect(stopped).toContain('did not reach the sign-in log');
  });

  it('stays under the limit with a hundred long policy names', () => {
    const failedPolicies = Array.from({ length: 100 }, (_, i) => `Policy ${i} ${'for the finance department in the western region '.repeat(6)}`);
    const card = ticketCard(ticket({ signIn: { ...SIGN_IN, failedPolicies } }), OPTIONS);
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(cardProblems(card, null)).toEqual([]);
    expect(words(card)).toContain('Observed sign-in');
  });

  it("the requester's message names the policy and the time, and asks nothing of them", () => {
    const text = words(ticketUpdateCard(ticketUpdateFor(ticket({ signIn: SIGN_IN }), 'signInSeen')));
    expect(text).toContain('Your failed sign-in shows what blocks you');
    expect(text).toContain('Finance: register security info from compliant devices');
    expect(text).toContain('you do not need to try again');
  });
});
