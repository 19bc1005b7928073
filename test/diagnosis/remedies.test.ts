// Remedies the engine checks (contract: "Remedies (checked by the engine)"): each is applied to
// the facts and the user diagnosed again at the same time; `clears` exactly when no blocking
// finding remains. Built on example 01's tenant (lena: a password and a mobile phone).
import { remedyApplied, remedyWhy } from '../../src/cards/remedy-words';
import { diagnose } from '../../src/diagnosis';
import type { DiagnoseOptions, Diagnosis, ExemptionGroup, RegistrationContext, Remedy, RemedyCode, WhatIfVerdicts } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import {
  AT,
  authenticatorPasskey,
  BUILT_IN,
  customStrength,
  grant,
  group,
  LENA,
  LENA_ID,
  LOOP_POLICY_ID,
  managedPhone,
  minutes,
  mobilePhone,
  passkeysEverywhere,
  password,
  policy,
  registerSecurityInfoPolicy,
  shift,
  strengthGrant,
  tap,
  TAP_OR_PASSKEY,
  tapOrPasskeyStrength,
  tenant,
  user,
  type Json,
  type Snapshot,
} from './builders';

const EXEMPT: ExemptionGroup = { id: 'g-exempt', displayName: 'Passkey exemptions' };

function diagnoseWith(snapshot: Snapshot, context: Partial<RegistrationContext> = {}, options: DiagnoseOptions = {}, who = LENA): Diagnosis {
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, who), { platform: 'android', at: AT, ...context }, options);
}
function remedy(d: Diagnosis, code: RemedyCode): Remedy {
  const r = d.remedies.find((x) => x.code === code);
  if (!r) throw new Error(`no ${code} remedy; got ${JSON.stringify(d.remedies.map((x) => x.code))}`);
  return r;
}
const remedyCodes = (d: Diagnosis) => d.remedies.map((r) => r.code);

// Policies used below.
const tapOrPasskeyPolicy = (extra: Json = {}) => policy({ id: 'p-mobile', name: 'Mobile: TAP or passkey', grant: strengthGrant(TAP_OR_PASSKEY), ...extra });
const compliantForRegistration = (extra: Json = {}) =>
  registerSecurityInfoPolicy({ id: 'p-rsi', name: 'Register security info from compliant devices', grant: grant(['compliantDevice']), ...extra });
const withStrengths = { strengths: [tapOrPasskeyStrength()] };

describe('Remedies: shape', () => {
  it('nothing blocks → no remedies', () => {
    expect(diagnoseWith(tenant({ policies: [] }), {}, { exemptionGroup: EXEMPT }).remedies).toEqual([]);
  });

  it('each remedy carries the contract fields and its structured detail, in the contract order', () => {
    const d = diagnoseWith(
      tenant({ policies: [policy({ id: 'p-app', name: 'MAM', grant: grant(['approvedApplication', 'compliantDevice'], 'OR'), users: { excludeGroups: ['g-exempt'] } })] }),
      { androidProfile: 'work', passkeyProfile: 'personal', osVersion: 13 },
      { exemptionGroup: EXEMPT },
    );
    expect(remedyCodes(d)).toEqual(['temporary-access-pass', 'temporary-exemption', 'require-compliant-device', 'register-in-each-profile', 'update-os']);
    for (const r of d.remedies) {
      expect(Object.keys(r).sort()).toEqual(['clears', 'code', 'detail', 'for', 'policyIdsRemaining', 'remaining'].sort());
      expect(remedyWhy(r).length).toBeGreaterThan(20);
      expect(r.detail.remaining.map((x) => x.code)).toEqual(r.remaining);
    }
    expect(d.remedies.map((r) => [r.code, r.for])).toEqual([
      ['temporary-access-pass', 'helpdesk'],
      ['temporary-exemption', 'helpdesk'],
      ['require-compliant-device', 'admin'],
      ['register-in-each-profile', 'user'],
      ['update-os', 'user'],
    ]);
  });

  it('does not change the facts it was given (remedies are facts → facts)', () => {
    const snapshot = tenant({ policies: [tapOrPasskeyPolicy(), compliantForRegistration()], ...withStrengths, lena: { authenticationMethods: [password(), tap({ start: shift(AT, -minutes(180)) })] } });
    const tenantFacts = tenantFactsOf(snapshot);
    const userFacts = userFactsOf(snapshot, LENA);
    const before = structuredClone({ tenantFacts, userFacts });
    const d = diagnose(tenantFacts, userFacts, { platform: 'android', at: AT, androidProfile: 'work', passkeyProfile: 'personal', osVersion: 12 }, { exemptionGroup: EXEMPT });
    expect(d.remedies.length).toBeGreaterThan(3);
    expect({ tenantFacts, userFacts }).toEqual(before);
  });
});

