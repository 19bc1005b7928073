// The help desk's one decision (what an agent may do, and what it achieves), on the demo personas'
// real checks: the same function draws the card and judges the click.
import { decide, decideAll, type DecisionFacts, type TapPolicy } from '../../src/helpdesk/decide';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { AT, EXEMPTION_GROUP as GROUP, demoCheck as checkOf, demoTicket, person } from './demo-checks';

const POLICY: TapPolicy = { enabled: true, minLifetime: 60, maxLifetime: 480, defaultLifetime: 60, forcedOneTime: false };
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim' };
const ticketOf = (name: string, extra: Partial<Ticket> = {}): Ticket => demoTicket(name, { check: undefined, ...extra });

const facts = (name: string, more: Partial<DecisionFacts> = {}): DecisionFacts => ({
  ticket: ticketOf(name),
  now: AT,
  tapPolicy: POLICY,
  exemption: { hours: [1, 2, 4] },
  check: checkOf(name),
  ...more,
});

describe('what the card offers (no agent, no inputs)', () => {
  it('Lena: the TAP is allowed but warned (it does not clear the block); the exemption is the fix', () => {
    const d = decideAll(facts('lena'));
    expect(d.issueTap).toMatchObject({ allowed: true, effect: 'does-not-clear', warned: true, why: expect.stringMatching(/will not help: 'Passkey pilot: passkey in Authenticator everywhere' accepts only a passkey/) });
    expect(d.grantExemption).toMatchObject({ allowed: true, effect: 'clears', warned: false });
  });

  it('Omid: neither clears — both warned, with the checked reason', () => {
    const d = decideAll(facts('omid'));
    expect(d.issueTap).toMatchObject({ allowed: true, effect: 'does-not-clear', warned: true });
    expect(d.grantExemption).toMatchObject({ allowed: true, effect: 'does-not-clear', warned: true, why: expect.stringMatching(/does not exclude that group/) });
  });

  it('Uma: a guest — no TAP, a standing refusal the card shows; the exemption clears', () => {
    const d = decideAll(facts('uma'));
    expect(d.issueTap).toEqual({ allowed: false, outcome: 'refused', standing: true, reason: expect.stringMatching(/^A TAP cannot be issued: Uma Okafor \(guest\) is a guest/) });
    expect(d.grantExemption).toMatchObject({ allowed: true, effect: 'clears' });
  });

  it('Tom: the TAP clears (and so does the exemption)', () => {
    const d = decideAll(facts('tom'));
    expect(d.issueTap).toMatchObject({ allowed: true, effect: 'clears', warned: false });
    expect(d.grantExemption).toMatchObject({ allowed: true, effect: 'clears' });
  });

  it('Pia: passkeys are off for her — an exemption changes nothing, and says why', () => {
    const d = decide('grantExemption', facts('pia'));
    expect(d).toMatchObject({ allowed: true, effect: 'does-not-clear', warned: true, why: expect.stringMatching(/^An exemption will not help: no Conditional Access policy blocks Pia Lindqvist; what blocks is passkey-method-disabled/) });
  });

  it('unchecked (no check yet): offered plainly, never as the fix', () => {
    expect(decide('issueTap', facts('lena', { check: undefined }))).toMatchObject({ allowed: true, effect: 'unchecked', warned: false });
  });

  it('the TAP method off, or not including the requester: a standing refusal', () => {
    expect(decide('issueTap', facts('tom', { tapPolicy: { ...POLICY, enabled: false } }))).toMatchObject({ allowed: false, standing: true, reason: expect.stringMatching(/method is disabled/) });
    expect(decide('issueTap', facts('tom', { check: { ...checkOf('tom'), tapTargeted: false } }))).toMatchObject({ allowed: false, standing: true, reason: 'A TAP cannot be issued: the Temporary Access Pass method does not include Tom Becker.' });
  });
});

