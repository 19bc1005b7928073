// "May apply" never vanishes: Conditional Access What If evaluates only the sign-in properties it
// is given, so its "not applied" for a condition the bot did not supply (location, risk, device,
// authentication flow) is "may apply" — blocking false, the policy id, the condition in the
// evidence. The loopback What If answers like the real one (documented whatIfAnalysisReasons).
import { diagnose, whatIfDisagreements, type Diagnosis, type WhatIfVerdicts } from '../../src/diagnosis';
import { evaluateWhatIf } from '../../src/graph/what-if';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { Diagnoser } from '../../src/support/diagnoser';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { AT, blockingCodes, caCodes, finding, grant, LENA, LENA_ID, managedPhone, policy, tenant, type Json } from './builders';

const OFFICE = { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'loc-office', displayName: 'Head office', isTrusted: true, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }] };
const P = {
  offsite: 'p-offsite',
  risky: 'p-risky',
  devices: 'p-devices',
  flows: 'p-flows',
  disabled: 'p-disabled',
  others: 'p-others',
  plain: 'p-plain',
};
const block = grant(['block']);
const offsite = policy({ id: P.offsite, name: 'Block outside the office', locations: { include: ['All'], exclude: ['AllTrusted'] }, grant: block });

function snapshot(extra: Json[] = [], lena: Json = {}) {
  return tenant({ policies: [offsite, ...extra], namedLocations: [OFFICE], lena });
}
function run(s: ReturnType<typeof snapshot>, verdicts: Record<string, { applies: boolean; reason: string }>, context: Json = {}): Diagnosis {
  const v: WhatIfVerdicts = new Map(Object.entries(verdicts));
  return diagnose(tenantFactsOf(s), userFactsOf(s, LENA), { platform: 'android', at: AT, ...context }, { whatIf: { 'authenticator-sign-in': v, 'register-security-info': new Map() } });
}
const other = (d: Diagnosis) => finding(d, 'ca-other-conditions');

describe('the engine reads What If\'s analysisReasons', () => {
  it('"not applied" because of location (not supplied) → may apply: blocking false, the policy id, the condition named', () => {
    const d = run(snapshot(), { [P.offsite]: { applies: false, reason: 'location' } });
    expect(blockingCodes(d)).toEqual([]);
    expect(other(d)).toMatchObject({ blocking: false, policies: [{ id: P.offsite }] });
    expect(other(d).evidence).toMatchObject([{ kind: 'policy', verdict: 'may-apply', source: 'what-if', whatIf: { condition: 'what-if', analysisReasons: 'location', reasons: ['location'] } }]);
  });

  it.each(['users', 'application', 'devicePlatform', 'clientApps', 'policyNotEnabled', 'users,location'])('"not applied" because of %s (evaluated) → does not apply', (reason) => {
    expect(caCodes(run(snapshot(), { [P.offsite]: { applies: false, reason } }))).toEqual([]);
  });

  it.each(['notEnoughInformation', 'unknownFutureValue', 'location,signInRisk', ''])('"not applied" with %j → may apply', (reason) => {
    const d = run(snapshot(), { [P.offsite]: { applies: false, reason } });
    expect(other(d)).toMatchObject({ blocking: false, policies: [{ id: P.offsite }] });
  });

  it('a risk policy "not applied" because of signInRisk → may apply, naming sign-in risk', () => {
    const risky = policy({ id: P.risky, name: 'Block risky sign-ins', signInRiskLevels: ['high'], grant: block });
    const d = run(snapshot([risky]), { [P.offsite]: { applies: false, reason: 'users' }, [P.risky]: { applies: false, reason: 'signInRisk' } });
    expect(other(d)).toMatchObject({ blocking: false, policies: [{ id: P.risky }] });
    expect(other(d).evidence).toMatchObject([{ kind: 'policy', verdict: 'may-apply', whatIf: { reasons: ['signInRisk'] } }]);
  });

  it('"not applied" because of devices is decided from the managed phone (a fact the tenant holds)', () => {
    const filtered = policy({ id: P.devices, name: 'Block non-compliant devices', deviceFilter: { mode: 'include', rule: 'device.isCompliant -ne True' }, grant: block });
    const verdicts = { [P.offsite]: { applies: false, reason: 'users' }, [P.devices]: { applies: false, reason: 'devices' } };
    // Non-compliant managed phone: the rule matches, the policy applies and blocks.
    const blocked = run(snapshot([filtered], { managedDevices: [managedPhone('Android', 'noncompliant')] }), verdicts);
    expect(other(blocked)).toMatchObject({ blocking: true, policies: [{ id: P.devices }] });
    // Compliant managed phone: the rule does not match.
    expect(caCodes(run(snapshot([filtered], { managedDevices: [managedPhone('Android', 'compliant')] }), verdicts))).toEqual([]);
    // No managed phone: every attribute null, so the negative rule matches.
    expect(other(run(snapshot([filtered]), verdicts))).toMatchObject({ blocking: true, policies: [{ id: P.devices }] });
  });

  it('"not applied" because of location, and the user says they are off the trusted network → applies', () => {
    const d = run(snapshot(), { [P.offsite]: { applies: false, reason: 'location' } }, { trustedLocation: false });
    expect(other(d)).toMatchObject({ blocking: true, policies: [{ id: P.offsite }] });
  });

  it('an unsupplied condition is not a disagreement with the local evaluator', () => {
    const s = snapshot();
    const v: WhatIfVerdicts = new Map([[P.offsite, { applies: false, reason: 'location' }]]);
    expect(whatIfDisagreements(tenantFactsOf(s), userFactsOf(s, LENA), { platform: 'android', at: AT, trustedLocation: false }, { 'authenticator-sign-in': v })).toEqual([]);
  });
});

