// Causes on the phone itself (OS version, Android profiles, Bluetooth), and the shape of the
// answer: ordering, no-blocker-found / escalate, evidence and exact policyIds.
import { evidenceWords } from '../../src/cards/evidence-words';
import type { Diagnosis } from '../../src/diagnosis';
import {
  AT,
  authenticatorPasskey,
  codes,
  evidence,
  finding,
  grant,
  LOOP_POLICY_ID,
  passkeysEverywhere,
  password,
  policy,
  run,
  strengthGrant,
  BUILT_IN,
  tenant,
  workaroundCodes,
} from './builders';

const quiet = () => tenant({ policies: [] });

describe('OS version', () => {
  it.each([
    ['android', 13, 'Android 14'],
    ['iOS', 16, 'iOS 17'],
  ] as const)('%s %i → os-version-unsupported, update-os', (platform, osVersion, needed) => {
    const d = run(quiet(), { platform, osVersion });
    expect(finding(d, 'os-version-unsupported').blocking).toBe(true);
    expect(finding(d, 'os-version-unsupported').evidence).toEqual([{ kind: 'os-version', platform, osVersion }]);
    expect(evidence(d, 'os-version-unsupported')).toContain(needed);
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'update-os', for: 'user' }));
  });

  it.each([
    ['android', 14],
    ['iOS', 17],
  ] as const)('%s %i is supported', (platform, osVersion) => {
    expect(codes(run(quiet(), { platform, osVersion }))).not.toContain('os-version-unsupported');
  });

  it('an unknown OS version is not reported', () => {
    expect(codes(run(quiet()))).not.toContain('os-version-unsupported');
  });
});

describe('Android profiles', () => {
  const withPasskey = () => tenant({ policies: [], lena: { authenticationMethods: [password(), authenticatorPasskey('android')] } });

  it('passkey in the personal profile, user in the work profile → android-profile-mismatch, register in each profile', () => {
    const d = run(withPasskey(), { androidProfile: 'work', passkeyProfile: 'personal' });
    expect(finding(d, 'android-profile-mismatch').evidence).toEqual([{ kind: 'android-profile', passkeyProfile: 'personal', androidProfile: 'work' }]);
    expect(workaroundCodes(d)).toContain('register-in-each-profile');
  });

  it('the same profile → no mismatch', () => {
    expect(codes(run(withPasskey(), { androidProfile: 'work', passkeyProfile: 'work' }))).not.toContain('android-profile-mismatch');
  });

  it('only one of the two profiles known → no mismatch', () => {
    expect(codes(run(withPasskey(), { androidProfile: 'work' }))).not.toContain('android-profile-mismatch');
    expect(codes(run(withPasskey(), { passkeyProfile: 'personal' }))).not.toContain('android-profile-mismatch');
  });

  it('on iOS there are no Android profiles → no mismatch', () => {
    expect(codes(run(withPasskey(), { platform: 'iOS', androidProfile: 'work', passkeyProfile: 'personal' }))).not.toContain('android-profile-mismatch');
  });

  it('a passkey in the other profile does not satisfy a passkey strength in this one', () => {
    const s = tenant({ lena: { authenticationMethods: [password(), authenticatorPasskey('android')] } });
    expect(finding(run(s, { androidProfile: 'work', passkeyProfile: 'personal' }), 'ca-auth-strength-loop').blocking).toBe(true);
    expect(codes(run(s, { androidProfile: 'work', passkeyProfile: 'work' }))).not.toContain('ca-auth-strength-loop');
  });
});

describe('Bluetooth', () => {
  it('cross-device and Bluetooth restricted → bluetooth-restricted, with the seed\'s fixes', () => {
    const d = run(quiet(), { crossDevice: true, bluetoothRestricted: true });
    expect(finding(d, 'bluetooth-restricted').evidence).toEqual([{ kind: 'bluetooth' }]);
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'allow-bluetooth-for-passkeys', for: 'admin' }));
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'register-in-authenticator-app', for: 'user' }));
  });
  it('Bluetooth restricted but registering on the phone itself → nothing', () => {
    expect(codes(run(quiet(), { bluetoothRestricted: true }))).not.toContain('bluetooth-restricted');
  });
  it('cross-device with Bluetooth allowed → nothing', () => {
    expect(codes(run(quiet(), { crossDevice: true, bluetoothRestricted: false }))).not.toContain('bluetooth-restricted');
  });
});

