// The engine's evidence in words: the one place that turns the structured evidence of a finding
// (diagnosis/evidence.ts) into the English sentences cards, tickets and the `diagnose` JSON show.
// The translation work builds on this module; the engine emits no sentence of its own here.
import type { Evidence, Finding, GrantEvidence, MethodEvidence, NothingFoundEvidence, ObservedPolicyEvidence, PasskeySettingsRef, PolicyEvidence, SignInEvent, SignInRefEvidence, TapEvidence } from '../diagnosis';
import { AUTHENTICATOR_APP_ID } from '../diagnosis';
import { english, type Messages } from '../i18n';

export const EVENT_WORDS: Record<SignInEvent, string> = {
  'authenticator-sign-in': 'the Microsoft Authenticator sign-in',
  'register-security-info': 'the "Register security information" user action',
};

/** What If's analysisReasons the bot did not supply, in words. */
const WHAT_IF_CONDITION_WORDS: Record<string, string> = {
  location: 'its location condition (the bot does not know where the user signs in from)',
  devices: 'its filter for devices',
  signInRisk: 'its sign-in risk condition (the bot cannot see sign-in risk)',
  userRisk: 'its user risk condition (the bot cannot see user risk)',
  insiderRisk: 'its insider risk condition (the bot cannot see insider risk)',
  authenticationFlow: 'its authentication flows condition (the bot cannot tell how the user signs in)',
  notEnoughInformation: 'a condition it had not enough information for',
};

/** "2026-10-05 14:00Z" (seconds shown only when not zero). */
export function timeWords(iso: string | null): string {
  return iso ? new Date(iso).toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ') : '?';
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The evidence of a finding, one sentence per item, in the reader's language (`m`). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function evidenceWords(f: Finding, m: Messages = english()): string[] {
  return f.evidence.map((e) => evidenceSentence(e));
}

export function evidenceSentence(e: Evidence): string {
  switch (e.kind) {
    case 'stored-text':
      return e.text;
    case 'policy':
      return policySentence(e);
    case 'observed-policy':
      return observedSentence(e);
    case 'report-only-failure':
      return reportOnlyNote(e.policy.name, e.signIn);
    case 'method':
      return methodSentence(e);
    case 'tap':
      return tapSentence(e);
    case 'tap-method':
      return `A Temporary Access Pass would satisfy the blocking policy, but the Temporary Access Pass method ${e.reason === 'disabled' ? 'is disabled in the authentication methods policy' : `does not target ${e.reason.notTargeted}`}.`;
    case 'guest':
      return `${e.upn} is a guest (userType Guest): a Temporary Access Pass cannot be issued to a guest.`;
    case 'android-profile':
      return `The passkey was created in the ${e.passkeyProfile} Android profile and the user is now in the ${e.androidProfile} profile; a passkey can only be used from the profile where it is stored.`;
    case 'bluetooth':
      return 'Cross-device sign-in with the phone\'s passkey (QR code + Bluetooth) needs Bluetooth, and the organisation restricts Bluetooth.';
    case 'os-version':
      return `Passkeys in Microsoft Authenticator need ${e.platform === 'iOS' ? 'iOS 17' : 'Android 14'} or later; the phone runs ${e.platform} ${e.osVersion}.`;
    case 'nothing-found':
      return nothingFoundSentence(e);
  }
}

/** "require one of: X or Y" */
export function grantSummary(g: GrantEvidence): string {
  if (g.controls.length === 0) return 'no grant controls';
  const labels = g.controls.map((c) => c.label);
  return g.operator === 'AND' ? `require all of: ${labels.join(' and ')}` : `require one of: ${labels.join(' or ')}`;
}

const failingWhy = (g: GrantEvidence) => [...new Set(g.failing.map((c) => c.why))].join('; ');

