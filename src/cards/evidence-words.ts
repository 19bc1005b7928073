// The engine's evidence in words: the one place that turns the structured evidence of a finding
// (diagnosis/evidence.ts) into sentences — in the reader's language (`m`, the `evidence`
// catalogue) for cards and tickets, in English for the `diagnose` JSON and text. The engine emits
// no sentence of its own here; what it still gives as English text (a condition's clause, a grant
// control's label and the fact that fails it) is quoted as it is.
import type { Evidence, Finding, GrantEvidence, MethodEvidence, NothingFoundEvidence, ObservedPolicyEvidence, PasskeySettingsRef, PolicyEvidence, SignInEvent, SignInRefEvidence, TapEvidence } from '../diagnosis';
import { AUTHENTICATOR_APP_ID } from '../diagnosis';
import { english, type Messages } from '../i18n';
import { dateTime } from './time-words';

const EVENT_KEYS: Record<SignInEvent, string> = {
  'authenticator-sign-in': 'evidence.event.authenticator-sign-in',
  'register-security-info': 'evidence.event.register-security-info',
};

/** The sign-in events in English words (the engine's former wording). */
export const EVENT_WORDS: Record<SignInEvent, string> = {
  'authenticator-sign-in': 'the Microsoft Authenticator sign-in',
  'register-security-info': 'the "Register security information" user action',
};

/** What If's analysisReasons the bot did not supply, in words. */
const WHAT_IF_CONDITION_KEYS: Record<string, string> = {
  location: 'evidence.whatIfCondition.location',
  devices: 'evidence.whatIfCondition.devices',
  signInRisk: 'evidence.whatIfCondition.signInRisk',
  userRisk: 'evidence.whatIfCondition.userRisk',
  insiderRisk: 'evidence.whatIfCondition.insiderRisk',
  authenticationFlow: 'evidence.whatIfCondition.authenticationFlow',
  notEnoughInformation: 'evidence.whatIfCondition.notEnoughInformation',
};

/** "2026-10-05 14:00Z" (seconds shown only when not zero). */
export function timeWords(iso: string | null): string {
  return iso ? new Date(iso).toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ') : '?';
}

/** A time in evidence: English as the engine wrote it ("2026-10-05 14:00Z"); other languages on a UTC clock in their own format. */
function when(iso: string | null, m: Messages): string {
  if (m.language === 'en' || !iso || Number.isNaN(Date.parse(iso))) return timeWords(iso);
  return dateTime(iso, 'UTC', {}, m.locale);
}

/** "a and b and c" (or "or"), as the engine joined them. */
function joined(items: readonly string[], key: 'evidence.and' | 'evidence.or', m: Messages): string {
  return items.reduce((a, b) => m.t(key, { a, b }));
}

/** The evidence of a finding, one sentence per item, in the reader's language (`m`). */
export function evidenceWords(f: Finding, m: Messages = english()): string[] {
  return f.evidence.map((e) => evidenceSentence(e, m));
}

export function evidenceSentence(e: Evidence, m: Messages = english()): string {
  switch (e.kind) {
    case 'stored-text':
      return e.text;
    case 'policy':
      return policySentence(e, m);
    case 'observed-policy':
      return observedSentence(e, m);
    case 'report-only-failure':
      return reportOnlyNote(e.policy.name, e.signIn, m);
    case 'method':
      return methodSentence(e, m);
    case 'tap':
      return tapSentence(e, m);
    case 'tap-method':
      return e.reason === 'disabled' ? m.t('evidence.tapMethod', { reason: 'disabled', target: '' }) : m.t('evidence.tapMethod', { reason: 'notTargeted', target: e.reason.notTargeted });
    case 'guest':
      return m.t('evidence.guest', { upn: e.upn });
    case 'android-profile':
      return m.t('evidence.androidProfile', { passkeyProfile: e.passkeyProfile, androidProfile: e.androidProfile });
    case 'bluetooth':
      return m.t('evidence.bluetooth');
    case 'os-version':
      return m.t('evidence.osVersion', { minimum: e.platform === 'iOS' ? 'iOS 17' : 'Android 14', platform: e.platform, version: String(e.osVersion) });
    case 'nothing-found':
      return nothingFoundSentence(e, m);
  }
}

