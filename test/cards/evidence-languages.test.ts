// The evidence in the reader's language (evidenceWords(f, m)): German sentences around the
// tenant's own names (policies, groups, profiles), kept verbatim; every kind of evidence worded in
// every language without a catalogue key left showing; English (the default) as the engine's
// former words (test/cards/evidence-words.test.ts).
import { evidenceSentence, evidenceWords } from '../../src/cards/evidence-words';
import type { Evidence, Finding, PolicyEvidence } from '../../src/diagnosis';
import { LANGUAGES, PSEUDO_LANGUAGE, english, messagesFor, type MessagesLanguage } from '../../src/i18n';

const POLICY = 'Passkey pilot: passkey in Authenticator everywhere';
const loop: PolicyEvidence = {
  kind: 'policy',
  policy: { id: 'p1', name: POLICY },
  state: 'report-only',
  event: 'register-security-info',
  platform: 'android',
  verdict: 'may-apply',
  conditions: [
    { condition: 'users', verdict: 'match', clause: 'users: all users' },
    { condition: 'location', verdict: 'unknown', clause: 'it depends on where the user is' },
  ],
  whatIf: { condition: 'what-if', analysisReasons: 'location', reasons: ['location'] },
  grant: { operator: 'AND', satisfied: 'unknown', controls: [{ kind: 'mfa', label: 'multifactor authentication' }, { kind: 'compliantDevice', label: 'device marked as compliant' }], failing: [] },
  source: { unavailable: 'What If timed out' },
};
const signIn = { id: 's1', correlationId: 'c1', createdDateTime: '2026-10-05T13:52:00Z', appId: '4813382a-8fa7-425e-ab75-3b753aab3abb', errorCode: 53003 };

/** One of every kind (and every issue) of evidence. */
const EVERY: Evidence[] = [
  { kind: 'stored-text', text: 'As stored.' },
  loop,
  { ...loop, state: 'enabled', verdict: 'applies', whatIf: undefined, source: 'what-if', reportOnlyFailure: signIn },
  { kind: 'observed-policy', policy: loop.policy, state: 'disabled', event: 'authenticator-sign-in', platform: 'android', signIn, earlier: 2, grant: loop.grant, unexplained: true, predicted: [loop] },
  { kind: 'observed-policy', policy: loop.policy, state: 'report-only', event: 'authenticator-sign-in', platform: 'iOS', signIn, earlier: 1, grant: loop.grant, unexplained: false, predicted: [] },
  { kind: 'observed-policy', policy: loop.policy, state: 'enabled', event: 'authenticator-sign-in', platform: 'iOS', signIn: { ...signIn, appId: 'x', appDisplayName: 'Outlook', correlationId: undefined }, earlier: 0, grant: loop.grant, unexplained: true },
  { kind: 'report-only-failure', policy: { id: 'm', name: 'MFA' }, signIn },
  { kind: 'method', issue: 'no-fido2-configuration' },
  { kind: 'method', issue: 'fido2-disabled' },
  { kind: 'method', issue: 'user-excluded', upn: 'lena@contoso.com', through: 'user' },
  { kind: 'method', issue: 'user-excluded', upn: 'lena@contoso.com', through: { group: 'Contractors' } },
  { kind: 'method', issue: 'user-not-targeted', upn: 'lena@contoso.com', targets: ['all-users', { group: 'Pilot' }] },
  { kind: 'method', issue: 'user-not-targeted', upn: 'lena@contoso.com', targets: [] },
  { kind: 'method', issue: 'self-service-disabled' },
  { kind: 'method', issue: 'no-device-bound-profile', upn: 'lena@contoso.com', profiles: ['Synced only'] },
  { kind: 'method', issue: 'aaguid-not-allowed', platform: 'android', aaguid: 'de1e552d', settings: [{ legacy: true }, { profile: 'Admins' }], restrictions: [{ enforcementType: 'allow', aaGuids: ['cb69481e'] }, { enforcementType: 'block', aaGuids: [] }] },
  { kind: 'method', issue: 'attestation-enforced', settings: [{ profile: 'Admins' }] },
  { kind: 'tap', state: 'used', start: '2026-10-05T10:00:00Z', end: '2026-10-05T11:00:00Z', at: '2026-10-05T10:30:00Z' },
  { kind: 'tap', state: 'expired', start: '2026-10-05T10:00:00Z', end: '2026-10-05T11:00:00Z', at: '2026-10-05T12:00:00Z' },
  { kind: 'tap', state: 'not-yet-valid', start: '2026-10-05T10:00:00Z', end: null, at: '2026-10-05T09:00:00Z' },
  { kind: 'tap-method', reason: 'disabled' },
  { kind: 'tap-method', reason: { notTargeted: 'lena@contoso.com' } },
  { kind: 'guest', upn: 'uma@contoso.com' },
  { kind: 'android-profile', passkeyProfile: 'personal', androidProfile: 'work' },
  { kind: 'bluetooth' },
  { kind: 'os-version', platform: 'iOS', osVersion: 16 },
  { kind: 'nothing-found', checked: 'conditional-access', policies: 1, platform: 'android', upn: 'ada@contoso.com' },
  { kind: 'nothing-found', checked: 'conditional-access', policies: 1200, platform: 'android', upn: 'ada@contoso.com' },
  { kind: 'nothing-found', checked: 'passkey-settings' },
  { kind: 'nothing-found', checked: 'registered-methods', methods: [] },
  { kind: 'nothing-found', checked: 'tap-valid', until: '2026-10-05T11:00:00Z' },
] as Evidence[];

