// Can the user satisfy the grant of a policy that applies? Block, MFA, AND vs OR, approved client
// app / app protection, compliant device, built-in and custom authentication strengths, and the
// Temporary Access Pass (its window, its use, the TAP method, guests).
import { evidenceWords } from '../../src/cards/evidence-words';
import type { Diagnosis } from '../../src/diagnosis';
import {
  AT,
  authenticatorPasskey,
  BUILT_IN,
  blockingCodes,
  caCodes,
  codes,
  customStrength,
  finding,
  grant,
  group,
  LENA_ID,
  managedPhone,
  minutes,
  mobilePhone,
  password,
  PASSKEY_IN_AUTHENTICATOR,
  policy,
  run,
  securityKey,
  shift,
  strengthGrant,
  tap,
  TAP_OR_PASSKEY,
  tapOrPasskeyStrength,
  tenant,
  user,
  workaroundCodes,
  type Json,
  type TenantSpec,
} from './builders';

const withGrant = (g: Json, spec: TenantSpec = {}, name = 'Policy under test') => tenant({ policies: [policy({ id: 'p1', name, grant: g })], ...spec });
const methods = (...m: Json[]) => ({ lena: { authenticationMethods: m } });
const devices = (...d: Json[]) => ({ lena: { managedDevices: d } });
const nothingFromCa = (d: Diagnosis) => expect(caCodes(d)).toEqual([]);
const blocks = (d: Diagnosis, code: 'ca-auth-strength-loop' | 'ca-approved-client-app' | 'ca-other-conditions') => {
  const f = finding(d, code);
  expect(f.blocking).toBe(true);
  expect(f.policies.map((r) => r.id)).toEqual(['p1']);
  return f;
};

describe('Built-in controls', () => {
  it('block → ca-other-conditions, naming the policy', () => {
    const d = run(withGrant(grant(['block']), {}, 'Block everything'));
    expect(evidenceWords(blocks(d, 'ca-other-conditions')).join(' ')).toMatch(/Block everything/);
    expect(d.escalate).toBe(true);
  });

  it('a policy with session controls only (no grant) never blocks', () => {
    const sessionOnly = policy({ id: 'p1', name: 'Sign-in frequency', grant: null });
    sessionOnly.sessionControls = { signInFrequency: { value: 4, type: 'hours', isEnabled: true, authenticationType: 'primaryAndSecondaryAuthentication', frequencyInterval: 'timeBased' } };
    nothingFromCa(run(tenant({ policies: [sessionOnly] })));
  });

  it('MFA is satisfied by a user with a password and a mobile phone', () => {
    nothingFromCa(run(withGrant(grant(['mfa']))));
  });

  it('OR: MFA or compliant device is satisfied by MFA alone', () => {
    nothingFromCa(run(withGrant(grant(['mfa', 'compliantDevice'], 'OR'))));
  });

  it('AND: MFA and compliant device is not satisfied on an unmanaged phone → ca-other-conditions about the device', () => {
    const d = run(withGrant(grant(['mfa', 'compliantDevice'], 'AND')));
    expect(evidenceWords(blocks(d, 'ca-other-conditions')).join(' ')).toMatch(/compliant/i);
  });

  it('AND: MFA and compliant device is satisfied with a compliant managed phone of this platform', () => {
    nothingFromCa(run(withGrant(grant(['mfa', 'compliantDevice'], 'AND'), devices(managedPhone('Android')))));
  });

  it('compliant device alone on an unmanaged phone → ca-other-conditions, offering require-compliant-device', () => {
    const d = run(withGrant(grant(['compliantDevice'])));
    blocks(d, 'ca-other-conditions');
    expect(workaroundCodes(d)).toContain('require-compliant-device');
  });
});