describe('Remedy: temporary-access-pass', () => {
  it('the loop policy accepts only a passkey in Authenticator → a TAP does not clear it, and says why', () => {
    const r = remedy(diagnoseWith(tenant()), 'temporary-access-pass');
    expect(r).toMatchObject({ for: 'helpdesk', clears: false, remaining: ['ca-auth-strength-loop'], policyIdsRemaining: [LOOP_POLICY_ID] });
    expect(remedyWhy(r)).toBe("A Temporary Access Pass (multi-use, 60 minutes) will not help: 'Passkeys everywhere' accepts only a passkey in Microsoft Authenticator.");
    expect(r.detail.remaining).toEqual([
      {
        code: 'ca-auth-strength-loop',
        policies: [{ id: LOOP_POLICY_ID, name: 'Passkeys everywhere' }],
        causes: [
          {
            kind: 'policy',
            policy: { id: LOOP_POLICY_ID, name: 'Passkeys everywhere' },
            verdict: 'accepts-only',
            operator: 'OR',
            controls: [expect.objectContaining({ control: 'authenticationStrength', source: 'tenant', description: { parts: [{ passkey: 'authenticator' }], more: 0 } })],
            authenticatorCannot: false,
          },
        ],
      },
    ]);
    expect(r.detail.change).toEqual({ kind: 'tap', oneTime: false, start: AT.toISOString(), end: '2026-10-05T15:00:00.000Z', lifetimeMinutes: 60 });
  });

  it('the seed\'s mobile policy (TAP or passkey) → a TAP clears it', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths })), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: true, remaining: [], policyIdsRemaining: [] });
    expect(r.detail.resolved).toEqual([{ id: 'p-mobile', name: 'Mobile: TAP or passkey' }]);
    expect(remedyApplied(r)).toBe("a multi-use Temporary Access Pass valid 2026-10-05 14:00Z to 2026-10-05 15:00Z (the tenant's default lifetime, 60 minutes)");
    expect(remedyWhy(r)).toMatch(/satisfies 'Mobile: TAP or passkey'; nothing else blocks/);
  });

  it('an expired TAP is replaced by a new one valid from now → clears, tap-expired is gone', () => {
    const d = diagnoseWith(tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths, lena: { authenticationMethods: [password(), tap({ start: shift(AT, -minutes(180)) })] } }));
    expect(d.findings.filter((f) => f.blocking).map((f) => f.code)).toEqual(['ca-auth-strength-loop', 'tap-expired']);
    const r = remedy(d, 'temporary-access-pass');
    expect(r.clears).toBe(true);
    expect(r.detail.resolvedCodes).toEqual(['ca-auth-strength-loop', 'tap-expired']);
  });

  it('the tenant\'s default lifetime and one-time setting: clamped to the policy, valid from --at', () => {
    const snapshot = tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths, tapMethod: { defaultLifetimeInMinutes: 30, minimumLifetimeInMinutes: 120, isUsableOnce: true } });
    const r = remedy(diagnoseWith(snapshot), 'temporary-access-pass');
    expect(r.clears).toBe(true);
    expect(remedyApplied(r)).toMatch(/^a one-time Temporary Access Pass valid 2026-10-05 14:00Z to 2026-10-05 16:00Z .*120 minutes/);
  });

  it('a strength that accepts only a multi-use TAP, in a tenant that issues one-time passes → does not clear, says so', () => {
    const multiOnly = customStrength('multi-only', 'Multi-use TAP only', ['temporaryAccessPassMultiUse']);
    const snapshot = tenant({ policies: [policy({ id: 'p', name: 'Reusable TAP', grant: strengthGrant('multi-only') })], strengths: [multiOnly], tapMethod: { isUsableOnce: true } });
    const r = remedy(diagnoseWith(snapshot), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-auth-strength-loop'] });
    expect(remedyWhy(r)).toMatch(/'Reusable TAP' accepts only a multi-use Temporary Access Pass, and the tenant allows one-time passes only/);
  });

  it('a strength that accepts only a one-time TAP, while the tenant default is multi-use → does not clear, says a one-time pass would', () => {
    const oneTimeOnly = customStrength('one-time', 'One-time TAP only', ['temporaryAccessPassOneTime']);
    const r = remedy(diagnoseWith(tenant({ policies: [policy({ id: 'p', name: 'Single-use TAP', grant: strengthGrant('one-time') })], strengths: [oneTimeOnly] })), 'temporary-access-pass');
    expect(r.clears).toBe(false);
    expect(remedyWhy(r)).toMatch(/accepts only a one-time Temporary Access Pass/);
  });

  it('MFA (built-in, which lists both TAP kinds) is met by a TAP alone', () => {
    const snapshot = tenant({ policies: [policy({ id: 'p', name: 'Require MFA', grant: grant(['mfa']) })], lena: { authenticationMethods: [password()] } });
    const d = diagnoseWith(snapshot);
    expect(d.findings[0]).toMatchObject({ code: 'ca-other-conditions', blocking: true });
    expect(remedy(d, 'temporary-access-pass').clears).toBe(true);
  });

  it('phishing-resistant MFA (built-in) does not accept a TAP', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [policy({ id: 'p', name: 'Admins', grant: strengthGrant(BUILT_IN.phishingResistant) })] })), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, policyIdsRemaining: ['p'] });
    expect(remedyWhy(r)).toMatch(/'Admins' accepts only Windows Hello for Business, passkey \(FIDO2\), certificate \(multifactor\)/);
  });

  it('lifts one policy but not the other → names both', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [tapOrPasskeyPolicy(), compliantForRegistration()], ...withStrengths })), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-register-security-info'], policyIdsRemaining: ['p-rsi'] });
    expect(remedyWhy(r)).toBe(
      "A Temporary Access Pass (multi-use, 60 minutes) satisfies 'Mobile: TAP or passkey', but 'Register security info from compliant devices' accepts only a device marked as compliant.",
    );
  });

  it('a guest → cannot be applied: remaining tap-unavailable-for-guest', () => {
    const guest = 'partner_contoso.com#EXT#@fabrikam.onmicrosoft.com';
    const d = diagnoseWith(tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths, users: [user(guest, { userType: 'Guest', displayName: 'Pat (guest)' })] }), {}, {}, guest);
    const r = remedy(d, 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['tap-unavailable-for-guest'], policyIdsRemaining: [] });
    expect(remedyWhy(r)).toMatch(/cannot be issued: Pat \(guest\) is a guest/);
    expect(r.detail.notApplicable?.code).toBe('tap-unavailable-for-guest');
  });

  it('the TAP method does not target the user → remaining tap-method-disabled, with the method configuration', () => {
    const snapshot = tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths, tapMethod: { includeTargets: [{ targetType: 'group', id: 'g-pilot' }] } });
    const r = remedy(diagnoseWith(snapshot), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['tap-method-disabled'], policyIdsRemaining: ['TemporaryAccessPass'] });
    expect(remedyWhy(r)).toMatch(/does not target lena@fabrikam\.com/);
  });

  it('the TAP method is disabled → remaining tap-method-disabled', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [tapOrPasskeyPolicy()], ...withStrengths, tapMethod: { state: 'disabled' } })), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['tap-method-disabled'] });
    expect(remedyWhy(r)).toMatch(/disabled/);
  });

  it('listed for any blocking finding, even one a TAP cannot touch', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [], fido2: { state: 'disabled' } })), 'temporary-access-pass');
    expect(r).toMatchObject({ clears: false, remaining: ['passkey-method-disabled'], policyIdsRemaining: ['Fido2'] });
    expect(remedyWhy(r)).toMatch(/will not help: passkeys \(FIDO2\) are not enabled/);
  });
});

