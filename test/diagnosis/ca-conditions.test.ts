// When does a Conditional Access policy apply to the Microsoft Authenticator sign-in (or to the
// "Register security information" user action)? Policy state, target resources, user actions,
// device platforms, client apps, network locations, device filters and risk.
// Unless said otherwise the policy is example 01's "Passkeys everywhere" and lena (password +
// phone) cannot satisfy its grant, so "applies" shows as a blocking ca-auth-strength-loop.
import { evidenceWords } from '../../src/cards/evidence-words';
import { diagnose, type ConditionName, type Diagnosis } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import {
  AT,
  AUTHENTICATOR_APP_ID,
  LENA,
  managedPhone,
  blockingCodes,
  caCodes,
  codes,
  clauses,
  evidence,
  policyEvidence,
  finding,
  grant,
  LOOP_POLICY_ID,
  passkeysEverywhere,
  PASSKEY_IN_AUTHENTICATOR,
  policy,
  registerSecurityInfoPolicy,
  run,
  strengthGrant,
  tenant,
  workaroundCodes,
  type Json,
  type PolicySpec,
} from './builders';

const applies = (d: Diagnosis, id = LOOP_POLICY_ID) => {
  const f = finding(d, 'ca-auth-strength-loop');
  expect(f.blocking).toBe(true);
  expect(f.policies.map((r) => r.id)).toEqual([id]);
};
const doesNotApply = (d: Diagnosis) => expect(caCodes(d)).toEqual([]);
/** "May apply": mentioned, but not blocking, with the undecided condition (and what it says) in the evidence. */
const mayApply = (d: Diagnosis, condition: ConditionName, clause: RegExp = /./, name = 'Passkeys everywhere') => {
  expect(blockingCodes(d).filter((c) => c.startsWith('ca-'))).toEqual([]);
  const f = finding(d, 'ca-auth-strength-loop');
  expect(f.blocking).toBe(false);
  const [e] = policyEvidence(f);
  expect(e).toMatchObject({ policy: { name }, verdict: 'may-apply', state: 'enabled' });
  expect(e.conditions.filter((c) => c.verdict === 'unknown').map((c) => c.condition)).toEqual([condition]);
  expect(clauses(e, 'unknown')).toMatch(clause);
};
const only = (overrides: Partial<PolicySpec>, extra: Parameters<typeof tenant>[0] = {}) => tenant({ policies: [passkeysEverywhere(overrides)], ...extra });

describe('CA state', () => {
  it('an enabled policy blocks', () => applies(run(only({ state: 'enabled' }))));

  it('a disabled policy is ignored', () => {
    const d = run(only({ state: 'disabled' }));
    doesNotApply(d);
    expect(codes(d)).toEqual(['no-blocker-found']);
  });

  it('a report-only policy gives no blocking finding (it may be mentioned as report-only)', () => {
    const d = run(only({ state: 'enabledForReportingButNotEnforced' }));
    expect(blockingCodes(d)).toEqual([]);
    for (const f of d.findings.filter((x) => x.code.startsWith('ca-'))) {
      expect(f.blocking).toBe(false);
      expect(policyEvidence(f).map((e) => e.state)).toEqual(['report-only']);
    }
    expect(codes(d)).toContain('no-blocker-found');
  });
});

describe('Target resources', () => {
  it('All resources includes Microsoft Authenticator', () => applies(run(only({ applications: { includeApplications: ['All'] } }))));

  it('Microsoft Authenticator by app id', () => {
    const d = run(only({ applications: { includeApplications: [AUTHENTICATOR_APP_ID] } }));
    applies(d);
    expect(evidence(d, 'ca-auth-strength-loop')).toMatch(/Authenticator/);
  });

  it('excluding Microsoft Authenticator from All resources takes it out of scope', () => {
    doesNotApply(run(only({ applications: { includeApplications: ['All'], excludeApplications: [AUTHENTICATOR_APP_ID] } })));
  });

  it('Office 365 does not include Microsoft Authenticator', () => {
    doesNotApply(run(only({ applications: { includeApplications: ['Office365'] } })));
  });

  it('a policy only on an authentication context does not apply', () => {
    doesNotApply(run(only({ applications: { includeApplications: [], includeAuthenticationContextClassReferences: ['c1'] } })));
  });
});