describe('Approved client app / app protection policy', () => {
  it.each(['approvedApplication', 'compliantApplication'])('%s → ca-approved-client-app with the seed\'s workarounds', (control) => {
    const d = run(withGrant(grant([control]), {}, 'MAM for all cloud apps'), { platform: 'iOS' });
    expect(evidenceWords(blocks(d, 'ca-approved-client-app')).join(' ')).toMatch(/MAM for all cloud apps/);
    expect(caCodes(d)).toEqual(['ca-approved-client-app']);
    expect(workaroundCodes(d)).toEqual(expect.arrayContaining(['filter-for-applications', 'require-compliant-device', 'temporary-exemption']));
  });

  describe('"Require approved client app OR compliant device" (seed)', () => {
    const seedGrant = grant(['approvedApplication', 'compliantDevice'], 'OR');
    it('a compliant managed iPhone rescues it on iOS', () => {
      nothingFromCa(run(withGrant(seedGrant, devices(managedPhone('iOS'))), { platform: 'iOS' }));
    });
    it('a compliant managed Android phone rescues it on Android', () => {
      nothingFromCa(run(withGrant(seedGrant, devices(managedPhone('Android'))), { platform: 'android' }));
    });
    it('a compliant Android phone does not rescue it on iOS', () => {
      blocks(run(withGrant(seedGrant, devices(managedPhone('Android'))), { platform: 'iOS' }), 'ca-approved-client-app');
    });
    it('a non-compliant managed iPhone does not rescue it', () => {
      blocks(run(withGrant(seedGrant, devices(managedPhone('iOS', 'noncompliant'))), { platform: 'iOS' }), 'ca-approved-client-app');
    });
  });
});

describe('Built-in authentication strengths (present even when the snapshot omits them)', () => {
  it('Multifactor authentication (…0002) is satisfied with password + phone', () => {
    nothingFromCa(run(withGrant(strengthGrant(BUILT_IN.mfa))));
  });
  it('Passwordless MFA (…0003) is not → ca-auth-strength-loop', () => {
    blocks(run(withGrant(strengthGrant(BUILT_IN.passwordless))), 'ca-auth-strength-loop');
  });
  it('Phishing-resistant MFA (…0004) is not → ca-auth-strength-loop naming the strength', () => {
    const d = run(withGrant(strengthGrant(BUILT_IN.phishingResistant)));
    expect(evidenceWords(blocks(d, 'ca-auth-strength-loop')).join(' ')).toMatch(/Phishing-resistant/i);
    expect(workaroundCodes(d)).toEqual(expect.arrayContaining(['filter-for-applications', 'split-mobile-desktop-policies']));
  });
  it('Phishing-resistant MFA is satisfied by an Authenticator passkey on this phone', () => {
    nothingFromCa(run(withGrant(strengthGrant(BUILT_IN.phishingResistant), methods(password(), authenticatorPasskey('android')))));
  });
});

describe('Custom strength "Passkey in Microsoft Authenticator" (fido2 allowedAAGUIDs = Authenticator)', () => {
  const loop = (spec: TenantSpec, platform: 'android' | 'iOS' = 'android') => run(withGrant(strengthGrant(PASSKEY_IN_AUTHENTICATOR), spec), { platform });

  it('a security key with another AAGUID does not satisfy it', () => {
    blocks(loop(methods(password(), securityKey())), 'ca-auth-strength-loop');
  });
  it('an Authenticator passkey of this platform does (Android)', () => {
    nothingFromCa(loop(methods(password(), authenticatorPasskey('android')), 'android'));
  });
  it('an Authenticator passkey of this platform does (iOS)', () => {
    nothingFromCa(loop(methods(password(), authenticatorPasskey('iOS')), 'iOS'));
  });
  it('an Android Authenticator passkey does not help on iOS, and the evidence says why', () => {
    const d = loop(methods(password(), authenticatorPasskey('android')), 'iOS');
    expect(evidenceWords(blocks(d, 'ca-auth-strength-loop')).join(' ')).toMatch(/Android/);
  });
});

