// The authentication methods policy's say on a passkey in Authenticator: the FIDO2 (passkey)
// method, its targets, self-service registration, key restrictions (legacy fields or passkey
// profiles), passkey types and attestation. No CA policy here, so only the method policy speaks.
import { evidenceWords } from '../../src/cards/evidence-words';
import type { Diagnosis, FindingCode } from '../../src/diagnosis';
import { AUTHENTICATOR_AAGUID, blockingCodes, codes, finding, group, LENA_ID, run, tenant, workaroundCodes, YUBIKEY_AAGUID, type Json, type TenantSpec } from './builders';

const fido2 = (patch: Json, spec: TenantSpec = {}) => tenant({ policies: [], fido2: patch, ...spec });
const blocksWith = (d: Diagnosis, code: FindingCode) => {
  const f = finding(d, code);
  expect(f.blocking).toBe(true);
  expect(evidenceWords(f).join(' ').length).toBeGreaterThan(20);
  return f;
};
const fine = (d: Diagnosis) => {
  expect(blockingCodes(d)).toEqual([]);
  expect(codes(d)).toEqual(['no-blocker-found']);
};
const restrictions = (enforcementType: 'allow' | 'block', aaGuids: string[], isEnforced = true) => ({ keyRestrictions: { isEnforced, enforcementType, aaGuids } });
const pilot = group('g-pilot', 'Passkey pilot', ['user-someone-else']);
const contractors = group('g-contractors', 'Contractors', [LENA_ID]);
const groupTarget = (id: string, extra: Json = {}) => ({ targetType: 'group', id, isRegistrationRequired: false, ...extra });

describe('FIDO2 (passkey) method', () => {
  it('disabled → passkey-method-disabled, enable-passkey-method for the admin, escalate', () => {
    const d = run(fido2({ state: 'disabled' }));
    blocksWith(d, 'passkey-method-disabled');
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'enable-passkey-method', for: 'admin' }));
    expect(d.escalate).toBe(true);
  });

  it('enabled only for a group the user is not in → passkey-method-disabled naming the group', () => {
    // The user facts only carry names of the user's own groups, so the group may be named by id.
    const d = run(fido2({ includeTargets: [groupTarget('g-pilot')] }, { groups: [pilot] }));
    expect(blocksWith(d, 'passkey-method-disabled').evidence).toEqual([{ kind: 'method', issue: 'user-not-targeted', upn: expect.any(String), targets: [{ group: 'g-pilot' }] }]);
  });

  it('enabled for a group the user is in → fine', () => {
    fine(run(fido2({ includeTargets: [groupTarget('g-contractors')] }, { groups: [contractors] })));
  });

  it('enabled for all users but the user is excluded through a group → passkey-method-disabled naming the group', () => {
    const d = run(fido2({ excludeTargets: [{ targetType: 'group', id: 'g-contractors' }] }, { groups: [contractors] }));
    expect(blocksWith(d, 'passkey-method-disabled').evidence).toEqual([{ kind: 'method', issue: 'user-excluded', upn: expect.any(String), through: { group: 'Contractors' } }]);
  });

  it('self-service registration off → passkey-self-service-disabled', () => {
    const d = run(fido2({ isSelfServiceRegistrationAllowed: false }));
    blocksWith(d, 'passkey-self-service-disabled');
    expect(workaroundCodes(d)).toContain('enable-passkey-method');
  });
});

describe('Legacy key restrictions', () => {
  it('an enforced allow list without the Authenticator AAGUID → authenticator-aaguid-blocked, with the AAGUID in the evidence', () => {
    const d = run(fido2(restrictions('allow', [YUBIKEY_AAGUID])));
    expect(blocksWith(d, 'authenticator-aaguid-blocked').evidence).toMatchObject([{ kind: 'method', issue: 'aaguid-not-allowed', platform: 'android', aaguid: AUTHENTICATOR_AAGUID.android }]);
    expect(workaroundCodes(d)).toContain('allow-authenticator-aaguids');
  });

  it('an allow list with only the Android AAGUID is fine on Android and blocks on iOS', () => {
    const s = fido2(restrictions('allow', [AUTHENTICATOR_AAGUID.android]));
    fine(run(s, { platform: 'android' }));
    blocksWith(run(s, { platform: 'iOS' }), 'authenticator-aaguid-blocked');
  });

  it('a block list containing the iOS AAGUID blocks on iOS and not on Android', () => {
    const s = fido2(restrictions('block', [AUTHENTICATOR_AAGUID.iOS]));
    blocksWith(run(s, { platform: 'iOS' }), 'authenticator-aaguid-blocked');
    fine(run(s, { platform: 'android' }));
  });

  it('key restrictions that are not enforced do not matter', () => {
    fine(run(fido2(restrictions('allow', [YUBIKEY_AAGUID], false))));
  });
});