describe('Filter for applications (custom security attributes of the Authenticator service principal)', () => {
  const attributes = {
    PasskeyRollout: {
      '@odata.type': '#Microsoft.DirectoryServices.CustomSecurityAttributeValue',
      Tier: 'Bootstrap',
      Owner: 'Identity',
    },
  };
  const A = 'CustomSecurityAttribute.PasskeyRollout_Tier';
  const O = 'CustomSecurityAttribute.PasskeyRollout_Owner';
  const includeBy = (rule: string): Json => ({ includeApplications: [], applicationFilter: { mode: 'include', rule } });
  const excludeBy = (rule: string): Json => ({ includeApplications: ['All'], applicationFilter: { mode: 'exclude', rule } });
  const withAttributes = (applications: Json, servicePrincipal: Json | null = { customSecurityAttributes: attributes }) =>
    run(only({ applications }, { servicePrincipal }));

  const rules: [string, boolean][] = [
    [`${A} -eq "Bootstrap"`, true],
    [`${A} -eq "Standard"`, false],
    [`${A} -ne "Standard"`, true],
    [`${A} -ne "Bootstrap"`, false],
    [`${A} -contains "strap"`, true],
    [`${A} -contains "legacy"`, false],
    [`${A} -startsWith "Boot"`, true],
    [`${A} -startsWith "strap"`, false],
    [`${A} -in ["Standard","Bootstrap"]`, true],
    [`${A} -in ["Standard","Legacy"]`, false],
    [`${A} -notIn ["Standard","Legacy"]`, true],
    [`${A} -notIn ["Bootstrap"]`, false],
    [`${A} -eq "Bootstrap" -and ${O} -eq "Identity"`, true],
    [`${A} -eq "Bootstrap" -and ${O} -eq "Apps"`, false],
    [`${A} -eq "Standard" -or ${O} -eq "Identity"`, true],
    [`${A} -eq "Standard" -or ${O} -eq "Apps"`, false],
    [`-not (${A} -eq "Standard")`, true],
    [`-not (${A} -eq "Bootstrap")`, false],
    // -and binds tighter than -or: true -or (false -and false)
    [`${A} -eq "Bootstrap" -or ${A} -eq "Standard" -and ${O} -eq "Apps"`, true],
    // parentheses change it: (true -or false) -and false
    [`(${A} -eq "Bootstrap" -or ${A} -eq "Standard") -and ${O} -eq "Apps"`, false],
  ];

  it.each(rules)('include filter %s → applies: %s', (rule, matches) => {
    const d = withAttributes(includeBy(rule));
    if (matches) applies(d);
    else doesNotApply(d);
  });

  it('an exclude filter that matches Authenticator takes it out of All resources', () => {
    doesNotApply(withAttributes(excludeBy(`${A} -eq "Bootstrap"`)));
  });

  it('an exclude filter that does not match Authenticator leaves the policy applying', () => {
    applies(withAttributes(excludeBy(`${A} -in ["Standard","Legacy"]`)));
  });

  it('readable attributes without that attribute set: an exclude filter does not match, the policy applies', () => {
    applies(withAttributes(excludeBy(`${A} -eq "Bootstrap"`), { customSecurityAttributes: {} }));
  });

  // A service principal with no attributes (null, {} or none at all; or no service principal yet,
  // which Authenticator's first sign-in creates without attributes) does not match: only facts
  // read without the permission to read attributes make such a filter "may apply".
  it('no Authenticator service principal: an exclude filter does not match it, the policy applies', () => {
    applies(withAttributes(excludeBy(`${A} -eq "Bootstrap"`), null));
  });

  it('no Authenticator service principal: an include filter does not match it, the policy does not apply', () => {
    doesNotApply(withAttributes(includeBy(`${A} -eq "Bootstrap"`), null));
  });

  it('customSecurityAttributes null: no attribute is assigned, an exclude filter does not match', () => {
    applies(withAttributes(excludeBy(`${A} -eq "Bootstrap"`), { customSecurityAttributes: null }));
  });

  it('attributes not readable (a snapshot marked customSecurityAttributesUnreadable) → may apply', () => {
    const snapshot = only({ applications: excludeBy(`${A} -eq "Bootstrap"`) }, { servicePrincipal: { customSecurityAttributes: null } });
    const d = diagnose({ ...tenantFactsOf(snapshot), customSecurityAttributesUnreadable: true }, userFactsOf(snapshot, LENA), { platform: 'android', at: AT });
    mayApply(d, 'application', /filter for applications.*may exclude Microsoft Authenticator/);
  });
});

