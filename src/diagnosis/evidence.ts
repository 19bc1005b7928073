// The evidence of a finding as data, like the decision of a policy engine: which policy, which
// event, each condition with its verdict, the grant and what fails in it, where the verdict came
// from. The engine emits only this; the card layer (cards/evidence-words.ts) words it.
import type { ConditionEvidence, SignInEvent } from './applicability';
import type { ControlFact, ControlKind, GrantControlRef } from './grant';
import type { MethodFact, TapState } from './credentials';
import type { Platform } from './facts';
import type { PolicyRef } from './result';

export type { ConditionDetail, ConditionEvidence, DeviceOrigin, LocationRef } from './applicability';
export type { ControlFact } from './grant';
export type { MethodFact, TapState, UnusablePasskey } from './credentials';

/** Conditional Access What If answered "not applied" only for conditions the bot did not supply. */
export interface WhatIfUnknown {
  condition: 'what-if';
  /** Its analysisReasons as given ("location", "location,devices" or ""). */
  analysisReasons: string;
  /** The same, one by one. */
  reasons: string[];
}


/** A policy's grant: its controls, how they combine, and the ones the user cannot satisfy. */
export interface GrantEvidence {
  operator: 'AND' | 'OR';
  satisfied: boolean | 'unknown';
  /** ref: the control as data (absent in evidence stored before it). */
  controls: { kind: ControlKind; label: string; ref?: GrantControlRef }[];
  /** The failing controls with the fact about the user that decides each (ref, fact: as data; absent in evidence stored before them). */
  failing: { kind: ControlKind; label: string; why: string; ref?: GrantControlRef; fact?: ControlFact }[];
}

/** Where applicability came from: What If, the local evaluator, or the local one because What If was not usable. */
export type ApplicabilitySource = 'what-if' | 'local' | { unavailable: string };

/** A sign-in from the user's log, as evidence names it. */
export interface SignInRefEvidence {
  id: string;
  correlationId?: string;
  createdDateTime: string;
  appId?: string;
  appDisplayName?: string;
  errorCode: number;
}

/** A CA policy predicted to apply (or to possibly apply) with a grant the user cannot (surely) satisfy. */
export interface PolicyEvidence {
  kind: 'policy';
  policy: PolicyRef;
  state: 'enabled' | 'report-only';
  event: SignInEvent;
  platform: Platform;
  verdict: 'applies' | 'may-apply';
  conditions: ConditionEvidence[];
  /** What If's "not applied" that rests on conditions the bot did not supply (the policy may apply). */
  whatIf?: WhatIfUnknown;
  grant: GrantEvidence;
  source: ApplicabilitySource;
  /** A report-only failure of this policy seen in a sign-in. */
  reportOnlyFailure?: SignInRefEvidence;
}

/** A CA policy a sign-in showed failing: it applies, whatever the prediction said. */
export interface ObservedPolicyEvidence {
  kind: 'observed-policy';
  policy: PolicyRef;
  /** Its state now (a policy disabled or set to report-only since no longer blocks). */
  state: 'enabled' | 'disabled' | 'report-only';
  event: SignInEvent;
  platform: Platform;
  /** The newest failed sign-in, and how many earlier ones failed too. */
  signIn: SignInRefEvidence;
  earlier: number;
  grant: GrantEvidence;
  /** By the tenant's facts the user can satisfy the grant, yet it failed. */
  unexplained: boolean;
  /**
   * In the diagnosis the sign-ins were read for: the prediction before them ([]: not predicted
   * to block). Absent in a remedy's re-diagnosis, which carries the application over.
   */
  predicted?: PolicyEvidence[];
  reportOnlyFailure?: SignInRefEvidence;
}

/** A report-only policy that reported a failure in a sign-in and was not otherwise a finding. */
export interface ReportOnlyFailureEvidence {
  kind: 'report-only-failure';
  policy: PolicyRef;
  signIn: SignInRefEvidence;
}

/** Where passkey settings live: the legacy (global) FIDO2 settings or a passkey profile. */
export type PasskeySettingsRef = { legacy: true } | { profile: string };