/** "require one of: X or Y" */
export function grantSummary(g: GrantEvidence, m: Messages = english()): string {
  if (g.controls.length === 0) return m.t('evidence.grant.none');
  const labels = g.controls.map((c) => c.label);
  return g.operator === 'AND' ? m.t('evidence.grant.all', { controls: joined(labels, 'evidence.and', m) }) : m.t('evidence.grant.one', { controls: joined(labels, 'evidence.or', m) });
}

const failingWhy = (g: GrantEvidence) => [...new Set(g.failing.map((c) => c.why))].join('; ');

function whatIfUnknown(w: NonNullable<PolicyEvidence['whatIf']>, m: Messages): string {
  const which =
    w.reasons.length > 0
      ? joined(
          w.reasons.map((r) => (Object.hasOwn(WHAT_IF_CONDITION_KEYS, r) ? m.t(WHAT_IF_CONDITION_KEYS[r]) : m.t('evidence.whatIfCondition.other', { name: r }))),
          'evidence.and',
          m,
        )
      : m.t('evidence.whatIfCondition.none');
  return m.t('evidence.whatIf', { reasons: w.analysisReasons || m.t('evidence.none'), which });
}

function policySentence(e: PolicyEvidence, m: Messages): string {
  const matched = e.conditions.filter((c) => c.verdict === 'match').map((c) => c.clause);
  const unknowns = [...e.conditions.filter((c) => c.verdict === 'unknown').map((c) => c.clause), ...(e.whatIf ? [whatIfUnknown(e.whatIf, m)] : [])];
  const text = m.t('evidence.policy', {
    name: e.policy.name,
    state: e.state === 'report-only' ? 'reportOnly' : 'enabled',
    verdict: e.verdict === 'applies' ? 'applies' : 'mayApply',
    event: m.t(EVENT_KEYS[e.event]),
    platform: e.platform,
    matched: matched.join('; '),
    unknowns: unknowns.length ? joined(unknowns, 'evidence.and', m) : 'none',
    grant: grantSummary(e.grant, m),
    failing: failingWhy(e.grant),
    satisfied: e.grant.satisfied === 'unknown' ? 'unknown' : 'known',
    source: e.source === 'what-if' ? 'whatIf' : e.source === 'local' ? 'local' : 'unavailable',
    unavailable: typeof e.source === 'object' ? e.source.unavailable : '',
  });
  return e.reportOnlyFailure ? `${text} ${reportOnlyNote(e.policy.name, e.reportOnlyFailure, m)}` : text;
}

/** "your attempt at 13:52 UTC on 2026-10-05 to Microsoft Authenticator, error 53003" */
export function attemptWords(s: SignInRefEvidence, m: Messages = english(), start = false): string {
  const d = new Date(s.createdDateTime);
  const at = Number.isNaN(d.getTime())
    ? s.createdDateTime
    : m.language === 'en'
      ? m.t('evidence.attemptTime', { clock: d.toISOString().slice(11, 16), date: d.toISOString().slice(0, 10) })
      : dateTime(d, 'UTC', {}, m.locale);
  const app = (s.appId ?? '').toLowerCase() === AUTHENTICATOR_APP_ID ? 'Microsoft Authenticator' : s.appDisplayName || s.appId || m.t('evidence.anApp');
  return m.t(start ? 'evidence.attemptStart' : 'evidence.attempt', { time: at, app, code: String(s.errorCode) });
}

/** "(sign-in 66ea54eb-…, correlation id d79f5bee-…)" */
export function signInRefWords(s: SignInRefEvidence, m: Messages = english()): string {
  return m.t('evidence.signInRef', { id: s.id, correlation: s.correlationId ? 'yes' : 'no', correlationId: s.correlationId ?? '' });
}

function reportOnlyNote(name: string, s: SignInRefEvidence, m: Messages): string {
  return m.t('evidence.reportOnly', { attempt: attemptWords(s, m, true), name, ref: signInRefWords(s, m) });
}