describe('the evidence in German', () => {
  const de = messagesFor('de');

  it('words a policy around its name, verbatim, with German quotes', () => {
    const text = evidenceSentence(loop, de);
    expect(text).toContain(`„${POLICY}“ (nur Bericht) gilt möglicherweise für die Benutzeraktion „Sicherheitsinformationen registrieren“ auf Android`);
    expect(text).toContain('erfordert alle: multifactor authentication und device marked as compliant');
    expect(text).toContain('(lokal ausgewertet: What If hat nicht rechtzeitig geantwortet)');
    expect(text).not.toContain('may apply');
  });

  it('says times on a UTC clock in German format, never as ISO', () => {
    const text = evidenceSentence(EVERY[18], de);
    expect(text).toBe('Der Befristete Zugriffspass war gültig von 5. Okt., 10:00 UTC bis 5. Okt., 11:00 UTC; jetzt ist es 5. Okt., 12:00 UTC, er ist also abgelaufen.');
  });

  it('keeps group and profile names as the tenant wrote them', () => {
    expect(evidenceSentence(EVERY[10], de)).toBe('Passkey (FIDO2) ist aktiviert, aber lena@contoso.com ist ausgeschlossen durch die Gruppe „Contractors“.');
    expect(evidenceSentence(EVERY[16], de)).toContain('dem Passkey-Profil „Admins“');
  });

  it('evidenceWords takes the messages as its last parameter; English by default', () => {
    const f: Finding = { code: 'ca-auth-strength-loop', blocking: true, policies: [loop.policy], evidence: [EVERY[22]] };
    expect(evidenceWords(f, de)).toEqual(['uma@contoso.com ist ein Gast (userType Guest): Einem Gast kann kein Befristeter Zugriffspass ausgestellt werden.']);
    expect(evidenceWords(f)).toEqual(evidenceWords(f, english()));
    expect(evidenceWords(f)).toEqual(['uma@contoso.com is a guest (userType Guest): a Temporary Access Pass cannot be issued to a guest.']);
  });
});

describe.each<MessagesLanguage>([...LANGUAGES, PSEUDO_LANGUAGE])('the evidence in %s', (language) => {
  const m = messagesFor(language);
  it('words every kind, with no catalogue key or placeholder left showing and the names kept', () => {
    for (const e of EVERY) {
      const text = evidenceSentence(e, m);
      expect(text).not.toMatch(/evidence\.|\{[a-zA-Z]+\}/);
      expect(text.length).toBeGreaterThan(5);
    }
    expect(evidenceSentence(loop, m)).toContain(POLICY);
    expect(evidenceSentence(EVERY[15], m)).toContain('cb69481e');
  });
});