/** A group or all users, as a method's targets name them. */
export type TargetRef = 'all-users' | { group: string };

/** The authentication methods policy's say on a passkey in Authenticator. */
export type MethodEvidence = { kind: 'method' } & (
  | { issue: 'no-fido2-configuration' }
  | { issue: 'fido2-disabled' }
  | { issue: 'user-excluded'; upn: string; through: 'user' | { group: string } }
  | { issue: 'user-not-targeted'; upn: string; targets: TargetRef[] }
  | { issue: 'self-service-disabled' }
  | { issue: 'no-device-bound-profile'; upn: string; profiles: string[] }
  | {
      issue: 'aaguid-not-allowed';
      platform: Platform;
      aaguid: string;
      settings: PasskeySettingsRef[];
      restrictions: { enforcementType: 'allow' | 'block'; aaGuids: string[] }[];
    }
  | { issue: 'attestation-enforced'; settings: PasskeySettingsRef[] }
);

/** The user's Temporary Access Pass cannot be used now. */
export interface TapEvidence {
  kind: 'tap';
  state: Exclude<TapState, 'none' | 'valid'>;
  start: string | null;
  end: string | null;
  at: string;
}

/** A TAP would satisfy the blocking policy, but the TAP method does not let the user have one. */
export interface TapMethodEvidence {
  kind: 'tap-method';
  reason: { notTargeted: string } | 'disabled';
}

export interface GuestEvidence {
  kind: 'guest';
  upn: string;
}

export interface AndroidProfileEvidence {
  kind: 'android-profile';
  passkeyProfile: 'work' | 'personal';
  androidProfile: 'work' | 'personal';
}

export interface BluetoothEvidence {
  kind: 'bluetooth';
}

export interface OsVersionEvidence {
  kind: 'os-version';
  platform: Platform;
  osVersion: number;
}

/** What was checked when nothing blocks. */
export type NothingFoundEvidence = { kind: 'nothing-found' } & (
  | { checked: 'conditional-access'; policies: number; platform: Platform; upn: string }
  | { checked: 'passkey-settings' }
  /** methods: as the engine words them; methodFacts: the same as data (absent in evidence stored before it). */
  | { checked: 'registered-methods'; methods: string[]; methodFacts?: MethodFact[] }
  | { checked: 'tap-valid'; until: string | null }
);

/**
 * Evidence stored in words by a version before evidence was data (a ticket's diagnosis in the
 * store): shown as it was written. The engine never emits it.
 */
export interface StoredTextEvidence {
  kind: 'stored-text';
  text: string;
}

export type Evidence =
  | StoredTextEvidence
  | PolicyEvidence
  | ObservedPolicyEvidence
  | ReportOnlyFailureEvidence
  | MethodEvidence
  | TapEvidence
  | TapMethodEvidence
  | GuestEvidence
  | AndroidProfileEvidence
  | BluetoothEvidence
  | OsVersionEvidence
  | NothingFoundEvidence;

/**
 * A diagnosis as a version before `policies` and structured evidence stored it (a ticket written
 * before the change): its findings' `policyIds`/`policyNames` become `policies`, its evidence
 * strings `stored-text` items. A diagnosis already in today's shape is returned as it is.
 */
export function upgradeStoredDiagnosis<D extends { findings: unknown[] }>(d: D): D {
  const findings = d.findings.map((raw) => {
    const f = raw as { policies?: unknown; policyIds?: string[]; policyNames?: string[]; evidence?: unknown[] };
    const old = f.policies === undefined || (f.evidence ?? []).some((e) => typeof e === 'string');
    if (!old) return raw;
    const { policyIds, policyNames, ...rest } = f;
    return {
      ...rest,
      policies: f.policies ?? (policyIds ?? []).map((id, i) => ({ id, name: policyNames?.[i] ?? id })),
      evidence: (f.evidence ?? []).map((e) => (typeof e === 'string' ? { kind: 'stored-text', text: e } : e)),
    };
  });
  return findings.every((f, i) => f === d.findings[i]) ? d : { ...d, findings };
}