function observedSentence(e: ObservedPolicyEvidence, m: Messages): string {
  const why = failingWhy(e.grant);
  const grant = why ? m.t('evidence.grantWhy', { summary: grantSummary(e.grant, m), why }) : m.t('evidence.grantOnly', { summary: grantSummary(e.grant, m) });
  let text: string;
  if (e.predicted) {
    const prediction = e.predicted.length
      ? m.t('evidence.predicted', { sentences: e.predicted.map((p) => policySentence(p, m)).join(' ') })
      : m.t('evidence.notPredicted');
    text = m.t('evidence.observed', {
      attempt: attemptWords(e.signIn, m, true),
      name: e.policy.name,
      ref: signInRefWords(e.signIn, m),
      earlier: e.earlier,
      event: m.t(EVENT_KEYS[e.event]),
      platform: e.platform,
      grant,
      unexplained: e.unexplained ? 'yes' : 'no',
      state: e.state === 'enabled' ? 'enabled' : e.state === 'disabled' ? 'disabled' : 'reportOnly',
      prediction,
    });
  } else {
    text = m.t('evidence.observedApplies', {
      name: e.policy.name,
      event: m.t(EVENT_KEYS[e.event]),
      platform: e.platform,
      attempt: attemptWords(e.signIn, m),
      ref: signInRefWords(e.signIn, m),
      grant,
      unexplained: e.unexplained ? 'yes' : 'no',
    });
  }
  return e.reportOnlyFailure ? `${text} ${reportOnlyNote(e.policy.name, e.reportOnlyFailure, m)}` : text;
}

/** "the passkey (FIDO2) settings", "passkey profile "Default"" (English). */
export const settingsWords = (s: PasskeySettingsRef): string => settingsIn(s, english());

function settingsIn(s: PasskeySettingsRef, m: Messages): string {
  return 'legacy' in s ? m.t('evidence.settings.legacy') : m.t('evidence.settings.profile', { profile: s.profile });
}

function methodSentence(e: MethodEvidence, m: Messages): string {
  switch (e.issue) {
    case 'no-fido2-configuration':
      return m.t('evidence.method.noConfiguration');
    case 'fido2-disabled':
      return m.t('evidence.method.disabled');
    case 'user-excluded':
      return e.through === 'user'
        ? m.t('evidence.method.userExcluded', { upn: e.upn, through: 'user', group: '' })
        : m.t('evidence.method.userExcluded', { upn: e.upn, through: 'group', group: e.through.group });
    case 'user-not-targeted': {
      const targets =
        e.targets.length === 0
          ? m.t('evidence.target.nobody')
          : e.targets.map((t) => (t === 'all-users' ? m.t('evidence.target.allUsers') : m.t('evidence.target.group', { group: t.group }))).join(', ');
      return m.t('evidence.method.userNotTargeted', { targets, upn: e.upn });
    }
    case 'self-service-disabled':
      return m.t('evidence.method.selfServiceDisabled');
    case 'no-device-bound-profile':
      return m.t('evidence.method.noDeviceBoundProfile', { upn: e.upn, profiles: e.profiles.map((name) => m.t('evidence.quoted', { name })).join(', ') });
    case 'aaguid-not-allowed': {
      const restrictions = e.restrictions.map((r) =>
        m.t('evidence.restriction', { type: r.enforcementType === 'allow' ? 'allow' : 'block', aaguids: r.aaGuids.join(', ') || m.t('evidence.emptyList') }),
      );
      return m.t('evidence.method.aaguidNotAllowed', {
        settings: joined(e.settings.map((s) => settingsIn(s, m)), 'evidence.and', m),
        platform: e.platform,
        aaguid: e.aaguid,
        restrictions: restrictions.join('; '),
      });
    }
    case 'attestation-enforced':
      return m.t('evidence.method.attestationEnforced', { settings: joined(e.settings.map((s) => settingsIn(s, m)), 'evidence.and', m) });
  }
}

function tapSentence(e: TapEvidence, m: Messages): string {
  const window = m.t('evidence.tap.window', { start: when(e.start, m), end: when(e.end, m) });
  if (e.state === 'used') return m.t('evidence.tap.used', { window });
  if (e.state === 'expired') return m.t('evidence.tap.expired', { window, now: when(e.at, m) });
  return m.t('evidence.tap.notYetValid', { window, now: when(e.at, m) });
}

function nothingFoundSentence(e: NothingFoundEvidence, m: Messages): string {
  switch (e.checked) {
    case 'conditional-access':
      return m.t('evidence.nothingFound.conditionalAccess', {
        count: e.policies,
        n: String(e.policies),
        first: m.t(EVENT_KEYS['authenticator-sign-in']),
        second: m.t(EVENT_KEYS['register-security-info']),
        platform: e.platform,
        upn: e.upn,
      });
    case 'passkey-settings':
      return m.t('evidence.nothingFound.passkeySettings');
    case 'registered-methods':
      return m.t('evidence.nothingFound.registeredMethods', { methods: e.methods.join(', ') || m.t('evidence.none') });
    case 'tap-valid':
      return m.t('evidence.nothingFound.tapValid', { until: when(e.until, m) });
  }
}
