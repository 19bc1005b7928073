// The engine's remedy checks in words: what a remedy assumed (RemedyDetail.change), why it helps
// or not (Remedy.why) and why a blocker stays (RemainingBlocker.causes), worded in the reader's
// language through the `remedies` catalogue. The engine keeps them as data (diagnosis/result.ts);
// in English the words are exactly the engine's former sentences. A remedy stored before it was
// data (an old ticket, upgraded on read: diagnosis/evidence.ts) is shown with the English it was
// stored with.
import { upgradeStoredRemedies, type FindingCode, type GrantControlRef, type Platform, type RemainingBlocker, type Remedy, type RemedyChange, type StayCause, type StrengthDescription, type StrengthPart } from '../diagnosis';
import { english, type Messages } from '../i18n';
import { dateTime } from './time-words';

/** Why the remedy helps or not, one sentence for an agent. */
export function remedyWhy(remedy: Remedy, m: Messages = english()): string {
  const d = upgraded(remedy).detail;
  if (d.change.kind === 'stored-text') return d.change.why;
  if (d.notApplicable) return m.t('remedies.why.cannotIssueTap', { reason: causeWords(d.notApplicable.cause, m) });
  const reasons = d.remaining.flatMap((r) => stayReasons(r, m));
  const subject = subjectWords(d.change, m);
  const verb = d.change.kind === 'exemption' ? 'removes' : 'satisfies';
  const policies = m.list(d.resolved.map((p) => quote(p.name, m)));
  if (reasons.length === 0) return d.resolved.length > 0 ? m.t('remedies.why.liftedOnly', { subject, verb, policies }) : m.t('remedies.why.enough', { subject });
  if (d.resolved.length > 0) return m.t('remedies.why.liftedBut', { subject, verb, policies, reasons: m.list(reasons) });
  const joined = reasons.join(m.t('remedies.clauseSeparator'));
  return d.resolvedCodes.length > 0 ? m.t('remedies.why.notEnough', { subject, reasons: joined }) : m.t('remedies.why.willNotHelp', { subject, reasons: joined });
}

/**
 * What the engine assumed. Times: in English without a zone, as the engine wrote them
 * ("2026-10-05 14:00Z"); with a zone, or in any other language, on the reader's clock
 * ("5 Oct, 16:00 CEST"; UTC, said as such, without a zone).
 */
export function remedyApplied(remedy: Remedy, m: Messages = english(), timeZone?: string): string {
  const c = upgraded(remedy).detail.change;
  switch (c.kind) {
    case 'tap': {
      const at = (iso: string) => (timeZone === undefined && m.language === 'en' ? isoWords(iso) : dateTime(iso, timeZone, {}, m.locale));
      return m.t('remedies.applied.tap', { kind: c.oneTime ? 'oneTime' : 'multiUse', start: at(c.start), end: at(c.end), minutes: String(c.lifetimeMinutes) });
    }
    case 'exemption':
      return m.t(c.already ? 'remedies.applied.exemptionAlready' : 'remedies.applied.exemptionAdded', { user: c.user, group: c.group });
    case 'compliant-device':
      return c.deviceName !== undefined ? m.t('remedies.applied.deviceCompliant', { device: c.deviceName }) : m.t('remedies.applied.deviceEnrolled', { user: c.user, platform: platformWord(c.platform) });
    case 'register-in-profile':
      return m.t('remedies.applied.registerInProfile', { profile: c.profile ?? '', passkeyProfile: c.passkeyProfile ?? '' });
    case 'update-os':
      return m.t('remedies.applied.updateOs', { platform: platformWord(c.platform), version: String(c.version) });
    case 'none':
      return m.t('remedies.applied.nothing');
    case 'stored-text':
      return c.applied;
  }
}

/** Why a blocker stays after the remedy: one clause per policy, or one for the finding. */
export function stayReasons(blocker: RemainingBlocker, m: Messages = english()): string[] {
  // A blocker stored in words that did not come through the store's upgrade: its reasons as written.
  if (!Array.isArray(blocker.causes)) return (blocker as { reasons?: string[] }).reasons ?? [];
  return blocker.causes.map((c) => causeWords(c, m));
}

/** A remedy in today's shape: one stored in words that did not come through the store's upgrade is read as stored text. */
const upgraded = (r: Remedy): Remedy => (r.detail?.change ? r : upgradeStoredRemedies([r])[0]);

