// What the engine answers (contract: diagnosis.md). The codes are stable identifiers shared by
// tests, cards, tickets and logs.
import type { Evidence } from './evidence';
import type { AndroidProfile, Platform } from './facts';
import type { GrantControlRef } from './grant';
import type { Observed } from './sign-ins';

export const FINDING_CODES = [
  'ca-auth-strength-loop',
  'ca-approved-client-app',
  'ca-register-security-info',
  'ca-other-conditions',
  'passkey-method-disabled',
  'passkey-self-service-disabled',
  'authenticator-aaguid-blocked',
  'passkey-profile-excludes-authenticator',
  'tap-method-disabled',
  'tap-not-yet-valid',
  'tap-expired',
  'tap-used',
  'android-profile-mismatch',
  'bluetooth-restricted',
  'attestation-blocks-cross-device',
  'os-version-unsupported',
  'tap-unavailable-for-guest',
  'no-blocker-found',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const WORKAROUND_CODES = [
  'filter-for-applications',
  'split-mobile-desktop-policies',
  'temporary-access-pass',
  'require-compliant-device',
  'temporary-exemption',
  'satisfy-register-security-info',
  'enable-passkey-method',
  'allow-authenticator-aaguids',
  'register-in-each-profile',
  'allow-bluetooth-for-passkeys',
  'register-in-authenticator-app',
  'update-os',
  'contact-help-desk',
] as const;
export type WorkaroundCode = (typeof WORKAROUND_CODES)[number];
export type Audience = 'user' | 'admin' | 'helpdesk';

/** The remedies the engine checks by applying them to the facts and diagnosing again. */
export const REMEDY_CODES = [
  'temporary-access-pass',
  'temporary-exemption',
  'require-compliant-device',
  'register-in-each-profile',
  'update-os',
] as const;
export type RemedyCode = (typeof REMEDY_CODES)[number];

export interface Finding {
  code: FindingCode;
  /** false = worth knowing, does not by itself stop registration. */
  blocking: boolean;
  /**
   * CA policies (or method configurations such as "Passkey (FIDO2) settings") behind the finding,
   * by id and display name; [] if none. The JSON contract shows them as `policyIds`/`policyNames`.
   */
  policies: PolicyRef[];
  /** Why, as data (diagnosis/evidence.ts); cards/evidence-words.ts words it for cards and the contract's JSON. */
  evidence: Evidence[];
}

export interface Workaround {
  code: WorkaroundCode;
  for: Audience;
  finding: FindingCode;
}

/** A CA policy (or an authentication method configuration) by id and display name. */
export interface PolicyRef {
  id: string;
  name: string;
}

/**
 * Why a CA policy still blocks after a remedy, as a policy engine explains a decision: the
 * policy, the verdict, and the condition or grant control with the value it saw.
 */
export type PolicyStayCause = { kind: 'policy'; policy: PolicyRef } & (
  /** It failed in one of the user's sign-ins although, by the tenant's facts, its grant is met. */
  | { verdict: 'unexplained' }
  /** Its grant is "Block access". */
  | { verdict: 'blocks-access' }
  /**
   * Its grant asks for controls the user cannot present after the remedy: all of them
   * (operator AND, or none listed: "requires") or one of them (OR: "accepts only"). `controls`
   * are the failing ones, distinct; `authenticatorCannot` when every one is an app control
   * (approved client app, app protection policy) Microsoft Authenticator can never satisfy.
   */
  | { verdict: 'requires' | 'accepts-only'; operator: 'AND' | 'OR'; controls: GrantControlRef[]; authenticatorCannot: boolean }
  /** Its grant accepts only the other kind of Temporary Access Pass than the one the tenant issues. */
  | { verdict: 'tap-kind-mismatch'; accepts: TapKind; issued: TapKind }
  /** The exemption group does not lift it: its users condition includes the group, or does not exclude it. */
  | { verdict: 'group-included' | 'group-not-excluded'; condition: 'includeGroups' | 'excludeGroups'; group: string }
);

export type TapKind = 'one-time' | 'multi-use';

/** Why a finding that is not about one CA policy still blocks, with the values its clause names. */
export type FindingStayCause = { kind: 'finding' } & (
  | { code: 'authenticator-aaguid-blocked'; platform: Platform }
  | { code: 'android-profile-mismatch'; passkeyProfile?: AndroidProfile; androidProfile?: AndroidProfile }
  | { code: 'os-version-unsupported'; platform: Platform; osVersion?: number; minVersion: number }
  /** Any other code; `policies` name it where the code has no clause of its own. */
  | { code: Exclude<FindingCode, 'authenticator-aaguid-blocked' | 'android-profile-mismatch' | 'os-version-unsupported'>; policies: PolicyRef[] }
);

/** Why a remedy cannot be applied at all. */
export type CannotApplyCause =
  | { kind: 'cannot-apply'; code: 'tap-unavailable-for-guest'; user: string }
  /** The TAP method is enabled but does not target the user (`upn`), or is disabled. */
  | { kind: 'cannot-apply'; code: 'tap-method-disabled'; method: 'not-targeted' | 'disabled'; upn: string };

/**
 * A clause stored in words by a version before remedies were data (a ticket's check in the
 * store): shown as it was written. The engine never emits it.
 */
export interface StoredTextCause {
  kind: 'stored-text';
  text: string;
}

/** Why a blocker stays after a remedy (cards/remedy-words.ts words it). */
export type StayCause = PolicyStayCause | FindingStayCause | CannotApplyCause | StoredTextCause;

/** A blocking finding that stays after a remedy, with its policies and why it stays. */
export interface RemainingBlocker {
  code: FindingCode;
  policies: PolicyRef[];
  /** Why it stays: one cause per policy, or one for the finding ("'Pilot' accepts only a passkey in Microsoft Authenticator"). */
  causes: StayCause[];
}

/** What a remedy assumed, as data (cards/remedy-words.ts words it). Times are ISO 8601. */
export type RemedyChange =
  | { kind: 'tap'; oneTime: boolean; start: string; end: string; lifetimeMinutes: number }
  /** `user` added to the exemption group `group` (its name), or `already` in it. */
  | { kind: 'exemption'; user: string; group: string; already: boolean }
  /** The phone `deviceName` (name or id) made compliant, or, without it, `user`'s new phone of `platform` enrolled and compliant. */
  | { kind: 'compliant-device'; user: string; platform: Platform; deviceName?: string }
  /** A passkey registered in Authenticator in `profile` too; the one in `passkeyProfile` stays there. */
  | { kind: 'register-in-profile'; profile?: AndroidProfile; passkeyProfile?: AndroidProfile }
  | { kind: 'update-os'; platform: Platform; version: number }
  /** Nothing: the remedy cannot be applied. */
  | { kind: 'none' }
  /** A remedy stored in words before remedies were data: what it assumed and its sentence, as written. */
  | { kind: 'stored-text'; applied: string; why: string };

/** The structured form of a remedy check, for cards and tickets that word it themselves. */
export interface RemedyDetail {
  /** What the engine assumed ("a multi-use Temporary Access Pass valid 2026-10-05 14:00Z to 15:00Z"). */
  change: RemedyChange;
  /** Set when the remedy cannot be applied at all (a guest, the TAP method off for the user). */
  notApplicable?: { code: FindingCode; cause: CannotApplyCause | StoredTextCause };
  /** Blocking policies of the diagnosis that no longer block after the remedy. */
  resolved: PolicyRef[];
  /** Blocking codes of the diagnosis that are gone after the remedy. */
  resolvedCodes: FindingCode[];
  /** Blocking findings after the remedy, most important first (the same order as `remaining`). */
  remaining: RemainingBlocker[];
}

/**
 * One remedy the engine checked (contract: "Remedies (checked by the engine)"). A card or a
 * help-desk action offers it as the fix only when `clears` is true; otherwise it says what remains.
 */
export interface Remedy {
  code: RemedyCode;
  /** Who carries it out: the help desk (TAP, exemption), an admin (compliant device) or the user. */
  for: Audience;
  /** True exactly when no blocking finding remains after the remedy. */
  clears: boolean;
  /** The blocking codes that stay (or the code that prevents the remedy). */
  remaining: FindingCode[];
  /** Their policies (CA policy ids, or method configuration ids such as "TemporaryAccessPass"). */
  policyIdsRemaining: string[];
  /**
   * What was assumed and why it helps or not, as data (not part of the CLI's JSON, whose `why`
   * sentence cards/remedy-words.ts writes from it: "A Temporary Access Pass will not help:
   * 'Pilot' accepts only a passkey in Microsoft Authenticator.").
   */
  detail: RemedyDetail;
}

export interface Diagnosis {
  user: { id: string; userPrincipalName: string; displayName?: string };
  context: {
    platform: 'android' | 'iOS';
    androidProfile?: 'work' | 'personal';
    passkeyProfile?: 'work' | 'personal';
    crossDevice?: boolean;
    bluetoothRestricted?: boolean;
    osVersion?: number;
    at: string;
  };
  findings: Finding[];
  workarounds: Workaround[];
  /** Each remedy that fits the case, checked by re-diagnosing with it applied; [] when nothing blocks. */
  remedies: Remedy[];
  /** What the user's sign-ins show; absent when sign-ins cannot be read (no permission or licence). */
  observed?: Observed;
  escalate: boolean;
}
