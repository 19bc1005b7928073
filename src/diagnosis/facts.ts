// The plain data the diagnosis engine reasons over. The Graph layer (src/graph) builds these
// from Graph responses; tests and benchmarks can build them directly. No I/O here.
import type {
  AuthenticationMethod,
  AuthenticationMethodConfiguration,
  AuthenticationMethodTarget,
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  Fido2AuthenticationMethodConfiguration,
  Fido2KeyRestrictions,
  ManagedDevice,
  NamedLocation,
  ServicePrincipal,
  User,
} from '@microsoft/microsoft-graph-types';

export const AUTHENTICATOR_APP_ID = '4813382a-8fa7-425e-ab75-3b753aab3abb';
export const AUTHENTICATOR_AAGUID = {
  iOS: '90a3ccdf-635c-4729-a248-9b709135078f',
  android: 'de1e552d-db1d-4423-a619-566b625cdc84',
} as const;
export const REGISTER_SECURITY_INFO_ACTION = 'urn:user:registersecurityinfo';
/** "My Sign-ins" (mysignins.microsoft.com), where security information is registered. */
export const MY_SIGN_INS_APP_ID = '19db86c3-b2b9-44cc-b339-36da233a3be2';

export type Platform = 'android' | 'iOS';
/** The oldest OS major version with passkeys in Microsoft Authenticator, per platform. */
export const MIN_OS_VERSION: Readonly<Record<Platform, number>> = { android: 14, iOS: 17 };
export type AndroidProfile = 'work' | 'personal';

/** Passkey profiles (Graph v1.0, newer than @microsoft/microsoft-graph-types 2.x). */
export interface PasskeyProfile {
  id: string;
  name?: string;
  /** Comma-separated: "deviceBound", "synced" or "deviceBound,synced". */
  passkeyTypes?: string;
  attestationEnforcement?: 'disabled' | 'registrationOnly' | string;
  keyRestrictions?: Fido2KeyRestrictions | null;
}
export interface Fido2Target extends AuthenticationMethodTarget {
  allowedPasskeyProfiles?: string[];
}
export interface Fido2MethodConfiguration extends Fido2AuthenticationMethodConfiguration {
  passkeyProfiles?: PasskeyProfile[] | null;
  defaultPasskeyProfile?: string | null;
  includeTargets?: Fido2Target[] | null;
}
export interface TargetedMethodConfiguration extends AuthenticationMethodConfiguration {
  includeTargets?: AuthenticationMethodTarget[] | null;
  [key: string]: unknown;
}

/** Facts that are the same for every user of the tenant (cached by the Graph layer). */
export interface TenantFacts {
  tenantId: string;
  conditionalAccessPolicies: ConditionalAccessPolicy[];
  namedLocations: NamedLocation[];
  /** Built-in and custom strengths, by id. */
  authenticationStrengths: AuthenticationStrengthPolicy[];
  /** authenticationMethodsPolicy.authenticationMethodConfigurations, with @odata.type. */
  methodConfigurations: TargetedMethodConfiguration[];
  /** The Microsoft Authenticator service principal (for application filters); null if the tenant has none. */
  authenticatorServicePrincipal: ServicePrincipal | null;
  /**
   * True only when the facts were read without the permission to read custom security attributes
   * (a snapshot or export says so): application filters on attributes are then "may apply".
   * Otherwise `customSecurityAttributes` null, {} or absent means no attribute is assigned.
   */
  customSecurityAttributesUnreadable?: boolean;
}

/** Facts about one user. */
export interface UserFacts {
  user: User;
  /** Ids of every group the user is a member of, directly or through nested groups. */
  groupIds: string[];
  /** Ids of the groups the user is a direct member of, when known (for "through a nested group"). */
  directGroupIds?: string[];
  /** Display names of those groups, by id, when known (for evidence). */
  groupNames?: Record<string, string>;
  /** roleTemplateIds of the directory roles the user holds (directly or through a group). */
  roleTemplateIds: string[];
  /** /users/{id}/authentication/methods, with @odata.type. */
  methods: AuthenticationMethod[];
  managedDevices: ManagedDevice[];
}

/** What the user told us (or the CLI flags) about the attempt. */
export interface RegistrationContext {
  platform: Platform;
  /** The Android profile the user is in now. */
  androidProfile?: AndroidProfile;
  /** Where the user's existing passkey was created, when they say so. */
  passkeyProfile?: AndroidProfile;
  /** Signing in on another device with the phone's passkey (QR + Bluetooth). */
  crossDevice?: boolean;
  bluetoothRestricted?: boolean;
  /** Major OS version of the phone, when known. */
  osVersion?: number;
  /** Evaluation time (TAP windows depend on it). */
  at: Date;
  /** Named location ids the user is in, when known (e.g. "on the office network"). */
  namedLocationIds?: string[];
  /** Whether the user is on a trusted location, when known. */
  trustedLocation?: boolean;
}

/** A policy's outcome in one sign-in (signIn.appliedConditionalAccessPolicies). */
export interface AppliedPolicyFact {
  id: string;
  displayName?: string;
  /** appliedConditionalAccessPolicyResult: success, failure, notApplied, notEnabled, reportOnlyFailure, ... */
  result: string;
  enforcedGrantControls?: string[];
}

/** One sign-in from the sign-in log (GET /auditLogs/signIns, v1.0), reduced to what the engine reads. */
export interface SignInFact {
  id: string;
  /** ISO time the sign-in started. */
  createdDateTime: string;
  userId?: string;
  appId?: string;
  appDisplayName?: string;
  correlationId?: string;
  /** status.errorCode: 0 = success. */
  errorCode: number;
  failureReason?: string;
  policies: AppliedPolicyFact[];
}

/**
 * The group the help desk adds a user to for a time-boxed exemption (the bot's EXEMPTION_GROUP_ID).
 * With it, the engine checks the `temporary-exemption` remedy.
 */
export interface ExemptionGroup {
  id: string;
  displayName?: string;
  /**
   * The groups the exemption group is itself a member of, directly or through nesting: a user
   * added to it becomes a member of these too (a policy excluding one of them excludes the user).
   */
  memberOfGroupIds?: string[];
}

/** The `@odata.type` of a polymorphic Graph item, without the "#microsoft.graph." prefix. */
export function odataType(item: object): string {
  const t = (item as { '@odata.type'?: unknown })['@odata.type'];
  return typeof t === 'string' ? t.replace(/^#microsoft\.graph\./i, '') : '';
}