describe('Result shape', () => {
  it('nothing blocks → no-blocker-found (not blocking), escalate, contact the help desk', () => {
    const d = run(quiet());
    expect(d.findings.map((f) => [f.code, f.blocking])).toEqual([['no-blocker-found', false]]);
    expect(d.escalate).toBe(true);
    expect(d.workarounds).toContainEqual(expect.objectContaining({ code: 'contact-help-desk', for: 'user' }));
    expect(evidence(d, 'no-blocker-found').length).toBeGreaterThan(20);
  });

  it('no-blocker-found is not reported when something blocks', () => {
    expect(codes(run(tenant()))).not.toContain('no-blocker-found');
  });

  it('blocking findings come before the others', () => {
    const reportOnly = policy({ id: 'p-ro', name: 'Report-only MAM', state: 'enabledForReportingButNotEnforced', grant: grant(['approvedApplication']) });
    const d = run(tenant({ policies: [reportOnly], fido2: { state: 'disabled' } }), { crossDevice: true, bluetoothRestricted: true, osVersion: 12 });
    const flags = d.findings.map((f) => f.blocking);
    expect(flags).toContain(true);
    expect(flags).toContain(false);
    expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
  });

  it('policyIds name exactly the enforced policies that block, not the disabled or report-only ones', () => {
    const second = policy({ id: 'p-second', name: 'Admins: phishing-resistant', grant: strengthGrant(BUILT_IN.phishingResistant) });
    const disabled = policy({ id: 'p-off', name: 'Old passkey policy', state: 'disabled' });
    const reportOnly = policy({ id: 'p-ro', name: 'Trial passkey policy', state: 'enabledForReportingButNotEnforced' });
    const d = run(tenant({ policies: [passkeysEverywhere(), second, disabled, reportOnly] }));
    const blocking = d.findings.filter((f) => f.code === 'ca-auth-strength-loop' && f.blocking);
    expect(blocking).toHaveLength(1);
    expect([...blocking[0].policies.map((r) => r.id)].sort()).toEqual([LOOP_POLICY_ID, 'p-second'].sort());
    expect(evidenceWords(blocking[0]).join(' ')).toMatch(/Passkeys everywhere/);
    expect(evidenceWords(blocking[0]).join(' ')).toMatch(/Admins: phishing-resistant/);
  });

  it('policyIds: the method configuration id for method findings, [] for causes on the phone', () => {
    const d = run(tenant({ policies: [], fido2: { state: 'disabled' } }), { osVersion: 13, crossDevice: true, bluetoothRestricted: true });
    expect(finding(d, 'passkey-method-disabled').policies.map((r) => r.id)).toEqual(['Fido2']);
    expect(finding(d, 'os-version-unsupported').policies.map((r) => r.id)).toEqual([]);
    expect(finding(d, 'bluetooth-restricted').policies.map((r) => r.id)).toEqual([]);
  });

  it('every finding carries readable evidence, across many situations', () => {
    const situations: Diagnosis[] = [
      run(quiet()),
      run(tenant()),
      run(tenant({ policies: [policy({ id: 'p', grant: grant(['block']) })] })),
      run(tenant({ policies: [policy({ id: 'p', grant: grant(['approvedApplication']) })] }), { platform: 'iOS' }),
      run(tenant({ policies: [policy({ id: 'p', state: 'enabledForReportingButNotEnforced' })] })),
      run(tenant({ policies: [policy({ id: 'p', signInRiskLevels: ['high'] })] })),
      run(tenant({ fido2: { state: 'disabled' } })),
      run(tenant({ tapMethod: { state: 'disabled' } })),
      run(quiet(), { androidProfile: 'work', passkeyProfile: 'personal', crossDevice: true, bluetoothRestricted: true, osVersion: 12 }),
      run(tenant({ lena: { authenticationMethods: [password(), { '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod', id: 't', startDateTime: AT.toISOString(), lifetimeInMinutes: 60, isUsableOnce: true, methodUsabilityReason: 'OneTimeUsed' }] } })),
    ];
    for (const d of situations) {
      for (const f of d.findings) {
        expect(f.evidence.length).toBeGreaterThan(0);
        expect(evidenceWords(f).join(' ').trim().length).toBeGreaterThan(20);
      }
    }
  });
});
