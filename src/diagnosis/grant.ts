// Can the user satisfy a policy's grant controls on this phone, for this sign-in event?
import type { AuthenticationStrengthPolicy, ConditionalAccessPolicy, Fido2CombinationConfiguration } from '@microsoft/microsoft-graph-types';
import { BUILT_IN_STRENGTHS } from './builtin-strengths';
import type { MethodFact, Presentable, TapState, UnusablePasskey } from './credentials';
import { AUTHENTICATOR_AAGUID, odataType } from './facts';
import type { Tri } from './filter-rule';
import type { PreparedTenant } from './prepare';

export type ControlKind = 'block' | 'strength' | 'appProtection' | 'compliantDevice' | 'mfa' | 'other';

/** One allowed combination of an authentication strength, as a card names it. */
export type StrengthPart =
  /** fido2 restricted to Microsoft Authenticator's AAGUIDs. */
  | { passkey: 'authenticator' }
  /** fido2 restricted to other AAGUIDs (lower case; possibly none). */
  | { passkey: 'aaguids'; aaguids: string[] }
  /** The combination's factors as Graph names them ("password,sms" → ["password", "sms"]). */
  | { factors: string[] };

/** An authentication strength's allowed combinations: the first six distinct ones, and how many more. */
export interface StrengthDescription {
  parts: StrengthPart[];
  more: number;
}

/** A grant control as data: which built-in control, or which strength, terms of use or custom control. */
export type GrantControlRef =
  | { control: 'block' | 'mfa' | 'compliantDevice' | 'domainJoinedDevice' | 'approvedApplication' | 'compliantApplication' | 'passwordChange' }
  | {
      control: 'authenticationStrength';
      id: string;
      /**
       * tenant: read with the tenant's strengths; inline: only the policy's own copy of it;
       * unreadable: neither (name and description absent).
       */
      source: 'tenant' | 'inline' | 'unreadable';
      name?: string;
      /** builtIn or custom, as Graph says. */
      policyType?: string;
      description?: StrengthDescription;
    }
  | { control: 'termsOfUse' | 'customControl'; id: string }
  | { control: 'unknown'; name: string };

/** The fact about the user (or the control) that decides a grant control, as data. */
export type ControlFact =
  | { is: 'blocked' }
  /** Can present one allowed combination (its factors as Graph names them). */
  | { is: 'can-present'; factors: string[] }
  /** Cannot present any allowed combination: what the user has registered, passkeys unusable here, and the TAP's state. */
  | { is: 'cannot-present'; methods: MethodFact[]; unusable: UnusablePasskey[]; tap: TapState }
  | { is: 'compliant-phone'; name: string }
  | { is: 'no-compliant-phone' }
  | { is: 'hybrid-join-impossible' }
  | { is: 'not-approved-app' }
  | { is: 'no-app-protection' }
  | { is: 'can-change-password' }
  | { is: 'can-accept-terms' }
  | { is: 'custom-control-unknown' }
  | { is: 'unknown-control'; name: string }
  | { is: 'strength-unreadable' };

export interface ControlResult {
  kind: ControlKind;
  /** The control as data (cards word it). */
  ref: GrantControlRef;
  /** How the control reads on a card, e.g. 'authentication strength "Phishing-resistant MFA"'. */
  label: string;
  satisfied: Tri;
  /** The fact about the user that decides it. */
  why: string;
  /** The same as data (cards word it); absent only when the caller's presentable has no methods as data. */
  fact?: ControlFact;
}

export interface GrantResult {
  satisfied: Tri;
  operator: 'AND' | 'OR';
  controls: ControlResult[];
  /** The controls that are not satisfied (for OR: all of them when the grant fails). */
  failing: ControlResult[];
  /** "require one of: X, Y" — for evidence. */
  summary: string;
  /** Whether a Temporary Access Pass, valid now, would satisfy the grant. */
  acceptsTap: boolean;
}

const MFA = BUILT_IN_STRENGTHS[0];

export function evaluateGrant(policy: ConditionalAccessPolicy, tenant: PreparedTenant, p: Presentable): GrantResult {
  const controls = grantControls(policy, tenant, p);
  const operator = policy.grantControls?.operator === 'AND' ? 'AND' : 'OR';
  const satisfied = combine(operator, controls.map((c) => c.satisfied));
  const failing = controls.filter((c) => c.satisfied !== true);
  const summary =
    controls.length === 0 ? 'no grant controls' : `${operator === 'AND' ? 'require all of' : 'require one of'}: ${controls.map((c) => c.label).join(operator === 'AND' ? ' and ' : ' or ')}`;

  let acceptsTap = satisfied === true;
  if (!acceptsTap) {
    const withTap: Presentable = { ...p, factors: new Set([...p.factors, 'temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse']) };
    acceptsTap = combine(operator, grantControls(policy, tenant, withTap).map((c) => c.satisfied)) === true;
  }
  return { satisfied, operator, controls, failing, summary, acceptsTap };
}

