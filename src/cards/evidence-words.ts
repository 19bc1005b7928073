// The engine's evidence in words: the one place that turns the structured evidence of a finding
// (diagnosis/evidence.ts) into sentences — in the reader's language (`m`, the `evidence`
// catalogue) for cards and tickets, in English for the `diagnose` JSON and text. The engine emits
// no sentence of its own here. A condition's clause, a grant control's label and the fact that
// fails it are worded from their data (`detail`, `ref`, `fact`; the `conditions` catalogue); the
// engine's English text is quoted only for evidence stored before they were data.
import type {
  ConditionDetail,
  ConditionEvidence,
  ControlFact,
  DeviceOrigin,
  Evidence,
  Finding,
  GrantControlRef,
  GrantEvidence,
  LocationRef,
  MethodEvidence,
  MethodFact,
  NothingFoundEvidence,
  ObservedPolicyEvidence,
  PasskeySettingsRef,
  PolicyEvidence,
  SignInEvent,
  SignInRefEvidence,
  StrengthDescription,
  StrengthPart,
  TapEvidence,
  TapState,
  UnusablePasskey,
} from '../diagnosis';
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
      return m.t('evidence.osVersion', { minimum: e.platform === 'iOS' ? 'iOS 17' : 'Android 14', platform: platformWord(e.platform, m), version: String(e.osVersion) });
    case 'nothing-found':
      return nothingFoundSentence(e, m);
  }
}

/** "require one of: X or Y" */
export function grantSummary(g: GrantEvidence, m: Messages = english()): string {
  if (g.controls.length === 0) return m.t('evidence.grant.none');
  const labels = g.controls.map((c) => controlLabel(c, m));
  return g.operator === 'AND' ? m.t('evidence.grant.all', { controls: joined(labels, 'evidence.and', m) }) : m.t('evidence.grant.one', { controls: joined(labels, 'evidence.or', m) });
}

const failingWhy = (g: GrantEvidence, m: Messages) => [...new Set(g.failing.map((c) => (c.fact ? factWords(c.fact, m) : c.why)))].join(m.t('conditions.clauseSeparator'));

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
  const matched = e.conditions.filter((c) => c.verdict === 'match').map((c) => clauseWords(c, m));
  const unknowns = [...e.conditions.filter((c) => c.verdict === 'unknown').map((c) => clauseWords(c, m)), ...(e.whatIf ? [whatIfUnknown(e.whatIf, m)] : [])];
  const text = m.t('evidence.policy', {
    name: e.policy.name,
    state: e.state === 'report-only' ? 'reportOnly' : 'enabled',
    verdict: e.verdict === 'applies' ? 'applies' : 'mayApply',
    event: m.t(EVENT_KEYS[e.event]),
    platform: platformWord(e.platform, m),
    matched: matched.join(m.t('conditions.clauseSeparator')),
    unknowns: unknowns.length ? joined(unknowns, 'evidence.and', m) : 'none',
    grant: grantSummary(e.grant, m),
    failing: failingWhy(e.grant, m),
    satisfied: e.grant.satisfied === 'unknown' ? 'unknown' : 'known',
    source: e.source === 'what-if' ? 'whatIf' : e.source === 'local' ? 'local' : 'unavailable',
    unavailable: typeof e.source === 'object' ? unavailableWords(e.source.unavailable, m) : '',
  });
  return e.reportOnlyFailure ? `${text} ${reportOnlyNote(e.policy.name, e.reportOnlyFailure, m)}` : text;
}

// Why What If could not be used, as the diagnoser and the help desk's re-check say it (English).
const UNAVAILABLE_KEYS: Record<string, string> = {
  'What If is not permitted for this app (Policy.Read.ConditionalAccess)': 'evidence.whatIfUnavailable.forbidden',
  'What If timed out': 'evidence.whatIfUnavailable.timedOut',
  'What If did not answer': 'evidence.whatIfUnavailable.noAnswer',
  'What If is off': 'evidence.whatIfUnavailable.off',
};
const WHAT_IF_FAILED = 'What If failed: ';