describe('Passkey profiles', () => {
  const profile = (id: string, name: string, patch: Json = {}) => ({
    id,
    name,
    passkeyTypes: 'deviceBound,synced',
    attestationEnforcement: 'disabled',
    keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
    ...patch,
  });
  const syncedOnly = profile('p-synced', 'Synced only', { passkeyTypes: 'synced' });
  const deviceBound = profile('p-device', 'Device-bound', { passkeyTypes: 'deviceBound' });
  const everyoneGets = (ids: string[]) => [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false, allowedPasskeyProfiles: ids }];

  it('the only profile allows synced passkeys only → passkey-profile-excludes-authenticator', () => {
    const d = run(fido2({ passkeyProfiles: [syncedOnly], defaultPasskeyProfile: 'p-synced', includeTargets: everyoneGets(['p-synced']) }));
    expect(blocksWith(d, 'passkey-profile-excludes-authenticator').evidence).toMatchObject([{ kind: 'method', issue: 'no-device-bound-profile', profiles: ['Synced only'] }]);
    expect(codes(d)).not.toContain('authenticator-aaguid-blocked');
  });

  it('in scope of two profiles, one synced-only and one device-bound → allowed, no finding', () => {
    const targets = [...everyoneGets(['p-synced']), groupTarget('g-contractors', { allowedPasskeyProfiles: ['p-device'] })];
    fine(run(fido2({ passkeyProfiles: [syncedOnly, deviceBound], defaultPasskeyProfile: 'p-synced', includeTargets: targets }, { groups: [contractors] })));
  });

  it('a second profile the user is NOT in scope of does not rescue them', () => {
    const targets = [...everyoneGets(['p-synced']), groupTarget('g-pilot', { allowedPasskeyProfiles: ['p-device'] })];
    blocksWith(run(fido2({ passkeyProfiles: [syncedOnly, deviceBound], includeTargets: targets }, { groups: [pilot] })), 'passkey-profile-excludes-authenticator');
  });

  it('every profile in scope restricts keys to a list without Authenticator → authenticator-aaguid-blocked', () => {
    const strict = profile('p-keys', 'Security keys only', { passkeyTypes: 'deviceBound', keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [YUBIKEY_AAGUID] } });
    const d = run(fido2({ passkeyProfiles: [strict], includeTargets: everyoneGets(['p-keys']) }));
    expect(blocksWith(d, 'authenticator-aaguid-blocked').evidence).toMatchObject([{ kind: 'method', issue: 'aaguid-not-allowed', settings: [{ profile: 'Security keys only' }], restrictions: [{ enforcementType: 'allow' }] }]);
  });

  it('one strict profile and one allowing profile in scope → allowed', () => {
    const strict = profile('p-keys', 'Security keys only', { passkeyTypes: 'deviceBound', keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: [YUBIKEY_AAGUID] } });
    fine(run(fido2({ passkeyProfiles: [strict, deviceBound], includeTargets: everyoneGets(['p-keys', 'p-device']) })));
  });

  it('with profiles in use, the legacy key restrictions no longer decide', () => {
    fine(run(fido2({ ...restrictions('allow', [YUBIKEY_AAGUID]), passkeyProfiles: [deviceBound], includeTargets: everyoneGets(['p-device']) })));
  });

  it('a profile enforcing attestation + cross-device registration → attestation-blocks-cross-device', () => {
    const attested = profile('p-att', 'Attested', { passkeyTypes: 'deviceBound', attestationEnforcement: 'registrationOnly' });
    const d = run(fido2({ passkeyProfiles: [attested], includeTargets: everyoneGets(['p-att']) }), { crossDevice: true });
    expect(codes(d)).toContain('attestation-blocks-cross-device');
    expect(workaroundCodes(d)).toContain('register-in-authenticator-app');
  });
});

describe('Attestation (legacy)', () => {
  it('attestation enforced + cross-device → attestation-blocks-cross-device, register in the app instead', () => {
    const d = run(fido2({ isAttestationEnforced: true }), { crossDevice: true });
    expect(finding(d, 'attestation-blocks-cross-device').evidence).toMatchObject([{ kind: 'method', issue: 'attestation-enforced' }]);
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'register-in-authenticator-app', for: 'user' }));
  });

  it('attestation enforced, registering directly in the app → fine', () => {
    fine(run(fido2({ isAttestationEnforced: true })));
  });

  it('attestation not enforced + cross-device → no attestation finding', () => {
    expect(codes(run(fido2({ isAttestationEnforced: false }), { crossDevice: true }))).not.toContain('attestation-blocks-cross-device');
  });
});