function whatIfUnknown(w: NonNullable<PolicyEvidence['whatIf']>): string {
  const which = w.reasons.length > 0 ? w.reasons.map((r) => WHAT_IF_CONDITION_WORDS[r] ?? `its "${r}" condition`).join(' and ') : 'a condition it was not given';
  return `Conditional Access What If answered "not applied" (analysisReasons ${w.analysisReasons || 'none'}) only because of ${which}, which the bot did not supply`;
}

function policySentence(e: PolicyEvidence): string {
  const matched = e.conditions.filter((c) => c.verdict === 'match').map((c) => c.clause);
  const unknowns = [...e.conditions.filter((c) => c.verdict === 'unknown').map((c) => c.clause), ...(e.whatIf ? [whatIfUnknown(e.whatIf)] : [])];
  const source = e.source === 'what-if' ? ' (applicability: Conditional Access What If)' : e.source === 'local' ? '' : ` (evaluated locally: ${e.source.unavailable})`;
  const text = [
    `"${e.policy.name}" (${e.state}) ${e.verdict === 'applies' ? 'applies' : 'may apply'} to ${EVENT_WORDS[e.event]} on ${e.platform}: ${matched.join('; ')}`,
    unknowns.length ? `; it may apply because ${unknowns.join(' and ')}` : '',
    `; grant: ${grantSummary(e.grant)}`,
    `; ${failingWhy(e.grant)}`,
    e.state === 'report-only' ? ' — report-only, so it would block but does not' : '',
    e.grant.satisfied === 'unknown' ? ' — whether the user can satisfy it is unknown' : '',
    source,
    '.',
  ].join('');
  return e.reportOnlyFailure ? `${text} ${reportOnlyNote(e.policy.name, e.reportOnlyFailure)}` : text;
}

/** "your attempt at 13:52 UTC on 2026-10-05 to Microsoft Authenticator, error 53003" */
export function attemptWords(s: SignInRefEvidence): string {
  const d = new Date(s.createdDateTime);
  const when = Number.isNaN(d.getTime()) ? s.createdDateTime : `${d.toISOString().slice(11, 16)} UTC on ${d.toISOString().slice(0, 10)}`;
  const app = (s.appId ?? '').toLowerCase() === AUTHENTICATOR_APP_ID ? 'Microsoft Authenticator' : s.appDisplayName || s.appId || 'an app';
  return `your attempt at ${when} to ${app}, error ${s.errorCode}`;
}

/** "(sign-in 66ea54eb-…, correlation id d79f5bee-…)" */
export function signInRefWords(s: SignInRefEvidence): string {
  return `(sign-in ${s.id}${s.correlationId ? `, correlation id ${s.correlationId}` : ''})`;
}

function reportOnlyNote(name: string, s: SignInRefEvidence): string {
  return `${capitalise(attemptWords(s))}: report-only '${name}' reported a failure (reportOnlyFailure) ${signInRefWords(s)}; report-only, so it did not block.`;
}

function observedSentence(e: ObservedPolicyEvidence): string {
  const why = failingWhy(e.grant);
  const grant = `grant: ${grantSummary(e.grant)}${why ? `; ${why}` : ''}`;
  let text: string;
  if (e.predicted) {
    const prediction = e.predicted.length
      ? ` Before the sign-ins were read: ${e.predicted.map(policySentence).join(' ')}`
      : ' Before the sign-ins were read, it was not predicted to block.';
    text = [
      `${capitalise(attemptWords(e.signIn))}: '${e.policy.name}' failed ${signInRefWords(e.signIn)}`,
      e.earlier ? `; it also failed in ${e.earlier} earlier attempt${e.earlier > 1 ? 's' : ''} of the last 24 hours` : '',
      `. So it applies to ${EVENT_WORDS[e.event]} on ${e.platform}; ${grant}`,
      e.unexplained ? '; by the tenant\'s facts the user can satisfy its grant, so why it failed is not known' : '',
      e.state === 'enabled' ? '' : ` — it has since been ${e.state === 'disabled' ? 'disabled' : 'set to report-only'}, so it no longer blocks`,
      '.',
      prediction,
    ].join('');
  } else {
    text = `'${e.policy.name}' applies to ${EVENT_WORDS[e.event]} on ${e.platform} (it failed in ${attemptWords(e.signIn)} ${signInRefWords(e.signIn)}); ${grant}${e.unexplained ? '; why it failed is not known' : ''}.`;
  }
  return e.reportOnlyFailure ? `${text} ${reportOnlyNote(e.policy.name, e.reportOnlyFailure)}` : text;
}