function combine(operator: 'AND' | 'OR', values: Tri[]): Tri {
  if (values.length === 0) return true;
  if (operator === 'OR') return values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false;
  return values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true;
}

function grantControls(policy: ConditionalAccessPolicy, tenant: PreparedTenant, p: Presentable): ControlResult[] {
  const g = policy.grantControls;
  if (!g) return [];
  const out: ControlResult[] = [];
  for (const control of g.builtInControls ?? []) out.push(builtIn(control, p));
  if (g.authenticationStrength) {
    const ref = g.authenticationStrength;
    const strength = tenant.strengthsById.get(ref.id ?? '') ?? (ref.allowedCombinations ? ref : undefined);
    if (!strength) {
      const unreadable: GrantControlRef = { control: 'authenticationStrength', id: ref.id ?? '', source: 'unreadable' };
      out.push({
        kind: 'strength',
        ref: unreadable,
        label: `authentication strength ${ref.id}`,
        satisfied: 'unknown',
        why: 'that authentication strength could not be read',
        fact: { is: 'strength-unreadable' },
      });
    } else {
      const s = strengthSatisfied(strength, p);
      const control: GrantControlRef = {
        control: 'authenticationStrength',
        id: ref.id ?? strength.id ?? '',
        source: tenant.strengthsById.has(ref.id ?? '') ? 'tenant' : 'inline',
        ...(strength.displayName != null ? { name: strength.displayName } : {}),
        ...(strength.policyType != null ? { policyType: strength.policyType } : {}),
        description: strengthDescription(strength),
      };
      out.push({ kind: 'strength', ref: control, label: `authentication strength "${strength.displayName}" (${describeStrength(strength)})`, satisfied: s.ok, why: s.why, fact: s.fact });
    }
  }
  for (const t of g.termsOfUse ?? []) out.push({ kind: 'other', ref: { control: 'termsOfUse', id: t }, label: `terms of use ${t}`, satisfied: true, why: 'the user can accept the terms of use', fact: { is: 'can-accept-terms' } });
  for (const c of g.customAuthenticationFactors ?? []) {
    out.push({ kind: 'other', ref: { control: 'customControl', id: c }, label: `custom control ${c}`, satisfied: 'unknown', why: 'the bot cannot tell whether the user can complete a custom control', fact: { is: 'custom-control-unknown' } });
  }
  return out;
}

function builtIn(control: string, p: Presentable): ControlResult {
  const known = ['block', 'mfa', 'compliantDevice', 'domainJoinedDevice', 'approvedApplication', 'compliantApplication', 'passwordChange'] as const;
  const ref: GrantControlRef = (known as readonly string[]).includes(control) ? { control: control as (typeof known)[number] } : { control: 'unknown', name: control };
  return { ...builtInResult(control, p), ref };
}

function builtInResult(control: string, p: Presentable): Omit<ControlResult, 'ref'> {
  switch (control) {
    case 'block':
      return { kind: 'block', label: 'block access', satisfied: false, why: 'the policy blocks access', fact: { is: 'blocked' } };
    case 'mfa': {
      const s = strengthSatisfied(MFA, p);
      return { kind: 'mfa', label: 'multifactor authentication', satisfied: s.ok, why: s.why, fact: s.fact };
    }
    case 'compliantDevice':
      return p.compliantDeviceName
        ? {
            kind: 'compliantDevice',
            label: 'device marked as compliant',
            satisfied: true,
            why: `the user's phone "${p.compliantDeviceName}" is managed and compliant`,
            fact: { is: 'compliant-phone', name: p.compliantDeviceName },
          }
        : { kind: 'compliantDevice', label: 'device marked as compliant', satisfied: false, why: 'the user has no compliant managed phone of this platform', fact: { is: 'no-compliant-phone' } };
    case 'domainJoinedDevice':
      return { kind: 'compliantDevice', label: 'Microsoft Entra hybrid joined device', satisfied: false, why: 'a phone cannot be hybrid joined', fact: { is: 'hybrid-join-impossible' } };
    case 'approvedApplication':
      return { kind: 'appProtection', label: 'approved client app', satisfied: false, why: 'Microsoft Authenticator is not an approved client app', fact: { is: 'not-approved-app' } };
    case 'compliantApplication':
      return {
        kind: 'appProtection',
        label: 'app protection policy',
        satisfied: false,
        why: 'Microsoft Authenticator does not support Intune app protection policies',
        fact: { is: 'no-app-protection' },
      };
    case 'passwordChange':
      return { kind: 'other', label: 'password change', satisfied: true, why: 'the user can change their password when asked', fact: { is: 'can-change-password' } };
    default:
      return { kind: 'other', label: control, satisfied: 'unknown', why: `the bot does not know the control "${control}"`, fact: { is: 'unknown-control', name: control } };
  }
}