describe('Temporary Access Pass', () => {
  // The seed's mobile policy: a strength accepting a TAP or a passkey in Authenticator.
  const mobilePolicy = policy({ id: 'p1', name: 'Mobile: TAP or passkey', platforms: { include: ['android', 'iOS'] }, grant: strengthGrant(TAP_OR_PASSKEY) });
  const withTap = (t: Json | null, spec: TenantSpec = {}) =>
    tenant({ policies: [mobilePolicy], strengths: [tapOrPasskeyStrength()], lena: { authenticationMethods: t ? [password(), mobilePhone(), t] : [password(), mobilePhone()] }, ...spec });

  it('valid from exactly now: satisfies the strength, nothing blocks', () => {
    const d = run(withTap(tap({ start: AT, lifetimeInMinutes: 60 })));
    expect(blockingCodes(d)).toEqual([]);
    expect(codes(d)).not.toEqual(expect.arrayContaining(['tap-not-yet-valid']));
    expect(codes(d)).toContain('no-blocker-found');
  });

  it('starting one minute from now → tap-not-yet-valid (and the strength still blocks)', () => {
    const d = run(withTap(tap({ start: shift(AT, minutes(1)), lifetimeInMinutes: 60 })));
    expect(codes(d)).toContain('tap-not-yet-valid');
    blocks(d, 'ca-auth-strength-loop');
    expect(workaroundCodes(d)).toContain('temporary-access-pass');
    expect(d.escalate).toBe(false); // the user only has to wait a minute
  });

  it('ending exactly now (start + lifetime) → tap-expired', () => {
    const d = run(withTap(tap({ start: shift(AT, -minutes(60)), lifetimeInMinutes: 60 })));
    expect(codes(d)).toContain('tap-expired');
    expect(codes(d)).not.toContain('tap-not-yet-valid');
    blocks(d, 'ca-auth-strength-loop');
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'temporary-access-pass', for: 'helpdesk' }));
    expect(d.escalate).toBe(true); // a new TAP has to come from the help desk
  });

  it('one-time TAP already used → tap-used', () => {
    const d = run(withTap(tap({ start: shift(AT, -minutes(10)), lifetimeInMinutes: 60, isUsableOnce: true, methodUsabilityReason: 'OneTimeUsed' })));
    expect(codes(d)).toContain('tap-used');
    blocks(d, 'ca-auth-strength-loop');
  });

  it('a TAP would be the way out but the TAP method is disabled → tap-method-disabled', () => {
    const d = run(withTap(tap({ start: AT }), { tapMethod: { state: 'disabled' } }));
    blocks(d, 'ca-auth-strength-loop');
    expect(finding(d, 'tap-method-disabled').blocking).toBe(true);
    expect(finding(d, 'tap-method-disabled').evidence).toEqual([{ kind: 'tap-method', reason: 'disabled' }]);
  });

  it('a TAP would be the way out but the TAP method targets a group the user is not in → tap-method-disabled', () => {
    const onboarding = group('g-onboarding', 'New hires', ['user-someone-else']);
    const d = run(withTap(null, { groups: [onboarding], tapMethod: { includeTargets: [{ targetType: 'group', id: 'g-onboarding', isRegistrationRequired: false }] } }));
    expect(codes(d)).toContain('tap-method-disabled');
    expect(workaroundCodes(d)).not.toContain('temporary-access-pass');
  });

  it('the TAP method targets the user and there is no TAP yet → a TAP is offered, no tap-method-disabled', () => {
    const d = run(withTap(null));
    expect(codes(d)).not.toContain('tap-method-disabled');
    expect(workaroundCodes(d)).toContain('temporary-access-pass');
  });

  it('TAP method disabled does not matter when a TAP would not help (block)', () => {
    const d = run(withGrant(grant(['block']), { tapMethod: { state: 'disabled' } }));
    expect(codes(d)).not.toContain('tap-method-disabled');
  });

  it('a guest: tap-unavailable-for-guest, and no TAP workaround', () => {
    const guest = 'partner_contoso.com#EXT#@fabrikam.onmicrosoft.com';
    const d = run(withTap(null, { users: [user(guest, { userType: 'Guest' })] }), {}, guest);
    expect(codes(d)).toContain('tap-unavailable-for-guest');
    expect(codes(d)).not.toContain('tap-method-disabled');
    expect(workaroundCodes(d)).not.toContain('temporary-access-pass');
    expect(finding(d, 'tap-unavailable-for-guest').evidence).toMatchObject([{ kind: 'guest' }]);
  });

  it('a strength that accepts only a one-time TAP: a valid one-time TAP satisfies it, a multi-use TAP does not', () => {
    const oneTimeOnly = customStrength('tap-once', 'One-time TAP only', ['temporaryAccessPassOneTime']);
    const spec = (t: Json) =>
      tenant({ policies: [policy({ id: 'p1', grant: strengthGrant('tap-once') })], strengths: [oneTimeOnly], lena: { authenticationMethods: [password(), t] } });
    expect(blockingCodes(run(spec(tap({ start: AT, isUsableOnce: true }))))).toEqual([]);
    blocks(run(spec(tap({ start: AT, isUsableOnce: false }))), 'ca-auth-strength-loop');
  });

  it('the TAP counts for the user even when TAP is targeted through a group they are in', () => {
    const onboarding = group('g-onboarding', 'New hires', [LENA_ID]);
    const d = run(withTap(tap({ start: AT }), { groups: [onboarding], tapMethod: { includeTargets: [{ targetType: 'group', id: 'g-onboarding', isRegistrationRequired: false }] } }));
    expect(blockingCodes(d)).toEqual([]);
  });
});