describe('Remedy: temporary-exemption', () => {
  const excluding = (groups: string[]) => passkeysEverywhere({ users: { excludeGroups: groups } });

  it('listed only with an exemption group and a blocking CA finding', () => {
    expect(remedyCodes(diagnoseWith(tenant()))).not.toContain('temporary-exemption');
    expect(remedyCodes(diagnoseWith(tenant({ policies: [] }), { osVersion: 13 }, { exemptionGroup: EXEMPT }))).not.toContain('temporary-exemption');
    expect(remedyCodes(diagnoseWith(tenant(), {}, { exemptionGroup: EXEMPT }))).toContain('temporary-exemption');
  });

  it('the policy excludes the group → the exemption clears it', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [excluding(['g-exempt'])] }), {}, { exemptionGroup: EXEMPT }), 'temporary-exemption');
    expect(r).toMatchObject({ for: 'helpdesk', clears: true, remaining: [], policyIdsRemaining: [] });
    expect(remedyWhy(r)).toBe("An exemption through 'Passkey exemptions' removes 'Passkeys everywhere'; nothing else blocks the registration.");
  });

  it('the policy does not exclude the group → does not clear, says so', () => {
    const r = remedy(diagnoseWith(tenant(), {}, { exemptionGroup: EXEMPT }), 'temporary-exemption');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-auth-strength-loop'], policyIdsRemaining: [LOOP_POLICY_ID] });
    expect(remedyWhy(r)).toBe("An exemption through 'Passkey exemptions' will not help: 'Passkeys everywhere' does not exclude that group.");
  });

  it('the policy excludes a group the exemption group is nested in → clears (transitively)', () => {
    const snapshot = tenant({ policies: [excluding(['g-ca-exclusions'])] });
    expect(remedy(diagnoseWith(snapshot, {}, { exemptionGroup: { ...EXEMPT, memberOfGroupIds: ['g-ca-exclusions'] } }), 'temporary-exemption').clears).toBe(true);
    expect(remedy(diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT }), 'temporary-exemption').clears).toBe(false);
  });

  it('removes one policy but not another → "removes A, but B does not exclude that group"', () => {
    const snapshot = tenant({ policies: [excluding(['g-exempt']), compliantForRegistration()] });
    const r = remedy(diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT }), 'temporary-exemption');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-register-security-info'], policyIdsRemaining: ['p-rsi'] });
    expect(remedyWhy(r)).toBe(
      "An exemption through 'Passkey exemptions' removes 'Passkeys everywhere', but 'Register security info from compliant devices' does not exclude that group.",
    );
    expect(r.detail.resolved).toEqual([{ id: LOOP_POLICY_ID, name: 'Passkeys everywhere' }]);
  });

  it('a policy that includes the group starts to apply → says so', () => {
    const snapshot = tenant({ policies: [excluding(['g-exempt']), policy({ id: 'p-exempt', name: 'Exempted users: compliant device', users: { includeUsers: [], includeGroups: ['g-exempt'] }, grant: grant(['compliantDevice']) })] });
    const r = remedy(diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT }), 'temporary-exemption');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-other-conditions'], policyIdsRemaining: ['p-exempt'] });
    expect(remedyWhy(r)).toMatch(/'Exempted users: compliant device' includes that group/);
  });

  it('the user is already in the group → a no-op, said as such', () => {
    const snapshot = tenant({ groups: [group('g-exempt', 'Passkey exemptions', [LENA_ID])] });
    const r = remedy(diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT }), 'temporary-exemption');
    expect(r.clears).toBe(false);
    expect(remedyWhy(r)).toMatch(/^The exemption \(lena is already in 'Passkey exemptions'\) will not help/);
  });

  it('What If: verdicts on policies naming the group are re-evaluated locally, the others kept', () => {
    // What If says both policies apply / do not apply as given; the exemption changes only the first.
    const unrelated = policy({ id: 'p-unrelated', name: 'Block (What If: not applied)', grant: grant(['block']) });
    const snapshot = tenant({ policies: [excluding(['g-exempt']), unrelated] });
    const verdicts: WhatIfVerdicts = new Map([
      [LOOP_POLICY_ID, { applies: true, reason: 'notSet' }],
      ['p-unrelated', { applies: false, reason: 'users' }],
    ]);
    const d = diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT, whatIf: { 'authenticator-sign-in': verdicts } });
    expect(d.findings.filter((f) => f.blocking).map((f) => f.policies.map((r) => r.id))).toEqual([[LOOP_POLICY_ID]]);
    const r = remedy(d, 'temporary-exemption');
    expect(r.clears).toBe(true);
    // Without the What If verdict the unrelated block policy would apply (the local evaluator says so).
    expect(remedy(diagnoseWith(snapshot, {}, { exemptionGroup: EXEMPT }), 'temporary-exemption').remaining).toEqual(['ca-other-conditions']);
  });
});