/** The reason in the reader's language; Graph's own error text after "What If failed:" stays as Graph wrote it. */
function unavailableWords(reason: string, m: Messages): string {
  const key = UNAVAILABLE_KEYS[reason];
  if (key) return m.t(key);
  if (reason.startsWith(WHAT_IF_FAILED)) return m.t('evidence.whatIfUnavailable.failed', { error: reason.slice(WHAT_IF_FAILED.length) });
  return reason;
}

/** The platform's name as the reader writes it (English keeps the engine's "android", as before). */
const platformWord = (platform: string, m: Messages): string => m.t('evidence.platformName', { platform });

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
  const why = failingWhy(e.grant, m);
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
      platform: platformWord(e.platform, m),
      grant,
      unexplained: e.unexplained ? 'yes' : 'no',
      state: e.state === 'enabled' ? 'enabled' : e.state === 'disabled' ? 'disabled' : 'reportOnly',
      prediction,
    });
  } else {
    text = m.t('evidence.observedApplies', {
      name: e.policy.name,
      event: m.t(EVENT_KEYS[e.event]),
      platform: platformWord(e.platform, m),
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
        platform: platformWord(e.platform, m),
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
        platform: platformWord(e.platform, m),
        upn: e.upn,
      });
    case 'passkey-settings':
      return m.t('evidence.nothingFound.passkeySettings');
    case 'registered-methods':
      return m.t('evidence.nothingFound.registeredMethods', {
        methods: (e.methodFacts ? e.methodFacts.map((x) => methodWords(x, m)).join(m.t('conditions.separator')) : e.methods.join(', ')) || m.t('evidence.none'),
      });
    case 'tap-valid':
      return m.t('evidence.nothingFound.tapValid', { until: when(e.until, m) });
  }
}

// ---- Conditions and grant controls as data, in words ----

/** A condition's clause in the reader's language; the engine's English clause when stored without its data. */
export function clauseWords(c: ConditionEvidence, m: Messages = english()): string {
  return c.detail ? detailWords(c.detail, m) : c.clause;
}

function detailWords(d: ConditionDetail, m: Messages): string {
  const sep = m.t('conditions.separator');
  switch (d.is) {
    case 'users':
      switch (d.via) {
        case 'user':
          return m.t('conditions.users', { via: 'user', upn: d.upn, name: '' });
        case 'group':
          return m.t('conditions.users', { via: d.nested ? 'nestedGroup' : 'group', upn: '', name: d.name });
        case 'role':
          return m.t('conditions.users', { via: 'role', upn: '', name: d.name });
        default:
          return m.t('conditions.users', { via: d.via, upn: '', name: '' });
      }
    case 'userAction':
      return m.t('conditions.userAction');
    case 'resources':
      return d.via === 'filter'
        ? m.t('conditions.resources', { via: d.match === true ? 'matches' : 'filter', mode: d.mode, rule: d.rule })
        : m.t('conditions.resources', { via: d.via, mode: '', rule: '' });
    case 'resourceFilter':
      return m.t('conditions.resourceFilter', { mode: d.mode, rule: d.rule, may: d.may });
    case 'platforms': {
      const include = d.include.join(sep) || m.t('conditions.any');
      return d.exclude.length ? m.t('conditions.platformsExcluding', { include, exclude: d.exclude.join(sep) }) : m.t('conditions.platforms', { include });
    }
    case 'locations': {
      const include = d.include.map((l) => locationWords(l, m)).join(sep) || m.t('conditions.any');
      const locations = d.exclude.length
        ? m.t('conditions.locationsExcluding', { include, exclude: d.exclude.map((l) => locationWords(l, m)).join(sep) })
        : m.t('conditions.locations', { include });
      return d.depends ? m.t('conditions.locationDepends', { locations }) : locations;
    }
    case 'deviceFilter': {
      const values = { mode: d.mode, rule: d.rule, device: d.device ? originWords(d.device, m) : '' };
      if (d.depends) return d.device ? m.t('conditions.deviceFilterDependsFrom', values) : m.t('conditions.deviceFilterDepends', values);
      return d.device ? m.t('conditions.deviceFilterFrom', values) : m.t('conditions.deviceFilter', values);
    }
    case 'risk':
      return d.given === undefined
        ? m.t('conditions.risk', { risk: d.risk, levels: d.levels.map((level) => m.t('conditions.riskLevel', { level })).join(m.t('conditions.levelSeparator')) })
        : m.t('conditions.riskGiven', { risk: d.risk, level: m.t('conditions.riskLevel', { level: d.given }) });
    case 'authenticationFlow':
      return d.given === undefined ? m.t('conditions.flow', { flows: joined(d.transfers, 'evidence.or', m) }) : m.t('conditions.flowGiven', { flow: d.given });
  }
}