const FACTOR_NAMES: Record<string, string> = {
  password: 'password',
  sms: 'SMS',
  voice: 'voice call',
  microsoftAuthenticatorPush: 'Authenticator notification',
  softwareOath: 'software OATH code',
  hardwareOath: 'hardware OATH code',
  fido2: 'passkey (FIDO2)',
  windowsHelloForBusiness: 'Windows Hello for Business',
  x509CertificateMultiFactor: 'certificate (multifactor)',
  x509CertificateSingleFactor: 'certificate',
  deviceBasedPush: 'passwordless phone sign-in',
  temporaryAccessPassOneTime: 'one-time Temporary Access Pass',
  temporaryAccessPassMultiUse: 'Temporary Access Pass',
  federatedMultiFactor: 'federated MFA',
  federatedSingleFactor: 'federated sign-in',
  email: 'email code',
};

function fido2AllowList(strength: AuthenticationStrengthPolicy, combination: string): string[] | null {
  const config = (strength.combinationConfigurations ?? []).find(
    (c) => odataType(c) === 'fido2CombinationConfiguration' && (c.appliesToCombinations ?? []).includes(combination as never),
  ) as Fido2CombinationConfiguration | undefined;
  return config?.allowedAAGUIDs ? config.allowedAAGUIDs.map((a) => a.toLowerCase()) : null;
}

const AUTHENTICATOR_AAGUIDS: string[] = Object.values(AUTHENTICATOR_AAGUID);

/** A strength's allowed combinations as data, distinct, the first six and a count of the rest. */
export function strengthDescription(strength: AuthenticationStrengthPolicy): StrengthDescription {
  const combos = (strength.allowedCombinations ?? []) as string[];
  const parts = new Map<string, StrengthPart>();
  for (const combo of combos) {
    const part = strengthPart(strength, combo);
    parts.set(englishPart(part), part);
  }
  const unique = [...parts.values()];
  return { parts: unique.slice(0, 6), more: Math.max(0, unique.length - 6) };
}

function strengthPart(strength: AuthenticationStrengthPolicy, combo: string): StrengthPart {
  if (combo === 'fido2') {
    const allow = fido2AllowList(strength, combo);
    if (allow && allow.length > 0 && allow.every((a) => AUTHENTICATOR_AAGUIDS.includes(a))) return { passkey: 'authenticator' };
    if (allow) return { passkey: 'aaguids', aaguids: allow };
  }
  return { factors: combo.split(',') };
}

function englishPart(part: StrengthPart): string {
  if ('factors' in part) return part.factors.map((f) => FACTOR_NAMES[f] ?? f).join(' + ');
  return part.passkey === 'authenticator' ? 'passkey in Microsoft Authenticator' : `passkey with AAGUID ${part.aaguids.join(' or ')}`;
}

export function describeStrength(strength: AuthenticationStrengthPolicy): string {
  const { parts, more } = strengthDescription(strength);
  const words = parts.map(englishPart);
  return more > 0 ? `${words.join(', ')} and ${more} more` : words.join(', ');
}

function strengthSatisfied(strength: AuthenticationStrengthPolicy, p: Presentable): { ok: boolean; why: string; fact?: ControlFact } {
  for (const combo of (strength.allowedCombinations ?? []) as string[]) {
    const factors = combo.split(',');
    const ok = factors.every((f) => {
      if (f === 'fido2') {
        const allow = fido2AllowList(strength, combo);
        return p.fido2.some((k) => !allow || allow.includes(k.aaGuid));
      }
      if (combo === 'sms') return p.factors.has('smsSignIn');
      return p.factors.has(f);
    });
    if (ok) return { ok: true, why: `the user can present ${factors.map((f) => FACTOR_NAMES[f] ?? f).join(' + ')}`, fact: { is: 'can-present', factors } };
  }
  const have = p.methodLabels.length > 0 ? p.methodLabels.join(', ') : 'no methods';
  const unusable = p.unusableFido2.length > 0 ? `; ${p.unusableFido2.join('; ')}` : '';
  const tap = p.tap.state === 'none' ? '; no Temporary Access Pass' : p.tap.state === 'valid' ? '' : `; the Temporary Access Pass is ${p.tap.state.replace(/-/g, ' ')}`;
  return {
    ok: false,
    why: `the user cannot present any allowed combination here (registered: ${have}${unusable}${tap})`,
    ...(p.methods && p.unusable ? { fact: { is: 'cannot-present', methods: p.methods, unusable: p.unusable, tap: p.tap.state } as const } : {}),
  };
}
