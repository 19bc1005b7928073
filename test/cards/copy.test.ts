// The words: complete for every finding and workaround code, plain for employees, specific for admins.
import {
  FINDINGS,
  HALF_FINISHED_REGISTRATION,
  PROVIDER_SETUP,
  SECURITY_INFO_URL,
  findingCopy,
  platformLabel,
  policyPhrase,
  workaroundSteps,
  type StepContext,
} from '../../src/cards';
import { FINDING_CODES, WORKAROUND_CODES, type Audience } from '../../src/diagnosis';

const AUDIENCES: Audience[] = ['user', 'admin', 'helpdesk'];
/** Words an employee should not have to know. */
const JARGON = /Conditional Access|AAGUID|FIDO2|grant control|authentication strength|tenant|Entra/i;

describe('findings', () => {
  it.each(FINDING_CODES)('%s has a title and a plain one-sentence cause', (code) => {
    const { title, cause } = FINDINGS[code];
    expect(title.length).toBeGreaterThan(10);
    expect(cause).toMatch(/^[A-Z][^.!?]*[a-z)]\.$/);
    expect(cause).not.toMatch(JARGON);
  });

  it('gives a code newer than this module a generic card rather than nothing', () => {
    expect(findingCopy('some-new-code').cause).toMatch(/details below/);
    expect(findingCopy('tap-used')).toBe(FINDINGS['tap-used']);
  });
});

describe('workarounds', () => {
  const ctx = (over: Partial<StepContext> = {}): StepContext => ({
    findings: ['ca-auth-strength-loop'],
    policyNames: ['Passkey pilot'],
    platform: 'android',
    tapOffered: false,
    tapValidNow: false,
    ...over,
  });

  const all = WORKAROUND_CODES.flatMap((code) => AUDIENCES.map((audience) => [code, audience] as const));
  it.each(all)('%s has steps for the %s', (code, audience) => {
    for (const platform of ['android', 'iOS'] as const) {
      const steps = workaroundSteps(code, audience, ctx({ platform }));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect(step).toMatch(/^\S.{10,}[.:)]$/s);
    }
  });

  it('names the Conditional Access policy in the admin steps of the CA workarounds', () => {
    for (const code of ['filter-for-applications', 'split-mobile-desktop-policies', 'require-compliant-device', 'temporary-exemption'] as const) {
      expect(workaroundSteps(code, 'admin', ctx()).join(' ')).toContain('"Passkey pilot"');
    }
  });

  it('tells the employee how to use a TAP, depending on its state and on the button', () => {
    const tap = (over: Partial<StepContext>) => workaroundSteps('temporary-access-pass', 'user', ctx(over)).join(' ');
    expect(tap({ tapValidNow: true })).toMatch(/works right now/);
    expect(tap({ tapValidNow: true, tapValidUntil: '11:00 CET' })).toMatch(/works now, until 11:00 CET/);
    expect(tap({ findings: ['tap-not-yet-valid'] })).toMatch(/starts working later/);
    expect(tap({ findings: ['tap-expired'], tapOffered: true })).toMatch(/Tap "Request a Temporary Access Pass" below to get a new/);
    expect(tap({ tapOffered: false })).toMatch(/Ask the help desk for a Temporary Access Pass/);
  });

  it('turns on only the passkey settings that are off', () => {
    const steps = (f: StepContext['findings']) => workaroundSteps('enable-passkey-method', 'admin', ctx({ findings: f })).join(' ');
    expect(steps(['passkey-self-service-disabled'])).toMatch(/Allow self-service set up/);
    expect(steps(['passkey-self-service-disabled'])).not.toMatch(/Enable it/);
    expect(steps(['passkey-method-disabled', 'passkey-profile-excludes-authenticator'])).toMatch(/Enable it.*device-bound/);
  });
});

describe('device guidance', () => {
  it('turns Authenticator on as the passkey provider on each platform', () => {
    const ios = PROVIDER_SETUP.iOS.join(' ');
    expect(ios).toContain('iOS 18');
    expect(ios).toContain('General > AutoFill & Passwords');
    expect(ios).toContain('iOS 17');
    expect(ios).toContain('Passwords > Password Options');
    const android = PROVIDER_SETUP.android.join(' ');
    expect(android).toContain('Passwords, passkeys & accounts');
    expect(android).toContain('Passwords & accounts');
    expect(android).toContain('Additional providers');
    expect(android).toContain('Android 15');
  });

  it('clears a half-finished registration in Authenticator and in Security info', () => {
    expect(HALF_FINISHED_REGISTRATION.join(' ')).toMatch(/Authenticator.*delete/);
    expect(HALF_FINISHED_REGISTRATION.join(' ')).toContain(SECURITY_INFO_URL);
    expect(SECURITY_INFO_URL).toBe('https://mysignins.microsoft.com/security-info');
  });
});

describe('phrases', () => {
  it('quotes policy names for a sentence', () => {
    expect(policyPhrase([])).toBe('the Conditional Access policy');
    expect(policyPhrase(['A'])).toBe('the policy "A"');
    expect(policyPhrase(['A', 'B', 'A', 'C'])).toBe('the policies "A", "B" and "C"');
  });

  it('labels the phone', () => {
    expect(platformLabel('android')).toBe('Android');
    expect(platformLabel('android', 14)).toBe('Android 14');
    expect(platformLabel('iOS', 17)).toBe('iPhone, iOS 17');
  });
});
