// Observed sign-ins (contract: diagnosis.md, "Observed sign-ins"): a policy that failed in one of
// the user's relevant sign-ins blocks, with the sign-in as evidence, even where the prediction
// said it only may apply; report-only failures are mentioned; `agreement` compares the two;
// sign-ins that cannot be read leave `observed` out and change nothing else.
import { remedyWhy } from '../../src/cards/remedy-words';
import { diagnose, signInRelook, type Diagnosis, type Observed, type WhatIfVerdicts } from '../../src/diagnosis';
import type { SignInFact } from '../../src/diagnosis/facts';
import { parseSignIn } from '../../src/graph/sign-ins';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { Diagnoser } from '../../src/support/diagnoser';
import { AT, LENA_ID, LOOP_POLICY, MY_SIGN_INS, OUTLOOK, before, example01, offsitePolicy, signIn, withSignIns, type Json, type SignInSpec } from '../fixtures/sign-ins';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const OFFSITE = 'a0000000-0000-4000-8000-0000000000f1';
const RSI = 'a0000000-0000-4000-8000-0000000000f2';
const MFA = 'a0000000-0000-4000-8000-0000000000f3';

function rsiPolicy(): Json {
  const p = structuredClone(example01().conditionalAccessPolicies[0]);
  p.id = RSI;
  p.displayName = 'Register security info from compliant devices';
  p.conditions.applications = { includeApplications: [], excludeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] };
  p.grantControls = { operator: 'OR', builtInControls: ['compliantDevice'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null };
  return p;
}
function mfaPolicy(state = 'enabled'): Json {
  const p = structuredClone(example01().conditionalAccessPolicies[0]);
  p.id = MFA;
  p.displayName = 'MFA for everyone';
  p.state = state;
  p.grantControls = { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null };
  return p;
}

const facts = (specs: SignInSpec[]): SignInFact[] => specs.map((s) => parseSignIn(signIn(s))!);

function run(
  specs: SignInSpec[] | null,
  options: { policies?: Json[]; correlationId?: string; whatIf?: Record<string, { applies: boolean; reason: string }>; exemption?: boolean; context?: Json } = {},
): Diagnosis {
  const s = withSignIns(undefined, options.policies ?? [offsitePolicy(OFFSITE)]);
  if (options.exemption) s.groups.push({ id: 'e0000000-0000-4000-8000-000000000001', displayName: 'Passkey exemptions', members: [] });
  return diagnose(
    tenantFactsOf(s),
    userFactsOf(s, LENA_ID),
    { platform: 'android', at: AT, ...(options.context ?? {}) },
    {
      ...(specs ? { signIns: { signIns: facts(specs), ...(options.correlationId ? { correlationId: options.correlationId } : {}) } } : {}),
      ...(options.whatIf ? { whatIf: { 'authenticator-sign-in': new Map(Object.entries(options.whatIf)) as WhatIfVerdicts, 'register-security-info': new Map() } } : {}),
      ...(options.exemption ? { exemptionGroup: { id: 'e0000000-0000-4000-8000-000000000001', displayName: 'Passkey exemptions' } } : {}),
    },
  );
}
const id = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const byCode = (d: Diagnosis, code: string, blocking?: boolean) => {
  const f = d.findings.find((x) => x.code === code && (blocking === undefined || x.blocking === blocking));
  if (!f) throw new Error(`no ${code} (${blocking}): ${JSON.stringify(d.findings.map((x) => [x.code, x.blocking, x.policies.map((r) => r.id)]))}`);
  return f;
};

