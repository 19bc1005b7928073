// A small snapshot builder for the diagnosis engine's unit tests. Everything starts from
// example 01's tenant (Fabrikam: one user "lena" with a password and a mobile phone, FIDO2 and
// TAP enabled for all users, the Authenticator service principal, and the "Passkeys everywhere"
// policy) and a test overrides only what it is about: policies, users, groups, methods, ...
// Pure data in memory; `run` goes through the same snapshot → facts helper as the examples.
import { evidenceWords } from '../../src/cards/evidence-words';
import example01 from '../fixtures/examples/01-registration-loop.json';
import { AUTHENTICATOR_AAGUID, AUTHENTICATOR_APP_ID, diagnose } from '../../src/diagnosis';
import type { Diagnosis, Finding, FindingCode, PolicyEvidence, RegistrationContext, WorkaroundCode } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

 
/** A tenant snapshot (Graph v1.0 shapes, see /work/shared/contracts/tenant-snapshot.md). */
export type Snapshot = any;
export type Json = Record<string, any>;

const base: Snapshot = example01.snapshot;

export const AT = new Date('2026-10-05T14:00:00Z');
export const LENA = 'lena@fabrikam.com';
export const LENA_ID: string = base.users[0].id;
export const LOOP_POLICY_ID: string = base.conditionalAccessPolicies[0].id;
/** Example 01's custom strength "Passkey in Microsoft Authenticator" (fido2 restricted to Authenticator's AAGUIDs). */
export const PASSKEY_IN_AUTHENTICATOR: string = base.authenticationStrengthPolicies[0].id;
export const BUILT_IN = {
  mfa: '00000000-0000-0000-0000-000000000002',
  passwordless: '00000000-0000-0000-0000-000000000003',
  phishingResistant: '00000000-0000-0000-0000-000000000004',
} as const;
export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
} as const;
export const YUBIKEY_AAGUID = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';
export { AUTHENTICATOR_AAGUID, AUTHENTICATOR_APP_ID };

const clone = <T>(x: T): T => structuredClone(x);

// ---------------------------------------------------------------------------------------------
// Conditional Access policies

export interface PolicySpec {
  id: string;
  name?: string;
  state?: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  /** Merged over "All users, no exclusions". */
  users?: Json;
  /** Merged over "All resources, no exclusions, no user actions". */
  applications?: Json;
  platforms?: { include?: string[]; exclude?: string[] };
  clientAppTypes?: string[];
  locations?: { include?: string[]; exclude?: string[] };
  deviceFilter?: { mode: 'include' | 'exclude'; rule: string };
  userRiskLevels?: string[];
  signInRiskLevels?: string[];
  /** Default: example 01's grant (authentication strength "Passkey in Microsoft Authenticator"); null = none. */
  grant?: Json | null;
}

/** A CA policy shaped like example 01's, with the parts a test cares about overridden. */
export function policy(spec: PolicySpec): Json {
  const p = clone(base.conditionalAccessPolicies[0]);
  p.id = spec.id;
  p.displayName = spec.name ?? spec.id;
  p.state = spec.state ?? 'enabled';
  const c = p.conditions;
  c.users = { ...c.users, ...(spec.users ?? {}) };
  c.applications = { ...c.applications, ...(spec.applications ?? {}) };
  if (spec.platforms) c.platforms = { includePlatforms: spec.platforms.include ?? [], excludePlatforms: spec.platforms.exclude ?? [] };
  if (spec.clientAppTypes) c.clientAppTypes = spec.clientAppTypes;
  if (spec.locations) c.locations = { includeLocations: spec.locations.include ?? [], excludeLocations: spec.locations.exclude ?? [] };
  if (spec.deviceFilter) c.devices = { deviceFilter: spec.deviceFilter };
  if (spec.userRiskLevels) c.userRiskLevels = spec.userRiskLevels;
  if (spec.signInRiskLevels) c.signInRiskLevels = spec.signInRiskLevels;
  if (spec.grant !== undefined) p.grantControls = spec.grant;
  return p;
}

/** Grant controls: built-in controls combined with `operator`, optionally an authentication strength. */
export function grant(controls: string[], operator: 'AND' | 'OR' = 'OR', strengthId?: string): Json {
  return {
    operator,
    builtInControls: controls,
    customAuthenticationFactors: [],
    termsOfUse: [],
    authenticationStrength: strengthId ? { id: strengthId } : null,
  };
}
export const strengthGrant = (strengthId: string): Json => grant([], 'OR', strengthId);