describe('User action "Register security information"', () => {
  const rsi = (g: Json) => registerSecurityInfoPolicy({ id: 'p-rsi', name: 'Register security info from compliant devices', grant: g });

  it('a policy on the user action that the user cannot satisfy → ca-register-security-info, not an app sign-in finding', () => {
    const d = run(tenant({ policies: [rsi(grant(['compliantDevice']))] }));
    const f = finding(d, 'ca-register-security-info');
    expect(f.blocking).toBe(true);
    expect(f.policies.map((r) => r.id)).toEqual(['p-rsi']);
    expect(evidenceWords(f).join(' ')).toMatch(/Register security info from compliant devices/);
    expect(evidenceWords(f).join(' ')).toMatch(/compliant/i);
    expect(caCodes(d)).toEqual(['ca-register-security-info']);
    expect(workaroundCodes(d)).toContain('satisfy-register-security-info');
  });

  it('a policy on the user action that the user can satisfy (MFA with the phone) → nothing', () => {
    doesNotApply(run(tenant({ policies: [rsi(grant(['mfa']))] })));
  });

  it('a policy on All resources does not count as the user action', () => {
    const d = run(tenant({ policies: [policy({ id: 'p-app', name: 'Compliant devices for all apps', grant: grant(['compliantDevice']) })] }));
    expect(caCodes(d)).toEqual(['ca-other-conditions']);
    expect(finding(d, 'ca-other-conditions').policies.map((r) => r.id)).toEqual(['p-app']);
  });
});

describe('Device platforms (the seed\'s split policies)', () => {
  const desktop = policy({ id: 'p-desktop', name: 'Desktop: passkey in Authenticator', platforms: { include: ['all'], exclude: ['android', 'iOS'] }, grant: strengthGrant(PASSKEY_IN_AUTHENTICATOR) });
  const mobile = policy({ id: 'p-mobile', name: 'Mobile: passkey in Authenticator', platforms: { include: ['android', 'iOS'] }, grant: strengthGrant(PASSKEY_IN_AUTHENTICATOR) });

  it.each(['android', 'iOS'] as const)('the desktop policy (all but Android and iOS) does not apply on %s', (platform) => {
    doesNotApply(run(tenant({ policies: [desktop] }), { platform }));
  });

  it.each(['android', 'iOS'] as const)('the mobile policy applies on %s, and only it is named', (platform) => {
    const d = run(tenant({ policies: [desktop, mobile] }), { platform });
    applies(d, 'p-mobile');
    expect(evidence(d, 'ca-auth-strength-loop')).toMatch(/Mobile: passkey in Authenticator/);
  });

  it('a policy for iOS only does not apply on Android', () => {
    doesNotApply(run(only({ platforms: { include: ['iOS'] } }), { platform: 'android' }));
  });

  it('all platforms excluding Android still applies on iOS', () => {
    applies(run(only({ platforms: { include: ['all'], exclude: ['android'] } }), { platform: 'iOS' }));
  });
});