export const settingsWords = (s: PasskeySettingsRef): string => ('legacy' in s ? 'the passkey (FIDO2) settings' : `passkey profile "${s.profile}"`);

function methodSentence(e: MethodEvidence): string {
  switch (e.issue) {
    case 'no-fido2-configuration':
      return 'The authentication methods policy has no passkey (FIDO2) configuration.';
    case 'fido2-disabled':
      return 'Passkey (FIDO2) is disabled in the authentication methods policy.';
    case 'user-excluded':
      return `Passkey (FIDO2) is enabled, but ${e.upn} is excluded through ${e.through === 'user' ? 'a user exclusion' : `group "${e.through.group}"`}.`;
    case 'user-not-targeted': {
      const targets = e.targets.length === 0 ? 'nobody' : e.targets.map((t) => (t === 'all-users' ? 'all users' : `group "${t.group}"`)).join(', ');
      return `Passkey (FIDO2) is enabled only for ${targets}; ${e.upn} is in none of them.`;
    }
    case 'self-service-disabled':
      return 'Self-service registration of passkeys is not allowed in the passkey (FIDO2) settings.';
    case 'no-device-bound-profile':
      return `No passkey profile ${e.upn} is in scope of allows device-bound passkeys (Authenticator's are device-bound): ${e.profiles.map((p) => `"${p}"`).join(', ')}.`;
    case 'aaguid-not-allowed': {
      const restrictions = e.restrictions.map((r) => `${r.enforcementType === 'allow' ? 'allow only' : 'block'} ${r.aaGuids.join(', ') || 'an empty list'}`);
      return `Key restrictions in ${e.settings.map(settingsWords).join(' and ')} do not allow Microsoft Authenticator on ${e.platform} (AAGUID ${e.aaguid}): ${restrictions.join('; ')}.`;
    }
    case 'attestation-enforced':
      return `Attestation is enforced in ${e.settings.map(settingsWords).join(' and ')}: an attested passkey can only be registered directly in the Authenticator app, not cross-device.`;
  }
}

function tapSentence(e: TapEvidence): string {
  const window = `${timeWords(e.start)} to ${timeWords(e.end)}`;
  if (e.state === 'used') return `The one-time Temporary Access Pass (valid ${window}) has already been used.`;
  if (e.state === 'expired') return `The Temporary Access Pass was valid from ${window}; it is now ${timeWords(e.at)}, so it has expired.`;
  return `The Temporary Access Pass is valid from ${window}; it is now ${timeWords(e.at)}, so it cannot be used yet.`;
}

function nothingFoundSentence(e: NothingFoundEvidence): string {
  switch (e.checked) {
    case 'conditional-access':
      return `Checked ${e.policies} enabled or report-only Conditional Access ${e.policies === 1 ? 'policy' : 'policies'} against ${EVENT_WORDS['authenticator-sign-in']} and ${EVENT_WORDS['register-security-info']} on ${e.platform}: none blocks ${e.upn}.`;
    case 'passkey-settings':
      return 'Checked the passkey (FIDO2) settings: passkeys in Microsoft Authenticator are allowed for this user.';
    case 'registered-methods':
      return `Registered methods: ${e.methods.join(', ') || 'none'}.`;
    case 'tap-valid':
      return `The Temporary Access Pass is valid until ${timeWords(e.until)}: sign in to Authenticator with it and add the passkey.`;
  }
}