describe('Remedy: require-compliant-device', () => {
  const withGrant = (g: Json, lena: Json = {}) => tenant({ policies: [policy({ id: 'p', name: 'Device policy', grant: g })], lena });

  it('compliant device required, unmanaged phone → a compliant phone clears it (for an admin)', () => {
    const r = remedy(diagnoseWith(withGrant(grant(['compliantDevice']))), 'require-compliant-device');
    expect(r).toMatchObject({ for: 'admin', clears: true, remaining: [] });
    expect(remedyWhy(r)).toBe("A compliant, Intune-managed Android phone satisfies 'Device policy'; nothing else blocks the registration.");
    expect(remedyApplied(r)).toBe("lena's Android phone enrolled in Intune and compliant");
  });

  it('on iOS: an iOS phone', () => {
    const r = remedy(diagnoseWith(withGrant(grant(['compliantDevice'])), { platform: 'iOS' }), 'require-compliant-device');
    expect(r.clears).toBe(true);
    expect(remedyWhy(r)).toMatch(/compliant, Intune-managed iOS phone/);
  });

  it('an existing non-compliant phone is the one made compliant', () => {
    const r = remedy(diagnoseWith(withGrant(grant(['compliantDevice']), { managedDevices: [managedPhone('Android', 'noncompliant')] })), 'require-compliant-device');
    expect(r.clears).toBe(true);
    expect(remedyApplied(r)).toBe('"Android phone (noncompliant)" compliant in Intune');
  });

  it('approved client app only → listed, but a compliant device does not help', () => {
    const r = remedy(diagnoseWith(withGrant(grant(['approvedApplication']))), 'require-compliant-device');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-approved-client-app'], policyIdsRemaining: ['p'] });
    expect(remedyWhy(r)).toBe("A compliant, Intune-managed Android phone will not help: 'Device policy' accepts only an approved client app, which Microsoft Authenticator cannot satisfy.");
  });

  it('approved client app OR compliant device (the seed\'s MDM workaround) → a compliant phone clears it', () => {
    const d = diagnoseWith(withGrant(grant(['approvedApplication', 'compliantDevice'], 'OR')));
    expect(d.findings[0]).toMatchObject({ code: 'ca-approved-client-app', blocking: true });
    expect(remedy(d, 'require-compliant-device').clears).toBe(true);
  });

  it('app protection policy AND compliant device → a compliant phone is not enough', () => {
    const r = remedy(diagnoseWith(withGrant(grant(['compliantApplication', 'compliantDevice'], 'AND'))), 'require-compliant-device');
    expect(r.clears).toBe(false);
    expect(remedyWhy(r)).toMatch(/'Device policy' requires an app protection policy, which Microsoft Authenticator cannot satisfy/);
  });

  it('not listed when no blocking policy names a device or app control', () => {
    expect(remedyCodes(diagnoseWith(tenant()))).not.toContain('require-compliant-device');
    expect(remedyCodes(diagnoseWith(withGrant(grant(['compliantDevice'])), {}, {}))).toContain('require-compliant-device');
  });
});