// ---------------------------------------------------------------------------------------------

/** "2026-10-05 14:00Z" (seconds only when not zero): the engine's former English times. */
function isoWords(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ');
}

const platformWord = (p: Platform): string => (p === 'iOS' ? 'iOS' : 'Android');

const quote = (name: string, m: Messages): string => m.t('remedies.quote', { name });

function subjectWords(c: RemedyChange, m: Messages): string {
  switch (c.kind) {
    case 'tap':
      return m.t('remedies.subject.tap', { kind: c.oneTime ? 'oneTime' : 'multiUse', minutes: String(c.lifetimeMinutes) });
    case 'exemption':
      return c.already ? m.t('remedies.subject.exemptionAlready', { user: c.user, group: c.group }) : m.t('remedies.subject.exemption', { group: c.group });
    case 'compliant-device':
      return m.t('remedies.subject.compliantDevice', { platform: platformWord(c.platform) });
    case 'register-in-profile':
      return m.t('remedies.subject.registerInProfile', { profile: c.profile ?? '' });
    case 'update-os':
      return m.t('remedies.subject.updateOs', { platform: platformWord(c.platform), version: String(c.version) });
    case 'none':
    case 'stored-text':
      return m.t('remedies.applied.nothing');
  }
}

/** The clause of a finding with a sentence of its own (the others name their policies). */
const FINDING: Partial<Record<FindingCode, string>> = {
  'passkey-method-disabled': 'remedies.finding.passkey-method-disabled',
  'passkey-self-service-disabled': 'remedies.finding.passkey-self-service-disabled',
  'authenticator-aaguid-blocked': 'remedies.finding.authenticator-aaguid-blocked',
  'passkey-profile-excludes-authenticator': 'remedies.finding.passkey-profile-excludes-authenticator',
  'tap-method-disabled': 'remedies.finding.tap-method-disabled',
  'tap-not-yet-valid': 'remedies.finding.tap-not-yet-valid',
  'tap-expired': 'remedies.finding.tap-expired',
  'tap-used': 'remedies.finding.tap-used',
  'android-profile-mismatch': 'remedies.finding.android-profile-mismatch',
  'bluetooth-restricted': 'remedies.finding.bluetooth-restricted',
  'attestation-blocks-cross-device': 'remedies.finding.attestation-blocks-cross-device',
  'os-version-unsupported': 'remedies.finding.os-version-unsupported',
  'tap-unavailable-for-guest': 'remedies.finding.tap-unavailable-for-guest',
};

function causeWords(c: StayCause, m: Messages): string {
  switch (c.kind) {
    case 'stored-text':
      return c.text;
    case 'cannot-apply':
      if (c.code === 'tap-unavailable-for-guest') return m.t('remedies.cause.guest', { user: c.user });
      return c.method === 'not-targeted' ? m.t('remedies.cause.tapNotTargeted', { upn: c.upn }) : m.t('remedies.cause.tapDisabled');
    case 'finding': {
      switch (c.code) {
        case 'authenticator-aaguid-blocked':
          return m.t('remedies.finding.authenticator-aaguid-blocked', { platform: platformWord(c.platform) });
        case 'android-profile-mismatch':
          return m.t('remedies.finding.android-profile-mismatch', { passkeyProfile: c.passkeyProfile ?? '', androidProfile: c.androidProfile ?? '' });
        case 'os-version-unsupported':
          return m.t('remedies.finding.os-version-unsupported', { platform: platformWord(c.platform), version: String(c.osVersion), minVersion: String(c.minVersion) });
        default: {
          const key = FINDING[c.code];
          if (key) return m.t(key);
          return m.t('remedies.cause.stillBlocks', { policies: m.list(c.policies.map((p) => quote(p.name, m))) || c.code });
        }
      }
    }
    case 'policy': {
      const policy = c.policy.name;
      switch (c.verdict) {
        case 'unexplained':
          return m.t('remedies.cause.unexplained', { policy });
        case 'blocks-access':
          return m.t('remedies.cause.blocksAccess', { policy });
        case 'tap-kind-mismatch':
          return m.t('remedies.cause.tapKindMismatch', { policy, accepts: c.accepts === 'multi-use' ? 'multiUse' : 'oneTime' });
        case 'group-included':
          return m.t('remedies.cause.groupIncluded', { policy, group: c.group });
        case 'group-not-excluded':
          return m.t('remedies.cause.groupNotExcluded', { policy, group: c.group });
        case 'requires':
        case 'accepts-only': {
          const labels = c.controls.map((x) => controlWords(x, m));
          const controls = c.verdict === 'requires' ? m.list(labels) : m.list(labels, 'disjunction');
          if (c.verdict === 'requires') return m.t(c.authenticatorCannot ? 'remedies.cause.requiresAuthenticatorCannot' : 'remedies.cause.requires', { policy, controls });
          return m.t(c.authenticatorCannot ? 'remedies.cause.acceptsOnlyAuthenticatorCannot' : 'remedies.cause.acceptsOnly', { policy, controls });
        }
      }
    }
  }
}