describe('the loopback What If answers like the real one', () => {
  let graph: GraphConnection | undefined;
  afterEach(async () => {
    await graph?.close();
    graph = undefined;
  });

  const policies = [
    policy({ id: P.risky, name: 'Block risky sign-ins', signInRiskLevels: ['high'], grant: block }),
    policy({ id: P.devices, name: 'Block non-compliant devices', deviceFilter: { mode: 'include', rule: 'device.isCompliant -ne True' }, grant: block }),
    { ...policy({ id: P.flows, name: 'Block device code flow', grant: block }), conditions: { ...policy({ id: P.flows }).conditions, authenticationFlows: { transferMethods: 'deviceCodeFlow' } } },
    policy({ id: P.disabled, name: 'Old block', state: 'disabled', grant: block }),
    policy({ id: P.others, name: 'Everyone but Lena', users: { excludeUsers: [LENA_ID] }, grant: block }),
    policy({ id: P.plain, name: 'MFA for everyone', grant: grant(['mfa']) }),
  ];

  it('names the condition it was not given, per the documented whatIfAnalysisReasons', async () => {
    graph = await connectGraph({ snapshot: snapshot(policies) as never, retryDelaySeconds: 0 });
    const verdicts = await evaluateWhatIf(graph.client, LENA_ID, 'authenticator-sign-in', 'android', 15_000);
    expect(Object.fromEntries([...verdicts].map(([id, v]) => [id, `${v.applies} ${v.reason}`]))).toEqual({
      [P.offsite]: 'false location',
      [P.risky]: 'false signInRisk',
      [P.devices]: 'false devices',
      [P.flows]: 'false authenticationFlow',
      [P.disabled]: 'false policyNotEnabled',
      [P.others]: 'false users',
      [P.plain]: 'true notSet',
    });
    const rsi = await evaluateWhatIf(graph.client, LENA_ID, 'register-security-info', 'android', 15_000);
    expect(rsi.get(P.plain)).toEqual({ applies: false, reason: 'userActions' });
  });

  it('evaluates the conditions it is given: an office IP, a sign-in risk level, deviceInfo', async () => {
    graph = await connectGraph({ snapshot: snapshot(policies) as never, retryDelaySeconds: 0 });
    const ask = async (signInConditions: Json) => {
      const body = {
        signInIdentity: { '@odata.type': '#microsoft.graph.userSignIn', userId: LENA_ID },
        signInContext: { '@odata.type': '#microsoft.graph.applicationContext', includeApplications: ['4813382a-8fa7-425e-ab75-3b753aab3abb'] },
        signInConditions: { devicePlatform: 'android', clientAppType: 'mobileAppsAndDesktopClients', ...signInConditions },
      };
      const answer = (await graph!.client.api('/identity/conditionalAccess/evaluate').post(body)) as { value: { id: string; policyApplies: boolean; analysisReasons: string }[] };
      return Object.fromEntries(answer.value.map((r) => [r.id, `${r.policyApplies} ${r.analysisReasons}`]));
    };
    expect((await ask({ ipAddress: '203.0.113.7' }))[P.offsite]).toBe('false location'); // in the trusted office: excluded
    expect((await ask({ ipAddress: '198.51.100.7' }))[P.offsite]).toBe('true notSet');
    expect((await ask({ signInRiskLevel: 'high' }))[P.risky]).toBe('true notSet');
    expect((await ask({ signInRiskLevel: 'low' }))[P.risky]).toBe('false signInRisk');
    expect((await ask({ deviceInfo: { isCompliant: true } }))[P.devices]).toBe('false devices');
    expect((await ask({ deviceInfo: { isCompliant: false } }))[P.devices]).toBe('true notSet');
  });

  it('through the Diagnoser, the location-conditioned block stays visible as "may apply" (it used to vanish)', async () => {
    graph = await connectGraph({ snapshot: snapshot() as never, retryDelaySeconds: 0 });
    const d = await new Diagnoser(graph.client, graph.tenantFacts, { whatIfTimeoutMs: 15_000 }).diagnose(LENA, { platform: 'android', at: AT });
    expect(blockingCodes(d)).toEqual([]);
    const f = other(d);
    expect(f).toMatchObject({ blocking: false, policies: [{ id: P.offsite }] });
    expect(f.evidence).toMatchObject([{ kind: 'policy', verdict: 'may-apply', source: 'what-if', whatIf: { reasons: ['location'] } }]);
    expect(graph.emulator!.requests.filter((r) => r.path.includes('evaluate'))).toHaveLength(2);
  });
});