/** Example 01's policy: All users, All resources, strength "Passkey in Microsoft Authenticator". */
export const passkeysEverywhere = (overrides: Partial<PolicySpec> = {}): Json =>
  policy({ id: LOOP_POLICY_ID, name: 'Passkeys everywhere', ...overrides });

/** A policy on the "Register security information" user action (and no application). */
export const registerSecurityInfoPolicy = (spec: PolicySpec): Json =>
  policy({ ...spec, applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'], ...(spec.applications ?? {}) } });

// ---------------------------------------------------------------------------------------------
// Authentication strengths

export function customStrength(id: string, name: string, combinations: string[], fido2AllowedAaguids?: string[]): Json {
  return {
    id,
    displayName: name,
    description: 'Custom strength',
    policyType: 'custom',
    requirementsSatisfied: 'mfa',
    allowedCombinations: combinations,
    combinationConfigurations: fido2AllowedAaguids
      ? [
          {
            '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
            id: `${id}-fido2`,
            appliesToCombinations: ['fido2'],
            allowedAAGUIDs: fido2AllowedAaguids,
          },
        ]
      : [],
  };
}
export const TAP_OR_PASSKEY = 'tap-or-passkey';
/** The seed's mobile strength: TAP or a passkey in Authenticator (example 02). */
export const tapOrPasskeyStrength = (): Json =>
  customStrength(TAP_OR_PASSKEY, 'TAP or passkey in Authenticator', ['fido2', 'temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse'], [
    AUTHENTICATOR_AAGUID.iOS,
    AUTHENTICATOR_AAGUID.android,
  ]);

// ---------------------------------------------------------------------------------------------
// Users and their methods

export const password = (): Json => ({ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: 'pw', createdDateTime: '2025-01-01T00:00:00Z' });
export const mobilePhone = (): Json => ({
  '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
  id: 'phone',
  phoneNumber: '+1 2065550100',
  phoneType: 'mobile',
  smsSignInState: 'notAllowedByPolicy',
});
export function passkey(aaGuid: string, label: string, id = `fido2-${label}`): Json {
  return { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id, displayName: label, aaGuid, model: label, attestationLevel: 'attested', createdDateTime: '2026-05-02T10:00:00Z' };
}
export const authenticatorPasskey = (platform: 'android' | 'iOS'): Json =>
  passkey(AUTHENTICATOR_AAGUID[platform], `Microsoft Authenticator - ${platform === 'iOS' ? 'iOS' : 'Android'}`);
export const securityKey = (): Json => passkey(YUBIKEY_AAGUID, 'YubiKey 5 NFC');

export interface TapSpec {
  start: Date;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  methodUsabilityReason?: string;
}
export function tap(spec: TapSpec): Json {
  return {
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    id: 'tap',
    temporaryAccessPass: null,
    createdDateTime: spec.start.toISOString(),
    startDateTime: spec.start.toISOString(),
    lifetimeInMinutes: spec.lifetimeInMinutes ?? 60,
    isUsableOnce: spec.isUsableOnce ?? false,
    isUsable: (spec.methodUsabilityReason ?? 'EnabledByPolicy') === 'EnabledByPolicy',
    methodUsabilityReason: spec.methodUsabilityReason ?? 'EnabledByPolicy',
  };
}
export const minutes = (n: number): number => n * 60_000;
export const shift = (d: Date, ms: number): Date => new Date(d.getTime() + ms);

export function managedPhone(operatingSystem: 'Android' | 'iOS', complianceState: 'compliant' | 'noncompliant' = 'compliant'): Json {
  return {
    id: `device-${operatingSystem}-${complianceState}`,
    deviceName: `${operatingSystem} phone (${complianceState})`,
    operatingSystem,
    osVersion: operatingSystem === 'iOS' ? '17.5' : '14',
    complianceState,
    managedDeviceOwnerType: 'company',
    managementState: 'managed',
  };
}

/** Lena from example 01 (password + mobile phone), with overrides. */
export function lena(overrides: Json = {}): Json {
  return { ...clone(base.users[0]), ...overrides };
}
/** Another user of the tenant. */
export function user(upn: string, overrides: Json = {}): Json {
  const name = upn.split('@')[0].replace(/[^a-z0-9]/gi, '-');
  return lena({ id: `user-${name}`, userPrincipalName: upn, displayName: name, mail: upn, ...overrides });
}
export const group = (id: string, displayName: string, members: string[]): Json => ({ id, displayName, members });

// ---------------------------------------------------------------------------------------------
// The tenant

export interface TenantSpec {
  /** Default: example 01's "Passkeys everywhere". */
  policies?: Json[];
  /** Overrides for lena (e.g. { authenticationMethods: [...], managedDevices: [...] }). */
  lena?: Json;
  /** More users. */
  users?: Json[];
  groups?: Json[];
  roleAssignments?: { roleTemplateId: string; principalId: string }[];
  namedLocations?: Json[];
  /** Custom strengths, added to example 01's. */
  strengths?: Json[];
  /** Merged over example 01's FIDO2 (passkey) method configuration. */
  fido2?: Json;
  /** Merged over example 01's Temporary Access Pass method configuration. */
  tapMethod?: Json;
  /** Merged over the Authenticator service principal; null = the tenant has none. */
  servicePrincipal?: Json | null;
}

export function tenant(spec: TenantSpec = {}): Snapshot {
  const s = clone(base);
  if (spec.policies) s.conditionalAccessPolicies = spec.policies;
  s.users = [lena(spec.lena ?? {}), ...(spec.users ?? [])];
  s.groups = spec.groups ?? [];
  s.roleAssignments = spec.roleAssignments ?? [];
  s.namedLocations = spec.namedLocations ?? [];
  s.authenticationStrengthPolicies = [...s.authenticationStrengthPolicies, ...(spec.strengths ?? [])];
  const configs: Json[] = s.authenticationMethodsPolicy.authenticationMethodConfigurations;
  const merge = (type: string, patch: Json | undefined) => {
    const i = configs.findIndex((c) => c['@odata.type'] === `#microsoft.graph.${type}`);
    if (patch) configs[i] = { ...configs[i], ...patch };
  };
  merge('fido2AuthenticationMethodConfiguration', spec.fido2);
  merge('temporaryAccessPassAuthenticationMethodConfiguration', spec.tapMethod);
  if (spec.servicePrincipal === null) s.servicePrincipals = [];
  else if (spec.servicePrincipal) s.servicePrincipals = [{ ...s.servicePrincipals[0], ...spec.servicePrincipal }];
  return s;
}

/** Diagnoses `who` (default lena) on Android at AT, unless the context says otherwise. */
export function run(snapshot: Snapshot, context: Partial<RegistrationContext> = {}, who = LENA): Diagnosis {
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, who), { platform: 'android', at: AT, ...context });
}

