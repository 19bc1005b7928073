// The words of the engine's evidence (cards/evidence-words.ts): the sentences the contract's
// `evidence` strings, the cards' details and the tickets show, built from the structured evidence.
import { evidenceSentence, evidenceWords } from '../../src/cards/evidence-words';
import { upgradeStoredDiagnosis, type Evidence, type Finding, type PolicyEvidence } from '../../src/diagnosis';

const loop: PolicyEvidence = {
  kind: 'policy',
  policy: { id: 'p1', name: 'Passkeys everywhere' },
  state: 'enabled',
  event: 'authenticator-sign-in',
  platform: 'android',
  verdict: 'applies',
  conditions: [
    { condition: 'users', verdict: 'match', clause: 'users: all users' },
    { condition: 'application', verdict: 'match', clause: 'resources: All resources' },
  ],
  grant: {
    operator: 'OR',
    satisfied: false,
    controls: [{ kind: 'strength', label: 'authentication strength "Passkey in Authenticator" (passkey in Microsoft Authenticator)' }],
    failing: [{ kind: 'strength', label: 'authentication strength "Passkey in Authenticator"', why: 'the user cannot present any allowed combination here (registered: password)' }],
  },
  source: 'local',
};

const signIn = { id: 's1', correlationId: 'c1', createdDateTime: '2026-10-05T13:52:00Z', appId: '4813382a-8fa7-425e-ab75-3b753aab3abb', errorCode: 53003 };