const BUILT_IN_CONTROL: Record<'block' | 'mfa' | 'compliantDevice' | 'domainJoinedDevice' | 'approvedApplication' | 'compliantApplication' | 'passwordChange', string> = {
  block: 'remedies.control.block',
  mfa: 'remedies.control.mfa',
  compliantDevice: 'remedies.control.compliantDevice',
  domainJoinedDevice: 'remedies.control.domainJoinedDevice',
  approvedApplication: 'remedies.control.approvedApplication',
  compliantApplication: 'remedies.control.compliantApplication',
  passwordChange: 'remedies.control.passwordChange',
};

function controlWords(x: GrantControlRef, m: Messages): string {
  switch (x.control) {
    case 'termsOfUse':
      return m.t('remedies.control.termsOfUse', { id: x.id });
    case 'customControl':
      return m.t('remedies.control.customControl', { id: x.id });
    case 'unknown':
      return x.name;
    case 'authenticationStrength': {
      if (x.source === 'unreadable' || !x.description) return m.t('remedies.control.strengthUnreadable', { id: x.id });
      const description = strengthWords(x.description, m);
      if (x.source === 'inline') return m.t('remedies.control.strengthInline', { name: x.name ?? '', description });
      return startsWithPasskey(x.description) ? m.t('remedies.control.strengthPasskey', { description }) : m.t('remedies.control.strength', { description });
    }
    default:
      return m.t(BUILT_IN_CONTROL[x.control]);
  }
}

function startsWithPasskey(d: StrengthDescription): boolean {
  const first = d.parts[0];
  return !!first && ('passkey' in first || first.factors[0] === 'fido2');
}

function strengthWords(d: StrengthDescription, m: Messages): string {
  const parts = d.parts.map((p) => partWords(p, m)).join(m.t('remedies.strength.separator'));
  return d.more > 0 ? m.t('remedies.strength.more', { parts, n: String(d.more) }) : parts;
}

const FACTOR: Record<string, string> = {
  password: 'remedies.factor.password',
  sms: 'remedies.factor.sms',
  voice: 'remedies.factor.voice',
  microsoftAuthenticatorPush: 'remedies.factor.microsoftAuthenticatorPush',
  softwareOath: 'remedies.factor.softwareOath',
  hardwareOath: 'remedies.factor.hardwareOath',
  fido2: 'remedies.factor.fido2',
  windowsHelloForBusiness: 'remedies.factor.windowsHelloForBusiness',
  x509CertificateMultiFactor: 'remedies.factor.x509CertificateMultiFactor',
  x509CertificateSingleFactor: 'remedies.factor.x509CertificateSingleFactor',
  deviceBasedPush: 'remedies.factor.deviceBasedPush',
  temporaryAccessPassOneTime: 'remedies.factor.temporaryAccessPassOneTime',
  temporaryAccessPassMultiUse: 'remedies.factor.temporaryAccessPassMultiUse',
  federatedMultiFactor: 'remedies.factor.federatedMultiFactor',
  federatedSingleFactor: 'remedies.factor.federatedSingleFactor',
  email: 'remedies.factor.email',
};

function partWords(p: StrengthPart, m: Messages): string {
  if ('factors' in p) return p.factors.map((f) => (Object.hasOwn(FACTOR, f) ? m.t(FACTOR[f]) : f)).join(' + ');
  if (p.passkey === 'authenticator') return m.t('remedies.strength.authenticatorPasskey');
  return m.t('remedies.strength.aaguidPasskey', { aaguids: p.aaguids.join(m.t('remedies.strength.aaguidSeparator')) });
}