describe('Remedy: register-in-each-profile', () => {
  const profiles = { androidProfile: 'work', passkeyProfile: 'personal' } as const;
  const withPasskey = (policies: Json[] = []) => tenant({ policies, lena: { authenticationMethods: [password(), mobilePhone(), authenticatorPasskey('android')] } });

  it('nothing else blocks → registering in the current profile clears it (for the user)', () => {
    const r = remedy(diagnoseWith(withPasskey(), profiles), 'register-in-each-profile');
    expect(r).toMatchObject({ for: 'user', clears: true, remaining: [] });
    expect(remedyWhy(r)).toBe('Registering a passkey in Authenticator in the work profile is enough: nothing else blocks the registration.');
  });

  it('a passkey-only policy: the passkey in the other profile cannot sign in here, so the loop remains', () => {
    const d = diagnoseWith(withPasskey([passkeysEverywhere()]), profiles);
    const r = remedy(d, 'register-in-each-profile');
    expect(r).toMatchObject({ clears: false, remaining: ['ca-auth-strength-loop'], policyIdsRemaining: [LOOP_POLICY_ID] });
    expect(remedyWhy(r)).toBe("Registering a passkey in Authenticator in the work profile is not enough: 'Passkeys everywhere' accepts only a passkey in Microsoft Authenticator.");
  });

  it('not listed without a profile mismatch', () => {
    expect(remedyCodes(diagnoseWith(withPasskey([passkeysEverywhere()]), { androidProfile: 'work', passkeyProfile: 'work' }))).not.toContain('register-in-each-profile');
  });
});