function locationWords(l: LocationRef, m: Messages): string {
  if (l.location === 'all') return m.t('conditions.location.all');
  if (l.location === 'allTrusted') return m.t('conditions.location.allTrusted');
  return m.t('conditions.location.named', { name: l.name });
}

function originWords(o: DeviceOrigin, m: Messages): string {
  if (o.phones.length === 0) return m.t('conditions.phone.none', { os: o.os });
  return m.t('conditions.phone.managed', {
    os: o.os,
    count: o.phones.length,
    names: o.phones.map((name) => m.t('conditions.quoted', { name })).join(m.t('conditions.separator')),
    isCompliant: o.isCompliant,
    deviceOwnership: o.deviceOwnership,
  });
}

const BUILT_IN_CONTROL: Record<'block' | 'mfa' | 'compliantDevice' | 'domainJoinedDevice' | 'approvedApplication' | 'compliantApplication' | 'passwordChange', string> = {
  block: 'conditions.control.block',
  mfa: 'conditions.control.mfa',
  compliantDevice: 'conditions.control.compliantDevice',
  domainJoinedDevice: 'conditions.control.domainJoinedDevice',
  approvedApplication: 'conditions.control.approvedApplication',
  compliantApplication: 'conditions.control.compliantApplication',
  passwordChange: 'conditions.control.passwordChange',
};

/** A grant control as evidence names it, in the reader's language; the engine's label when stored without its ref. */
export function controlLabel(c: { label: string; ref?: GrantControlRef }, m: Messages = english()): string {
  const x = c.ref;
  if (!x) return c.label;
  switch (x.control) {
    case 'termsOfUse':
      return m.t('conditions.control.termsOfUse', { id: x.id });
    case 'customControl':
      return m.t('conditions.control.customControl', { id: x.id });
    case 'unknown':
      return x.name;
    case 'authenticationStrength':
      if (x.source === 'unreadable') return m.t('conditions.control.strengthUnreadable', { id: x.id });
      // A strength without a name or description reads as the engine wrote it.
      if (x.name === undefined || !x.description) return c.label;
      return m.t('conditions.control.strength', { name: x.name, description: strengthWords(x.description, m) });
    default:
      return m.t(BUILT_IN_CONTROL[x.control]);
  }
}

function strengthWords(d: StrengthDescription, m: Messages): string {
  const parts = d.parts.map((p) => partWords(p, m)).join(m.t('conditions.strength.separator'));
  return d.more > 0 ? m.t('conditions.strength.more', { parts, n: String(d.more) }) : parts;
}

function partWords(p: StrengthPart, m: Messages): string {
  if ('factors' in p) return factorWords(p.factors, m);
  return p.passkey === 'authenticator'
    ? m.t('conditions.strength.passkeyAuthenticator')
    : m.t('conditions.strength.passkeyAaguids', { aaguids: p.aaguids.join(m.t('conditions.strength.aaguidSeparator')) });
}

const FACTOR: Record<string, string> = {
  password: 'conditions.factor.password',
  sms: 'conditions.factor.sms',
  voice: 'conditions.factor.voice',
  microsoftAuthenticatorPush: 'conditions.factor.microsoftAuthenticatorPush',
  softwareOath: 'conditions.factor.softwareOath',
  hardwareOath: 'conditions.factor.hardwareOath',
  fido2: 'conditions.factor.fido2',
  windowsHelloForBusiness: 'conditions.factor.windowsHelloForBusiness',
  x509CertificateMultiFactor: 'conditions.factor.x509CertificateMultiFactor',
  x509CertificateSingleFactor: 'conditions.factor.x509CertificateSingleFactor',
  deviceBasedPush: 'conditions.factor.deviceBasedPush',
  temporaryAccessPassOneTime: 'conditions.factor.temporaryAccessPassOneTime',
  temporaryAccessPassMultiUse: 'conditions.factor.temporaryAccessPassMultiUse',
  federatedMultiFactor: 'conditions.factor.federatedMultiFactor',
  federatedSingleFactor: 'conditions.factor.federatedSingleFactor',
  email: 'conditions.factor.email',
};

