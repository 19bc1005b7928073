// What agents read besides the card — the decisions' refusals and warnings, the lines the ticket's
// history and thread keep — in the help desk's language (HELPDESK_LOCALE), on the demo personas'
// real checks; English as before when no language is given.
import { decide, decideAll, type DecisionFacts, type TapPolicy } from '../../src/helpdesk/decide';
import { afterSentence, blockerList } from '../../src/helpdesk/after-check-lines';
import { ticketCardOptions } from '../../src/helpdesk/ticket-card';
import { LANGUAGES, messagesFor } from '../../src/i18n';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { AT, demoCheck as checkOf, demoTicket } from './demo-checks';

const POLICY: TapPolicy = { enabled: true, minLifetime: 60, maxLifetime: 480, defaultLifetime: 60, forcedOneTime: false };
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim' };
const de = messagesFor('de');
const facts = (name: string, more: Partial<DecisionFacts> = {}): DecisionFacts => ({
  ticket: demoTicket(name, { check: undefined }),
  now: AT,
  tapPolicy: POLICY,
  exemption: { hours: [1, 2, 4] },
  check: checkOf(name),
  ...more,
});

describe('the help desk’s decisions in German', () => {
  it('a guest: the standing refusal the card shows is German, the name as it is', () => {
    const d = decideAll(facts('uma', { m: de }));
    expect(d.issueTap).toMatchObject({ allowed: false, standing: true, reason: expect.stringMatching(/^Es kann kein TAP ausgestellt werden: Uma Okafor \(guest\) ist ein Gast/) });
    const options = ticketCardOptions(demoTicket('uma', {}), { tapPolicy: POLICY, now: AT, m: de });
    expect(options.tap.refusal).toMatch(/^Es kann kein TAP ausgestellt werden/);
    // English by default, word for word as before.
    expect(decideAll(facts('uma')).issueTap).toMatchObject({ reason: expect.stringMatching(/^A TAP cannot be issued: Uma Okafor \(guest\) is a guest/) });
  });

  it('a remedy that does not clear: its warning says why in German, with the policy name verbatim', () => {
    const german = decideAll(facts('lena', { m: de })).issueTap;
    const english = decideAll(facts('lena')).issueTap;
    expect(english).toMatchObject({ warned: true, why: expect.stringMatching(/will not help: 'Passkey pilot: passkey in Authenticator everywhere' accepts only a passkey/) });
    expect(german).toMatchObject({ warned: true });
    expect(german.allowed && german.why).toContain('Passkey pilot: passkey in Authenticator everywhere');
    expect(german.allowed && german.why).not.toContain('will not help');
  });

  it('an agent’s own ticket, a resolved ticket, a second click: German replies', () => {
    const own = demoTicket('lena', { check: undefined });
    const self: Person = { aadObjectId: own.requester.aadObjectId, name: own.requester.name };
    expect(decide('issueTap', { ...facts('lena', { m: de }), ticket: own, agent: self, inputs: {} })).toMatchObject({
      reason: 'Das ist Ihr eigenes Ticket: Ihren Befristeten Zugriffspass muss ein anderer Helpdesk-Mitarbeiter ausstellen. Ihr Versuch wurde protokolliert.',
    });
    expect(decide('take', { ...facts('lena', { m: de }), ticket: { ...own, status: 'resolved' } })).toMatchObject({ reason: 'Dieses Ticket ist gelöst; öffnen Sie es zuerst wieder.' });
    const taken: Ticket = { ...own, status: 'taken', assignee: HANA, history: [{ at: '2026-10-05T10:00:00.000Z', by: 'Hana Kim', text: 'Hana Kim hat das Ticket übernommen' }] };
    expect(decide('take', { ...facts('lena', { m: de }), ticket: taken })).toMatchObject({ outcome: 'already-done', reason: 'Die Übernahme dieses Tickets wurde bereits von Hana Kim um 10:00 erledigt.' });
    expect(decide('take', { ...facts('lena'), ticket: { ...taken, history: [{ at: '2026-10-05T10:00:00.000Z', by: 'Hana Kim', text: 'Hana Kim took the ticket' }] } })).toMatchObject({
      reason: 'Taking this ticket was already done by Hana Kim at 10:00.',
    });
  });
});

describe('the lines after a remedy was applied, in German', () => {
  const blocking = [{ code: 'ca-auth-strength-loop' as const, policyNames: ['Passkey pilot'] }];
  it('names what still blocks in German, the policy in German quotes', () => {
    expect(afterSentence('Lena Fischer', 'pass', { at: AT.toISOString(), clears: false, blocking }, de)).toMatch(/^Mit dem Pass geprüft: Lena Fischer ist weiterhin blockiert — .+ \(„Passkey pilot“\)$/);
    expect(afterSentence('Lena Fischer', 'exemption', { at: AT.toISOString(), clears: true, blocking: [] }, de)).toBe('Mit der Ausnahme geprüft: Nichts blockiert Lena Fischer mehr');
    expect(blockerList(blocking, de)).toContain('(„Passkey pilot“)');
  });
  it('English as before', () => {
    expect(afterSentence('Lena Fischer', 'exemption', { at: AT.toISOString(), clears: true, blocking: [] })).toBe('Checked with the exemption in place: nothing blocks Lena Fischer any more');
    expect(afterSentence('Lena Fischer', 'pass', { at: AT.toISOString(), clears: undefined, blocking: [], error: 'Graph: 503' })).toBe('Lena Fischer could not be checked with the pass in place (Graph: 503)');
    expect(blockerList(blocking)).toMatch(/ \("Passkey pilot"\)$/);
  });
});

describe.each([...LANGUAGES])('the help desk’s decisions in %s', (language) => {
  const m = messagesFor(language);
  it('say every refusal and warning in words, never a catalogue key, with the names kept', () => {
    for (const persona of ['uma', 'lena', 'omid', 'tom']) {
      for (const d of Object.values(decideAll(facts(persona, { m })))) {
        const text = d.allowed ? d.why : d.reason;
        expect(text).not.toMatch(/desk\.|ticketCard\.|\{[a-zA-Z]+\}/);
      }
    }
    const lines = [
      afterSentence('Lena Fischer', 'pass', { at: AT.toISOString(), clears: false, blocking: [{ code: 'ca-auth-strength-loop', policyNames: ['Passkey pilot'] }] }, m),
      afterSentence('Lena Fischer', 'exemption', { at: AT.toISOString(), clears: undefined, blocking: [], error: 'Graph: 503' }, m),
    ];
    for (const line of lines) expect(line).toContain('Lena Fischer');
    expect(lines[0]).toContain('Passkey pilot');
  });
});