describe('Remedy: update-os', () => {
  it.each([
    ['android', 13, 'Android 14'],
    ['iOS', 16, 'iOS 17'],
  ] as const)('%s %i → updating to %s clears it (for the user)', (platform, osVersion, target) => {
    const r = remedy(diagnoseWith(tenant({ policies: [] }), { platform, osVersion }), 'update-os');
    expect(r).toMatchObject({ for: 'user', clears: true, remaining: [] });
    expect(remedyWhy(r)).toBe(`Updating the phone to ${target} is enough: nothing else blocks the registration.`);
  });

  it('another blocker stays → not enough, names it', () => {
    const r = remedy(diagnoseWith(tenant({ policies: [], fido2: { state: 'disabled' } }), { osVersion: 12 }), 'update-os');
    expect(r).toMatchObject({ clears: false, remaining: ['passkey-method-disabled'], policyIdsRemaining: ['Fido2'] });
    expect(remedyWhy(r)).toMatch(/^Updating the phone to Android 14 is not enough: passkeys \(FIDO2\) are not enabled/);
  });

  it('not listed for a supported or unknown OS', () => {
    expect(remedyCodes(diagnoseWith(tenant(), { osVersion: 14 }))).not.toContain('update-os');
    expect(remedyCodes(diagnoseWith(tenant()))).not.toContain('update-os');
  });
});