// ---------------------------------------------------------------------------------------------
// Reading a diagnosis

export const codes = (d: Diagnosis): FindingCode[] => d.findings.map((f) => f.code);
export const blockingCodes = (d: Diagnosis): FindingCode[] => d.findings.filter((f) => f.blocking).map((f) => f.code);
/** The CA findings (blocking or not) — what a policy did to this registration. */
export const caCodes = (d: Diagnosis): FindingCode[] => d.findings.filter((f) => f.code.startsWith('ca-')).map((f) => f.code);
export function finding(d: Diagnosis, code: FindingCode): Finding {
  const f = d.findings.find((x) => x.code === code);
  if (!f) throw new Error(`no ${code} finding; got ${JSON.stringify(d.findings.map((x) => [x.code, x.blocking]))}`);
  return f;
}
export const evidence = (d: Diagnosis, code: FindingCode): string => evidenceWords(finding(d, code)).join(' ');
/** The structured evidence of a finding's policies (kind 'policy'). */
export const policyEvidence = (f: Finding): PolicyEvidence[] => f.evidence.filter((e): e is PolicyEvidence => e.kind === 'policy');
/** The clauses of the conditions a policy's evidence holds with this verdict. */
export const clauses = (e: PolicyEvidence, verdict: 'match' | 'unknown' = 'match'): string => e.conditions.filter((c) => c.verdict === verdict).map((c) => `${c.condition}: ${c.clause}`).join('; ');
export const workaroundCodes = (d: Diagnosis): WorkaroundCode[] => d.workarounds.map((w) => w.code);