/** "password + SMS": a combination's factors (unknown ones as Graph names them). */
function factorWords(factors: readonly string[], m: Messages): string {
  return factors.map((f) => (Object.hasOwn(FACTOR, f) ? m.t(FACTOR[f]) : f)).join(m.t('conditions.strength.factorSeparator'));
}

const TAP_STATE: Record<TapState, 'none' | 'valid' | 'notYetValid' | 'expired' | 'used'> = {
  none: 'none',
  valid: 'valid',
  'not-yet-valid': 'notYetValid',
  expired: 'expired',
  used: 'used',
};

/** The fact that decides a grant control, in the reader's language. */
export function factWords(f: ControlFact, m: Messages = english()): string {
  switch (f.is) {
    case 'blocked':
      return m.t('conditions.fact.blocked');
    case 'can-present':
      return m.t('conditions.fact.canPresent', { factors: factorWords(f.factors, m) });
    case 'cannot-present':
      return m.t('conditions.fact.cannotPresent', {
        methods: f.methods.length > 0 ? f.methods.map((x) => methodWords(x, m)).join(m.t('conditions.separator')) : m.t('conditions.fact.noMethods'),
        unusable: f.unusable.length > 0 ? m.t('conditions.fact.unusable', { passkeys: f.unusable.map((u) => unusableWords(u, m)).join(m.t('conditions.fact.unusableSeparator')) }) : '',
        tap: TAP_STATE[f.tap],
      });
    case 'compliant-phone':
      return m.t('conditions.fact.compliantPhone', { name: f.name });
    case 'no-compliant-phone':
      return m.t('conditions.fact.noCompliantPhone');
    case 'hybrid-join-impossible':
      return m.t('conditions.fact.hybridJoin');
    case 'not-approved-app':
      return m.t('conditions.fact.notApprovedApp');
    case 'no-app-protection':
      return m.t('conditions.fact.noAppProtection');
    case 'can-change-password':
      return m.t('conditions.fact.canChangePassword');
    case 'can-accept-terms':
      return m.t('conditions.fact.canAcceptTerms');
    case 'custom-control-unknown':
      return m.t('conditions.fact.customControl');
    case 'unknown-control':
      return m.t('conditions.fact.unknownControl', { name: f.name });
    case 'strength-unreadable':
      return m.t('conditions.fact.strengthUnreadable');
  }
}

const METHOD: Record<'password' | 'authenticator' | 'softwareOath' | 'hardwareOath' | 'email' | 'windowsHello', string> = {
  password: 'conditions.method.password',
  authenticator: 'conditions.method.authenticator',
  softwareOath: 'conditions.method.softwareOath',
  hardwareOath: 'conditions.method.hardwareOath',
  email: 'conditions.method.email',
  windowsHello: 'conditions.method.windowsHello',
};

function methodWords(x: MethodFact, m: Messages): string {
  switch (x.method) {
    case 'phone':
      return m.t('conditions.method.phone', { phoneType: x.phoneType });
    case 'passkey':
      return m.t('conditions.method.passkey', { name: x.name });
    case 'tap':
      return m.t('conditions.method.tap', { state: TAP_STATE[x.state], start: when(x.start, m), end: when(x.end, m), oneTime: x.oneTime ? 'yes' : 'no' });
    default:
      return m.t(METHOD[x.method]);
  }
}

function unusableWords(u: UnusablePasskey, m: Messages): string {
  return u.reason === 'other-platform'
    ? m.t('conditions.unusable.otherPlatform', { name: u.name, platform: platformWord(u.platform, m) })
    : m.t('conditions.unusable.androidProfile', { name: u.name, passkeyProfile: u.passkeyProfile, androidProfile: u.androidProfile });
}