describe('Client apps', () => {
  it('a browser-only policy does not apply to the Authenticator app', () => doesNotApply(run(only({ clientAppTypes: ['browser'] }))));
  it('a legacy-auth-only policy does not apply', () => doesNotApply(run(only({ clientAppTypes: ['exchangeActiveSync', 'other'] }))));
  it('a policy on mobile apps and desktop clients applies', () => applies(run(only({ clientAppTypes: ['mobileAppsAndDesktopClients'] }))));
});

describe('Network locations', () => {
  const office = { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'loc-office', displayName: 'Head office', isTrusted: true, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }] };
  const branch = { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'loc-branch', displayName: 'Branch office', isTrusted: false, ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }] };
  const namedLocations = [office, branch];
  const offTrusted = only({ locations: { include: ['All'], exclude: ['AllTrusted'] } }, { namedLocations });
  const atBranch = only({ locations: { include: ['loc-branch'] } }, { namedLocations });

  it('"any location except trusted" when we do not know where the user is → may apply, depends on location', () => {
    mayApply(run(offTrusted), 'location', /where the user is/);
  });

  it('…and the user is on a trusted location → does not apply', () => doesNotApply(run(offTrusted, { trustedLocation: true })));
  it('…and the user is not on a trusted location → applies', () => applies(run(offTrusted, { trustedLocation: false })));

  it('…and the user is in a named location marked as trusted → does not apply (All trusted = every location marked trusted)', () => {
    doesNotApply(run(offTrusted, { namedLocationIds: ['loc-office'] }));
  });

  it('a named location when we do not know where the user is → may apply, naming the location', () => {
    mayApply(run(atBranch), 'location', /Branch office/);
  });
  it('…and the user is there → applies', () => applies(run(atBranch, { namedLocationIds: ['loc-branch'] })));
  it('…and the user is elsewhere → does not apply', () => doesNotApply(run(atBranch, { namedLocationIds: ['loc-office'] })));
});

describe('Filter for devices', () => {
  // The phone's attributes come from the user's Intune-managed phone of the platform (here an
  // Android one); without one, every attribute is null (see device-filters.test.ts).
  const filtered = (mode: 'include' | 'exclude', rule: string) =>
    only({ deviceFilter: { mode, rule } }, { lena: { managedDevices: [managedPhone('Android')] } });

  it('include device.operatingSystem -eq "Android" applies on Android', () => {
    applies(run(filtered('include', 'device.operatingSystem -eq "Android"'), { platform: 'android' }));
  });
  it('include device.operatingSystem -eq "Android" does not apply on iOS', () => {
    doesNotApply(run(filtered('include', 'device.operatingSystem -eq "Android"'), { platform: 'iOS' }));
  });
  it('exclude device.operatingSystem -eq "Android" does not apply on Android but applies on iOS', () => {
    doesNotApply(run(filtered('exclude', 'device.operatingSystem -eq "Android"'), { platform: 'android' }));
    applies(run(filtered('exclude', 'device.operatingSystem -eq "Android"'), { platform: 'iOS' }));
  });
  it('a rule on another device attribute of the managed phone (trust type) → may apply', () => {
    mayApply(run(filtered('include', 'device.trustType -eq "AzureAD"')), 'devices', /device filter/);
  });
  it('an -and that fails on the operating system is decided even though the other attribute is unknown', () => {
    doesNotApply(run(filtered('include', 'device.operatingSystem -eq "iOS" -and device.isCompliant -eq True'), { platform: 'android' }));
  });
});

describe('Risk', () => {
  it('a sign-in risk policy → may apply, the evidence says it depends on risk', () => {
    mayApply(run(only({ signInRiskLevels: ['high'] })), 'signInRisk', /sign-in risk high/);
  });
  it('a user risk policy → may apply', () => {
    mayApply(run(only({ userRiskLevels: ['medium', 'high'] })), 'userRisk', /user risk medium\/high/);
  });
});
