// Facts the tenant holds are not unknowns: the user's Intune-managed phone decides filters for
// devices (isCompliant, deviceOwnership); a phone with no managed device is a device Entra does
// not know, whose attributes are all null — a positive operator never matches it, a negative one
// does (Microsoft: "Conditional Access: Filter for devices", the note on unregistered devices).
// Application filters: a service principal with no attributes does not match; only facts read
// without the permission to read attributes make the filter "may apply".
import { evidenceWords } from '../../src/cards/evidence-words';
import { diagnose, type ConditionName, type Diagnosis } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { AT, blockingCodes, caCodes, clauses, finding, policyEvidence, grant, LENA, LOOP_POLICY_ID, managedPhone, passkeysEverywhere, run, tenant, type Json } from './builders';

const applies = (d: Diagnosis) => {
  const f = finding(d, 'ca-auth-strength-loop');
  expect(f.blocking).toBe(true);
  expect(f.policies.map((r) => r.id)).toEqual([LOOP_POLICY_ID]);
};
const doesNotApply = (d: Diagnosis) => expect(caCodes(d)).toEqual([]);
const mayApply = (d: Diagnosis, reason: RegExp, condition: ConditionName = 'devices') => {
  expect(blockingCodes(d).filter((c) => c.startsWith('ca-'))).toEqual([]);
  const f = finding(d, 'ca-auth-strength-loop');
  expect(f.blocking).toBe(false);
  expect(f.policies.map((r) => r.id)).toEqual([LOOP_POLICY_ID]);
  // The filter (for devices unless said) is the condition left undecided, and its clause says why.
  const [e] = policyEvidence(f);
  expect(e.verdict).toBe('may-apply');
  expect(e.conditions.filter((c) => c.verdict === 'unknown').map((c) => c.condition)).toEqual([condition]);
  expect(clauses(e, 'unknown')).toMatch(reason);
};

const phone = (overrides: Json = {}): Json => ({ ...managedPhone('Android'), ...overrides });
const withFilter = (mode: 'include' | 'exclude', rule: string, devices: Json[]) =>
  tenant({ policies: [passkeysEverywhere({ deviceFilter: { mode, rule } })], lena: { managedDevices: devices } });

describe('filters for devices, decided by the managed phone', () => {
  it.each([
    ['compliant', true],
    ['inGracePeriod', true],
    ['noncompliant', false],
  ])('device.isCompliant -eq True with a %s phone → applies: %s', (complianceState, matches) => {
    const d = run(withFilter('include', 'device.isCompliant -eq True', [phone({ complianceState })]));
    if (matches) applies(d);
    else doesNotApply(d);
  });

  it('an exclude filter for compliant devices takes a phone in its grace period out', () => {
    doesNotApply(run(withFilter('exclude', 'device.isCompliant -eq True', [phone({ complianceState: 'inGracePeriod' })])));
  });

  it('ownership: a company-owned phone matches device.deviceOwnership -eq "Company", a personal one does not', () => {
    applies(run(withFilter('include', 'device.deviceOwnership -eq "Company"', [phone({ managedDeviceOwnerType: 'company' })])));
    doesNotApply(run(withFilter('include', 'device.deviceOwnership -eq "Company"', [phone({ managedDeviceOwnerType: 'personal' })])));
    applies(run(withFilter('include', 'device.deviceOwnership -ne "Company"', [phone({ managedDeviceOwnerType: 'personal' })])));
  });

  it('the evidence names the managed phone the attributes came from', () => {
    const d = run(withFilter('include', 'device.isCompliant -eq True', [phone({ deviceName: 'Pixel 8' })]));
    expect(evidenceWords(finding(d, 'ca-auth-strength-loop')).join(' ')).toMatch(/Pixel 8.*isCompliant true/);
  });

  it('an attribute Intune does not give (trust type, model) stays unknown → may apply', () => {
    mayApply(run(withFilter('include', 'device.model -eq "Pixel 8"', [phone()])), /device filter.*cannot see/);
  });

  it('compliance unknown in Intune (complianceState unknown) → may apply', () => {
    mayApply(run(withFilter('include', 'device.isCompliant -eq True', [phone({ complianceState: 'unknown' })])), /device filter/);
  });

  it('two managed phones that disagree on compliance → may apply; that agree → decided', () => {
    mayApply(run(withFilter('include', 'device.isCompliant -eq True', [phone({ id: 'a' }), phone({ id: 'b', complianceState: 'noncompliant' })])), /device filter/);
    applies(run(withFilter('include', 'device.isCompliant -eq True', [phone({ id: 'a' }), phone({ id: 'b', complianceState: 'inGracePeriod' })])));
  });

  it('only phones of the platform count: a compliant iPhone says nothing about the Android phone', () => {
    doesNotApply(run(withFilter('include', 'device.isCompliant -eq True', [managedPhone('iOS')])));
  });
});