describe('the evidence in words', () => {
  it('a policy that applies: name, state, event, conditions, grant and why', () => {
    expect(evidenceSentence(loop)).toBe(
      '"Passkeys everywhere" (enabled) applies to the Microsoft Authenticator sign-in on android: users: all users; resources: All resources; grant: require one of: authentication strength "Passkey in Authenticator" (passkey in Microsoft Authenticator); the user cannot present any allowed combination here (registered: password).',
    );
  });

  it('a policy that may apply: the undecided condition and What If\'s reasons, the source', () => {
    const text = evidenceSentence({
      ...loop,
      state: 'report-only',
      verdict: 'may-apply',
      conditions: [...loop.conditions, { condition: 'location', verdict: 'unknown', clause: 'it depends on where the user is (locations: any)' }],
      whatIf: { condition: 'what-if', analysisReasons: 'location,signInRisk', reasons: ['location', 'signInRisk'] },
      source: { unavailable: 'What If timed out' },
    });
    expect(text).toContain('"Passkeys everywhere" (report-only) may apply to');
    expect(text).toContain('; it may apply because it depends on where the user is (locations: any) and Conditional Access What If answered "not applied" (analysisReasons location,signInRisk) only because of its location condition');
    expect(text).toContain(' and its sign-in risk condition (the bot cannot see sign-in risk), which the bot did not supply');
    expect(text).toContain(' — report-only, so it would block but does not');
    expect(text).toMatch(/ \(evaluated locally: What If timed out\)\.$/);
  });

  it('a policy a sign-in showed failing, with the prediction before it', () => {
    const text = evidenceSentence({ kind: 'observed-policy', policy: loop.policy, state: 'disabled', event: 'authenticator-sign-in', platform: 'android', signIn, earlier: 2, grant: loop.grant, unexplained: false, predicted: [] });
    expect(text).toMatch(/^Your attempt at 13:52 UTC on 2026-10-05 to Microsoft Authenticator, error 53003: 'Passkeys everywhere' failed \(sign-in s1, correlation id c1\); it also failed in 2 earlier attempts of the last 24 hours\. /);
    expect(text).toContain(' — it has since been disabled, so it no longer blocks.');
    expect(text).toMatch(/ Before the sign-ins were read, it was not predicted to block\.$/);
  });

  it('a report-only failure, on its own or after the policy\'s evidence', () => {
    const note = "Your attempt at 13:52 UTC on 2026-10-05 to Microsoft Authenticator, error 53003: report-only 'MFA' reported a failure (reportOnlyFailure) (sign-in s1, correlation id c1); report-only, so it did not block.";
    expect(evidenceSentence({ kind: 'report-only-failure', policy: { id: 'm', name: 'MFA' }, signIn })).toBe(note);
    expect(evidenceSentence({ ...loop, policy: { id: 'm', name: 'MFA' }, reportOnlyFailure: signIn }).endsWith(`. ${note}`)).toBe(true);
  });

  it.each<[Evidence, string]>([
    [{ kind: 'method', issue: 'user-excluded', upn: 'pia@contoso.com', through: { group: 'Contractors' } }, 'Passkey (FIDO2) is enabled, but pia@contoso.com is excluded through group "Contractors".'],
    [{ kind: 'method', issue: 'user-not-targeted', upn: 'pia@contoso.com', targets: [] }, 'Passkey (FIDO2) is enabled only for nobody; pia@contoso.com is in none of them.'],
    [
      { kind: 'method', issue: 'aaguid-not-allowed', platform: 'iOS', aaguid: 'a1', settings: [{ legacy: true }], restrictions: [{ enforcementType: 'allow', aaGuids: [] }] },
      'Key restrictions in the passkey (FIDO2) settings do not allow Microsoft Authenticator on iOS (AAGUID a1): allow only an empty list.',
    ],
    [{ kind: 'tap', state: 'expired', start: '2026-10-05T12:00:00.000Z', end: '2026-10-05T13:00:00.000Z', at: '2026-10-05T14:00:00.000Z' }, 'The Temporary Access Pass was valid from 2026-10-05 12:00Z to 2026-10-05 13:00Z; it is now 2026-10-05 14:00Z, so it has expired.'],
    [{ kind: 'tap-method', reason: { notTargeted: 'uma@contoso.com' } }, 'A Temporary Access Pass would satisfy the blocking policy, but the Temporary Access Pass method does not target uma@contoso.com.'],
    [{ kind: 'os-version', platform: 'iOS', osVersion: 16 }, 'Passkeys in Microsoft Authenticator need iOS 17 or later; the phone runs iOS 16.'],
    [{ kind: 'nothing-found', checked: 'conditional-access', policies: 1, platform: 'iOS', upn: 'marc@contoso.com' }, 'Checked 1 enabled or report-only Conditional Access policy against the Microsoft Authenticator sign-in and the "Register security information" user action on iOS: none blocks marc@contoso.com.'],
    [{ kind: 'nothing-found', checked: 'registered-methods', methods: [] }, 'Registered methods: none.'],
  ])('%j', (e, words) => expect(evidenceSentence(e)).toBe(words));

  it('a finding: one sentence per item, in order', () => {
    const f: Finding = { code: 'bluetooth-restricted', blocking: true, policies: [], evidence: [{ kind: 'bluetooth' }, { kind: 'guest', upn: 'uma@contoso.com' }] };
    expect(evidenceWords(f)).toEqual([
      "Cross-device sign-in with the phone's passkey (QR code + Bluetooth) needs Bluetooth, and the organisation restricts Bluetooth.",
      'uma@contoso.com is a guest (userType Guest): a Temporary Access Pass cannot be issued to a guest.',
    ]);
  });
});

describe('a diagnosis stored before evidence was data (a ticket in the store)', () => {
  it('reads its policyIds/policyNames as policies and shows its evidence sentences as they were written', () => {
    const stored = {
      findings: [{ code: 'ca-auth-strength-loop', blocking: true, policyIds: ['p1', 'p2'], policyNames: ['Passkeys everywhere', 'Admins'], evidence: ['"Passkeys everywhere" (enabled) applies.'] }],
    };
    const d = upgradeStoredDiagnosis(stored as unknown as { findings: Finding[] });
    expect(d.findings).toEqual([
      { code: 'ca-auth-strength-loop', blocking: true, policies: [{ id: 'p1', name: 'Passkeys everywhere' }, { id: 'p2', name: 'Admins' }], evidence: [{ kind: 'stored-text', text: '"Passkeys everywhere" (enabled) applies.' }] },
    ]);
    expect(evidenceWords(d.findings[0])).toEqual(['"Passkeys everywhere" (enabled) applies.']);
  });

  it('leaves a diagnosis in today\'s shape as it is', () => {
    const d = { findings: [{ code: 'bluetooth-restricted', blocking: true, policies: [], evidence: [{ kind: 'bluetooth' }] }] as Finding[] };
    expect(upgradeStoredDiagnosis(d)).toBe(d);
  });
});