describe('a failed policy in a relevant sign-in blocks, with the sign-in as evidence', () => {
  it('even where the prediction said it only may apply (a location condition)', () => {
    const before = run(null);
    expect(byCode(before, 'ca-other-conditions')).toMatchObject({ blocking: false, policies: [{ id: OFFSITE }] });

    const d = run([{ id: id(1), minutesBefore: 8, policies: [[OFFSITE, 'failure', 'Block outside trusted locations'], [LOOP_POLICY, 'notApplied']] }]);
    const f = byCode(d, 'ca-other-conditions', true);
    expect(f.policies.map((r) => r.id)).toEqual([OFFSITE]);
    expect(f.evidence).toEqual([
      expect.objectContaining({
        kind: 'observed-policy',
        policy: { id: OFFSITE, name: 'Block outside trusted locations' },
        state: 'enabled',
        event: 'authenticator-sign-in',
        signIn: { id: id(1), correlationId: 'ccccccc0-0000-4000-8000-000000000001', createdDateTime: '2026-10-05T13:52:00Z', appId: '4813382a-8fa7-425e-ab75-3b753aab3abb', appDisplayName: 'Microsoft Authenticator App', errorCode: 53003 },
        earlier: 0,
        unexplained: false,
        // Before the sign-ins were read, it only may apply: where the user is was unknown.
        predicted: [expect.objectContaining({ kind: 'policy', verdict: 'may-apply', conditions: expect.arrayContaining([expect.objectContaining({ condition: 'location', verdict: 'unknown' })]) })],
      }),
    ]);
    expect(d.observed).toEqual({
      signIns: [
        {
          id: id(1),
          createdDateTime: '2026-10-05T13:52:00Z',
          appId: '4813382a-8fa7-425e-ab75-3b753aab3abb',
          errorCode: 53003,
          correlationId: 'ccccccc0-0000-4000-8000-000000000001',
          failedPolicyIds: [OFFSITE],
          reportOnlyFailedPolicyIds: [],
        },
      ],
      agreement: 'observed-only',
    });
    expect(d.escalate).toBe(true);
  });

  it('even where What If said it does not apply', () => {
    const d = run([{ id: id(1), policies: [[OFFSITE, 'failure']] }], { whatIf: { [OFFSITE]: { applies: false, reason: 'users' } } });
    expect(byCode(d, 'ca-other-conditions', true).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });

  it('counts earlier failures of the same policy, names the newest', () => {
    const d = run([
      { id: id(1), minutesBefore: 30, policies: [[OFFSITE, 'failure']] },
      { id: id(2), minutesBefore: 5, policies: [[OFFSITE, 'failure']] },
    ]);
    expect(byCode(d, 'ca-other-conditions', true).evidence).toMatchObject([{ kind: 'observed-policy', signIn: { id: id(2), createdDateTime: '2026-10-05T13:55:00Z' }, earlier: 1 }]);
    expect(d.observed!.signIns.map((s) => s.id)).toEqual([id(2), id(1)]);
  });

  it('the Register security information user action: My Sign-ins, the code from its grant', () => {
    const d = run([{ id: id(1), appId: MY_SIGN_INS, policies: [[RSI, 'failure']] }], { policies: [rsiPolicy()] });
    expect(byCode(d, 'ca-register-security-info', true).policies.map((r) => r.id)).toEqual([RSI]);
  });

  it('a policy deleted since the sign-in is known by the name the sign-in gives it', () => {
    const gone = 'a0000000-0000-4000-8000-0000000000ff';
    const d = run([{ id: id(1), policies: [[gone, 'failure', 'Old block (deleted)']] }]);
    expect(byCode(d, 'ca-other-conditions', true)).toMatchObject({ policies: [{ id: gone, name: 'Old block (deleted)' }] });
  });

  it('a policy disabled since the sign-in is mentioned, not blocking', () => {
    const d = run([{ id: id(1), policies: [[MFA, 'failure']] }], { policies: [mfaPolicy('disabled')] });
    const f = byCode(d, 'ca-other-conditions', false);
    expect(f.evidence).toMatchObject([{ kind: 'observed-policy', policy: { id: MFA }, state: 'disabled' }]);
  });

  it('a failure the tenant\'s facts do not explain (Lena can do MFA) still blocks, and says so', () => {
    const d = run([{ id: id(1), policies: [[MFA, 'failure']] }], { policies: [mfaPolicy()] });
    const f = byCode(d, 'ca-other-conditions', true);
    expect(f.policies.map((r) => r.id)).toEqual([MFA]);
    expect(f.evidence).toMatchObject([{ kind: 'observed-policy', unexplained: true, grant: { satisfied: true } }]);
  });
});

describe('which sign-ins count', () => {
  const failing = (n: number, spec: Partial<SignInSpec>): SignInSpec => ({ id: id(n), policies: [[OFFSITE, 'failure']], ...spec });
  it.each([
    ['older than 24 hours', failing(1, { minutesBefore: 24 * 60 + 1 })],
    ['after --at', failing(1, { minutesBefore: -1 })],
    ['to another app', failing(1, { appId: OUTLOOK })],
    ['successful', failing(1, { errorCode: 0, policies: [[OFFSITE, 'success']] })],
  ])('not one %s', (_label, spec) => {
    const d = run([spec]);
    expect(d.observed).toEqual({ signIns: [], agreement: 'no-failure-seen' });
    expect(byCode(d, 'ca-other-conditions', false).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });

  it('exactly 24 hours before counts', () => {
    expect(run([failing(1, { minutesBefore: 24 * 60 })]).observed!.signIns).toHaveLength(1);
  });

  it('another app counts when a failed policy there targets "Register security information"', () => {
    const d = run([{ id: id(1), appId: OUTLOOK, policies: [[RSI, 'failure']] }], { policies: [rsiPolicy()] });
    expect(d.observed!.signIns.map((s) => s.id)).toEqual([id(1)]);
  });

  it('the sign-in named by --correlation-id counts whatever its app and time, by correlation id or Request ID', () => {
    const old = failing(1, { appId: OUTLOOK, minutesBefore: 3 * 24 * 60, correlationId: 'feedface-0000-4000-8000-000000000001' });
    expect(run([old], { correlationId: 'FEEDFACE-0000-4000-8000-000000000001' }).observed!.signIns.map((s) => s.id)).toEqual([id(1)]);
    expect(run([old], { correlationId: id(1) }).observed!.signIns.map((s) => s.id)).toEqual([id(1)]);
    expect(byCode(run([old], { correlationId: id(1) }), 'ca-other-conditions', true).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });
});

describe('sign-ins from before the help desk changed the user', () => {
  const withSince = (specs: SignInSpec[], since: string, correlationId?: string) =>
    diagnose(tenantFactsOf(withSignIns(undefined, [offsitePolicy(OFFSITE)])), userFactsOf(withSignIns(undefined, [offsitePolicy(OFFSITE)]), LENA_ID), { platform: 'android', at: AT }, {
      signIns: { signIns: facts(specs), since, ...(correlationId ? { correlationId } : {}) },
    });
  it('do not count: a failure before the TAP or exemption says nothing about the user now', () => {
    const d = withSince([{ id: id(1), minutesBefore: 8, policies: [[OFFSITE, 'failure']] }], before(5));
    expect(d.observed).toEqual({ signIns: [], agreement: 'no-failure-seen' });
    expect(byCode(d, 'ca-other-conditions', false).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });
  it('a failure after the change still blocks', () => {
    const d = withSince([{ id: id(1), minutesBefore: 2, policies: [[OFFSITE, 'failure']] }], before(5));
    expect(byCode(d, 'ca-other-conditions', true).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });
  it('the sign-in the user named by its id still counts', () => {
    const d = withSince([{ id: id(1), minutesBefore: 8, policies: [[OFFSITE, 'failure']] }], before(5), id(1));
    expect(d.observed!.signIns.map((s) => s.id)).toEqual([id(1)]);
  });
});

describe('report-only failures', () => {
  it('are mentioned, not blocking, and listed', () => {
    const d = run([{ id: id(1), policies: [[MFA, 'reportOnlyFailure'], [LOOP_POLICY, 'failure']] }], { policies: [mfaPolicy('enabledForReportingButNotEnforced')] });
    const f = d.findings.find((x) => x.policies.map((r) => r.id).includes(MFA))!;
    expect(f.blocking).toBe(false);
    expect(f.evidence).toMatchObject([{ kind: 'report-only-failure', policy: { id: MFA, name: 'MFA for everyone' }, signIn: { id: id(1) } }]);
    expect(d.observed!.signIns[0]).toMatchObject({ failedPolicyIds: [LOOP_POLICY], reportOnlyFailedPolicyIds: [MFA] });
    expect(d.observed!.agreement).toBe('agrees');
  });
});

describe('agreement', () => {
  it.each<[string, SignInSpec[] | null, Observed['agreement'] | undefined]>([
    ['agrees: the predicted blocker failed', [{ id: id(1), policies: [[LOOP_POLICY, 'failure']] }], 'agrees'],
    ['observed-only: a failure that was not predicted', [{ id: id(1), policies: [[LOOP_POLICY, 'failure'], [OFFSITE, 'failure']] }], 'observed-only'],
    ['predicted-only: a failed sign-in without the predicted blocker', [{ id: id(1), errorCode: 50126, policies: [] }], 'predicted-only'],
    ['no-failure-seen: only a success', [{ id: id(1), errorCode: 0, policies: [[LOOP_POLICY, 'success']] }], 'no-failure-seen'],
    ['no-failure-seen: no sign-ins at all', [], 'no-failure-seen'],
    ['absent: sign-ins could not be read', null, undefined],
  ])('%s', (_label, specs, agreement) => {
    expect(run(specs).observed?.agreement).toBe(agreement);
  });

  it('without sign-ins, the diagnosis is exactly the one before', () => {
    const s = withSignIns(undefined, [offsitePolicy(OFFSITE)]);
    const plain = diagnose(tenantFactsOf(s), userFactsOf(s, LENA_ID), { platform: 'android', at: AT });
    expect(run(null)).toEqual(plain);
    expect(Object.keys(plain)).not.toContain('observed');
  });
});

describe('remedies after an observed failure', () => {
  it('a TAP does not lift a location block the sign-in showed; an exemption the policy excludes does', () => {
    const offsite = offsitePolicy(OFFSITE);
    offsite.conditions.users.excludeGroups = ['e0000000-0000-4000-8000-000000000001'];
    const d = run([{ id: id(1), policies: [[OFFSITE, 'failure']] }], { policies: [offsite], exemption: true });
    const tap = d.remedies.find((r) => r.code === 'temporary-access-pass')!;
    expect(tap.clears).toBe(false);
    expect(tap.policyIdsRemaining).toContain(OFFSITE);
    expect(remedyWhy(tap)).toMatch(/'Block outside trusted locations' blocks access/);
    // The loop policy (example 01) does not exclude the group, so the exemption lifts only the location block.
    const exemption = d.remedies.find((r) => r.code === 'temporary-exemption')!;
    expect(exemption.policyIdsRemaining).toEqual([LOOP_POLICY]);
  });

  it('an unexplained failure stays after a remedy, saying why', () => {
    const d = run([{ id: id(1), policies: [[MFA, 'failure']] }], { policies: [mfaPolicy()] });
    const tap = d.remedies.find((r) => r.code === 'temporary-access-pass')!;
    expect(tap.policyIdsRemaining).toContain(MFA);
    expect(remedyWhy(tap)).toMatch(/'MFA for everyone' failed in the user's sign-in for a reason the bot cannot see/);
  });
});

describe('signInRelook: has a fresh failure reached the log yet?', () => {
  const reported = new Date('2026-10-05T13:58:00Z');
  const observed = (signIns: Partial<Observed['signIns'][number]>[]): Observed => ({
    agreement: 'observed-only',
    signIns: signIns.map((s, i) => ({ id: id(i), createdDateTime: '', appId: '', errorCode: 53003, correlationId: '', failedPolicyIds: [], reportOnlyFailedPolicyIds: [], ...s })),
  });
  const at = (minutes: number) => new Date(reported.getTime() + minutes * 60_000);

  it('sign-ins cannot be read: nothing to wait for', () => {
    expect(signInRelook(undefined, reported, reported)).toEqual({ notSeenYet: false, lookAgainAt: null, reason: expect.stringMatching(/cannot be read/) });
  });

  it('a failed sign-in since the report (a minute of clock skew allowed): seen', () => {
    expect(signInRelook(observed([{ createdDateTime: '2026-10-05T13:57:10Z' }]), reported, at(1)).notSeenYet).toBe(false);
  });

  it('only older failures: not seen yet — look again 5, then 15 minutes after the report, then stop', () => {
    const o = observed([{ createdDateTime: '2026-10-05T13:40:00Z' }]);
    expect(signInRelook(o, reported, reported)).toMatchObject({ notSeenYet: true, lookAgainAt: at(5) });
    expect(signInRelook(o, reported, at(5))).toMatchObject({ notSeenYet: true, lookAgainAt: at(15) });
    expect(signInRelook(o, reported, at(15))).toMatchObject({ notSeenYet: true, lookAgainAt: null, reason: expect.stringMatching(/15 minutes/) });
  });

  it('with a Correlation ID: seen only when that sign-in is there', () => {
    const o = observed([{ createdDateTime: '2026-10-05T13:59:00Z', correlationId: 'feedface-0000-4000-8000-000000000001' }]);
    expect(signInRelook(o, reported, at(1), { correlationId: 'FEEDFACE-0000-4000-8000-000000000001' }).notSeenYet).toBe(false);
    expect(signInRelook(o, reported, at(1), { correlationId: 'feedface-0000-4000-8000-000000000002' })).toMatchObject({ notSeenYet: true, lookAgainAt: at(5) });
  });

  it('on a real diagnosis: no failure yet, then the same diagnosis 5 minutes later sees it', () => {
    const first = run([{ id: id(1), minutesBefore: 40, policies: [[OFFSITE, 'failure']] }]);
    const reportedAt = new Date(AT.getTime() - 60_000);
    expect(signInRelook(first.observed, reportedAt, AT)).toMatchObject({ notSeenYet: true });
    const later = run([{ id: id(2), minutesBefore: 0, policies: [[OFFSITE, 'failure']] }], { context: { at: new Date(AT.getTime() + 5 * 60_000) } });
    expect(signInRelook(later.observed, reportedAt, new Date(AT.getTime() + 5 * 60_000)).notSeenYet).toBe(false);
  });
});

describe('the Diagnoser reads sign-ins with the user facts, and never fails because of them', () => {
  let graph: GraphConnection | undefined;
  afterEach(async () => {
    await graph?.close();
    graph = undefined;
  });
  const snapshot = (signIns?: Json[]) => withSignIns(signIns, [offsitePolicy(OFFSITE)]) as never;
  const CONTEXT = { platform: 'android' as const, at: AT };

  it('observed from the sign-in log through the real Graph client', async () => {
    graph = await connectGraph({ snapshot: snapshot([signIn({ id: id(1), policies: [[OFFSITE, 'failure']] })]), retryDelaySeconds: 0 });
    const d = await new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000 }).diagnose('lena@fabrikam.com', CONTEXT);
    expect(d.observed?.agreement).toBe('observed-only');
    expect(byCode(d, 'ca-other-conditions', true).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });

  it('after the help desk changed the user, an earlier failure no longer blocks them', async () => {
    graph = await connectGraph({ snapshot: snapshot([signIn({ id: id(1), minutesBefore: 8, policies: [[OFFSITE, 'failure']] })]), retryDelaySeconds: 0 });
    const diagnoser = new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000, now: () => AT.getTime() - 5 * 60_000 });
    expect(byCode(await diagnoser.diagnose('lena@fabrikam.com', CONTEXT), 'ca-other-conditions', true).policies.map((r) => r.id)).toEqual([OFFSITE]);
    diagnoser.userChanged(LENA_ID);
    const after = await diagnoser.diagnose('lena@fabrikam.com', CONTEXT);
    expect(after.observed).toEqual({ signIns: [], agreement: 'no-failure-seen' });
    expect(byCode(after, 'ca-other-conditions', false).policies.map((r) => r.id)).toEqual([OFFSITE]);
  });

  it('403 (a snapshot without signIns): observed absent, the rest as before, and not asked again for 10 minutes', async () => {
    graph = await connectGraph({ snapshot: snapshot(), retryDelaySeconds: 0 });
    let now = 0;
    const logs: Record<string, unknown>[] = [];
    const diagnoser = new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000, now: () => now, log: (e) => logs.push(e) });
    const d = await diagnoser.diagnose('lena@fabrikam.com', CONTEXT);
    expect(d.observed).toBeUndefined();
    expect(byCode(d, 'ca-other-conditions', false).policies.map((r) => r.id)).toEqual([OFFSITE]);
    expect(byCode(d, 'ca-auth-strength-loop', true).policies.map((r) => r.id)).toEqual([LOOP_POLICY]);
    expect(logs).toContainEqual({ event: 'signins.unavailable', reason: expect.stringMatching(/AuditLog\.Read\.All/) });
    const signInReads = () => graph!.emulator!.requests.filter((r) => r.path.includes('/auditLogs/signIns')).length;
    const reads = signInReads();
    now += 9 * 60_000;
    await diagnoser.diagnose('lena@fabrikam.com', CONTEXT);
    expect(signInReads()).toBe(reads);
    now += 2 * 60_000;
    await diagnoser.diagnose('lena@fabrikam.com', CONTEXT);
    expect(signInReads()).toBeGreaterThan(reads);
  });

  it('the sign-in log failing (500s): observed absent, the diagnosis still made', async () => {
    graph = await connectGraph({ snapshot: snapshot([signIn({ id: id(1), policies: [[OFFSITE, 'failure']] })]), retryDelaySeconds: 0 });
    graph.emulator!.failNext(20, 500, { pathContains: '/auditLogs/signIns' });
    const logs: Record<string, unknown>[] = [];
    const d = await new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000, log: (e) => logs.push(e) }).diagnose('lena@fabrikam.com', CONTEXT);
    expect(d.observed).toBeUndefined();
    expect(byCode(d, 'ca-auth-strength-loop', true)).toBeTruthy();
    expect(logs).toContainEqual({ event: 'signins.unavailable', reason: expect.stringMatching(/sign-in log failed/) });
  });

  it('the sign-in log timing out: observed absent', async () => {
    graph = await connectGraph({ snapshot: snapshot([]), retryDelaySeconds: 0 });
    graph.emulator!.delayNext(4, 60_000, '/auditLogs/signIns'); // released by close()
    const d = await new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000, signInsTimeoutMs: 200 }).diagnose('lena@fabrikam.com', CONTEXT);
    expect(d.observed).toBeUndefined();
    expect(d.findings.length).toBeGreaterThan(0);
  });

  it('signIns: false does not read them', async () => {
    graph = await connectGraph({ snapshot: snapshot([]), retryDelaySeconds: 0 });
    const d = await new Diagnoser(graph.client, graph.tenantFacts, { signIns: false }).diagnose('lena@fabrikam.com', CONTEXT);
    expect(d.observed).toBeUndefined();
    expect(graph.emulator!.requests.filter((r) => r.path.includes('/auditLogs/'))).toEqual([]);
  });
});