describe('a phone with no managed device (every attribute null)', () => {
  const none: Json[] = [];
  it.each([
    'device.isCompliant -eq True',
    'device.isCompliant -eq False',
    'device.operatingSystem -eq "Android"',
    'device.trustType -eq "AzureAD"',
    'device.displayName -contains "Pixel"',
    'device.model -startsWith "Pixel"',
    'device.manufacturer -endsWith "Google"',
    'device.deviceOwnership -in ["Company","Personal"]',
  ])('never matches the positive rule %s: an include filter does not apply', (rule) => {
    doesNotApply(run(withFilter('include', rule, none)));
  });

  it.each([
    'device.isCompliant -ne True',
    'device.trustType -ne "AzureAD"',
    'device.displayName -notContains "Pixel"',
    'device.model -notStartsWith "Pixel"',
    'device.manufacturer -notEndsWith "Google"',
    'device.deviceOwnership -notIn ["Company"]',
  ])('matches the negative rule %s: an include filter applies', (rule) => {
    applies(run(withFilter('include', rule, none)));
  });

  it('an exclude filter with a positive rule does not take the phone out: the policy applies', () => {
    applies(run(withFilter('exclude', 'device.isCompliant -eq True', none)));
  });

  it('an exclude filter with a negative rule takes it out', () => {
    doesNotApply(run(withFilter('exclude', 'device.isCompliant -ne True', none)));
  });
});

describe('filter for applications against the Authenticator service principal', () => {
  const A = 'CustomSecurityAttribute.PasskeyRollout_Tier';
  const excludeBy = (rule: string): Json => ({ includeApplications: ['All'], applicationFilter: { mode: 'exclude', rule } });
  const includeBy = (rule: string): Json => ({ includeApplications: [], applicationFilter: { mode: 'include', rule } });
  const snapshot = (applications: Json, servicePrincipal: Json) => tenant({ policies: [passkeysEverywhere({ applications })], servicePrincipal });
  const diagnoseWith = (s: ReturnType<typeof tenant>, unreadable = false) =>
    diagnose({ ...tenantFactsOf(s), ...(unreadable ? { customSecurityAttributesUnreadable: true } : {}) }, userFactsOf(s, LENA), { platform: 'android', at: AT });

  it.each([
    ['null', { customSecurityAttributes: null }],
    ['{}', { customSecurityAttributes: {} }],
    ['absent', { customSecurityAttributes: undefined }],
  ])('attributes %s: a positive exclude filter does not match, the policy applies; an include filter does not', (_label, sp) => {
    applies(diagnoseWith(snapshot(excludeBy(`${A} -eq "Bootstrap"`), sp)));
    doesNotApply(diagnoseWith(snapshot(includeBy(`${A} -eq "Bootstrap"`), sp)));
  });

  it('attributes null: a negative include filter matches', () => {
    applies(diagnoseWith(snapshot(includeBy(`${A} -ne "Bootstrap"`), { customSecurityAttributes: null })));
  });

  it('facts read without the permission to read attributes (customSecurityAttributesUnreadable) → may apply, naming the filter', () => {
    mayApply(diagnoseWith(snapshot(excludeBy(`${A} -eq "Bootstrap"`), { customSecurityAttributes: null }), true), /filter for applications.*not readable/, 'application');
    mayApply(diagnoseWith(snapshot(includeBy(`${A} -eq "Bootstrap"`), { customSecurityAttributes: null }), true), /filter for applications.*not readable/, 'application');
  });
});

describe('the compliant-device grant', () => {
  it('a phone in its compliance grace period satisfies "require device to be marked as compliant"', () => {
    const s = tenant({ policies: [passkeysEverywhere({ grant: grant(['compliantDevice']) })], lena: { managedDevices: [phone({ complianceState: 'inGracePeriod' })] } });
    expect(caCodes(run(s))).toEqual([]);
  });
});