describe('what a click may do (an agent and inputs)', () => {
  const click = (name: string, more: Partial<DecisionFacts>) => facts(name, { agent: HANA, inputs: { tapLifetime: 60, exemptionHours: 1 }, ...more });

  it('a TAP that does not clear is carried out only from the warned form the card showed', () => {
    expect(decide('issueTap', click('lena', { shown: 'does-not-clear' }))).toMatchObject({ allowed: true, warned: true, lifetime: 60, oneTime: false });
    // The card presented it as the fix, or drew it before any check: refused, with what the check found.
    for (const shown of ['clears', 'unchecked', undefined] as const) {
      expect(decide('issueTap', click('lena', { shown }))).toMatchObject({ allowed: false, outcome: 'refused', standing: false, reason: expect.stringMatching(/^Not done\. Checked just now: A Temporary Access Pass .* will not help: .* Lena Fischer would still be blocked/) });
    }
  });

  it('a remedy that clears needs no warning', () => {
    expect(decide('issueTap', click('tom', { shown: 'unchecked' }))).toMatchObject({ allowed: true, effect: 'clears', lifetime: 60 });
    expect(decide('grantExemption', click('lena', { shown: 'clears' }))).toMatchObject({ allowed: true, effect: 'clears', hours: 1 });
  });

  it('a guest is refused whatever the card showed', () => {
    expect(decide('issueTap', click('uma', { shown: 'clears' }))).toMatchObject({ allowed: false, reason: expect.stringMatching(/is a guest/) });
  });

  it('lifetime bounds and offered windows', () => {
    expect(decide('issueTap', click('tom', { inputs: { tapLifetime: 30 } }))).toMatchObject({ allowed: false, reason: 'The lifetime must be between 60 and 480 minutes (the tenant\'s TAP policy).' });
    expect(decide('issueTap', click('tom', { inputs: { tapLifetime: 90.5 } }))).toMatchObject({ allowed: false });
    expect(decide('issueTap', click('tom', { tapPolicy: { ...POLICY, forcedOneTime: true }, inputs: { tapLifetime: 120, tapOneTime: false } }))).toMatchObject({ allowed: true, lifetime: 120, oneTime: true });
    expect(decide('grantExemption', click('lena', { inputs: { exemptionHours: 3 } }))).toMatchObject({ allowed: false, reason: 'Choose one of the offered windows: 1, 2, 4 hours.' });
    expect(decide('grantExemption', click('lena', { exemption: undefined }))).toMatchObject({ allowed: false, standing: true, reason: expect.stringMatching(/No exemption group is configured/) });
  });

  it('requester ≠ agent: no TAP, exemption or take on one\'s own ticket; resolve and reopen stay possible', () => {
    const own = { aadObjectId: person('tom').id, name: 'Tom Becker' };
    for (const verb of ['issueTap', 'grantExemption', 'take'] as const) {
      expect(decide(verb, click('tom', { agent: own }))).toMatchObject({ allowed: false, reason: expect.stringMatching(/^This is your own ticket: another help-desk agent must/) });
    }
    expect(decide('resolve', click('tom', { agent: own }))).toMatchObject({ allowed: true });
  });

  it('ticket state: resolved, a live pass, an active exemption, already taken', () => {
    const resolved = ticketOf('tom', { status: 'resolved', resolution: { by: HANA, at: AT.toISOString(), note: 'done' } });
    expect(decide('issueTap', click('tom', { ticket: resolved }))).toMatchObject({ allowed: false, reason: 'This ticket is resolved; reopen it first.' });
    expect(decide('resolve', click('tom', { ticket: resolved }))).toMatchObject({ allowed: false, outcome: 'already-done' });
    expect(decide('reopen', click('tom', { ticket: resolved }))).toMatchObject({ allowed: true });
    const end = new Date(AT.getTime() + 3_600_000).toISOString();
    const live = ticketOf('tom', { tap: { by: HANA, at: AT.toISOString(), start: AT.toISOString(), end, oneTime: false, methodId: 'm', delivery: 'delivered' } });
    expect(decide('issueTap', click('tom', { ticket: live }))).toMatchObject({ allowed: false, outcome: 'already-done', reason: expect.stringMatching(/^Issuing a Temporary Access Pass was already done by Hana Kim/) });
    const exempted = ticketOf('lena', { exemption: { by: HANA, at: AT.toISOString(), groupId: GROUP.id, start: AT.toISOString(), end } });
    expect(decide('grantExemption', click('lena', { ticket: exempted }))).toMatchObject({ allowed: false, outcome: 'already-done' });
    expect(decide('take', click('lena', { ticket: ticketOf('lena', { assignee: HANA, status: 'taken' }) }))).toMatchObject({ allowed: false, outcome: 'already-done' });
  });
});
