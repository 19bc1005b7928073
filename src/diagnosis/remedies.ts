// The remedies the engine checks (contract: diagnosis.md, "Remedies (checked by the engine)").
// Each remedy that fits the case is applied to the facts — a pure function facts → facts — and
// the user is diagnosed again at the same `at`. `clears` is true exactly when no blocking finding
// remains. Nothing here does I/O or reads a clock.
//
// Conditional Access What If: its verdicts were given for the facts as they were. A remedy keeps
// them for the policies whose applicability its change cannot affect (a TAP, a newer OS or a
// passkey in the current profile changes what the user can present, not whom or what a policy
// targets) and evaluates locally the policies it can affect: for the exemption, those whose
// users condition names the exemption group or a group it is nested in; for the compliant phone,
// those with a device filter (What If is not told about the device). Sign-ins: a policy that
// failed in one of the user's sign-ins is known to apply to them, and that is carried over for the
// policies the remedy cannot affect (whether it still blocks is decided by its grant after the
// remedy); the failures themselves are not (sign-ins before the remedy say nothing about after it).
import type { AuthenticationMethod, ConditionalAccessPolicy, Fido2AuthenticationMethod, ManagedDevice } from '@microsoft/microsoft-graph-types';
import type { SignInEvent } from './applicability';
import { isTargeted } from './credentials';
import type { DiagnoseOptions, Evaluation, PolicyBlock, WhatIfVerdicts } from './diagnose';
import {
  AUTHENTICATOR_AAGUID,
  MIN_OS_VERSION,
  odataType,
  type ExemptionGroup,
  type RegistrationContext,
  type TargetedMethodConfiguration,
  type TenantFacts,
  type UserFacts,
} from './facts';
import type { GrantControlRef } from './grant';
import { prepareTenant, prepareUser, type PreparedTenant } from './prepare';
import type {
  Audience,
  CannotApplyCause,
  Finding,
  FindingStayCause,
  PolicyRef,
  PolicyStayCause,
  RemainingBlocker,
  Remedy,
  RemedyChange,
  RemedyCode,
  RemedyDetail,
  StayCause,
} from './result';

/** The facts and options of the diagnosis the remedies start from. */
export interface RemedyInput {
  tenantFacts: TenantFacts;
  userFacts: UserFacts;
  context: RegistrationContext;
  options: DiagnoseOptions;
}

/** Diagnoses without remedies (diagnose.ts passes its own, so this module imports no engine code). */
export type Evaluate = (tenantFacts: TenantFacts, userFacts: UserFacts, context: RegistrationContext, options: DiagnoseOptions) => Evaluation;

/** What a remedy changes in the facts. */
interface Change {
  userFacts: UserFacts;
  context: RegistrationContext;
  /** Policies whose What If verdict the change may make wrong: evaluated locally instead. */
  stale?: (policy: ConditionalAccessPolicy) => boolean;
  /** What the engine assumed. */
  change: RemedyChange;
}

/** A policy's verdict after a remedy, without the policy (PolicyStayCause). */
type PolicyStay = PolicyStayCause extends infer C ? (C extends PolicyStayCause ? Omit<C, 'kind' | 'policy'> : never) : never;

/** Why a CA policy still blocks after the remedy. */
type PolicyCause = (block: PolicyBlock) => PolicyStay;

interface Case {
  base: Evaluation;
  input: RemedyInput;
  evaluate: Evaluate;
  tenant: PreparedTenant;
  userName: string;
}

const TAP_TYPE = 'temporaryAccessPassAuthenticationMethod';
const TAP_DEFAULTS = { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60 };

/**
 * Checks each remedy that fits the diagnosis `base` (none when nothing blocks), in the contract's
 * order: temporary-access-pass, temporary-exemption, require-compliant-device,
 * register-in-each-profile, update-os.
 */
export function checkRemedies(base: Evaluation, input: RemedyInput, evaluate: Evaluate): Remedy[] {
  const { findings } = base.diagnosis;
  const blocking = findings.filter((f) => f.blocking);
  if (blocking.length === 0) return [];
  const c: Case = { base, input, evaluate, tenant: prepareTenant(input.tenantFacts), userName: prepareUser(input.userFacts).name };
  const out: Remedy[] = [temporaryAccessPass(c)];
  const group = input.options.exemptionGroup;
  if (group && blocking.some((f) => f.code.startsWith('ca-'))) out.push(temporaryExemption(c, group));
  if (base.blocks.some((b) => b.blocking && namesDeviceOrAppControl(b))) out.push(requireCompliantDevice(c));
  if (findings.some((f) => f.code === 'android-profile-mismatch')) out.push(registerInEachProfile(c));
  if (findings.some((f) => f.code === 'os-version-unsupported')) out.push(updateOs(c));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The remedies

/** A TAP from `at`, with the tenant's default lifetime and one-time setting, replacing any other. */
function temporaryAccessPass(c: Case): Remedy {
  const { userFacts, context } = c.input;
  const user = prepareUser(userFacts);
  const config = c.tenant.tap;
  const configId = config?.id ?? 'TemporaryAccessPass';
  if (user.isGuest) {
    const cause: CannotApplyCause = { kind: 'cannot-apply', code: 'tap-unavailable-for-guest', user: c.userName };
    return notApplicable('temporary-access-pass', 'helpdesk', [], cause);
  }
  if (!isTargeted(config, user)) {
    const cause: CannotApplyCause = { kind: 'cannot-apply', code: 'tap-method-disabled', method: config?.state === 'enabled' ? 'not-targeted' : 'disabled', upn: user.upn };
    return notApplicable('temporary-access-pass', 'helpdesk', [{ id: configId, name: 'Temporary Access Pass settings' }], cause);
  }
  const { lifetime, oneTime } = tapSettings(config);
  const end = new Date(context.at.getTime() + lifetime * 60_000);
  const at = context.at.toISOString();
  const pass = {
    '@odata.type': `#microsoft.graph.${TAP_TYPE}`,
    id: 'remedy-temporary-access-pass',
    temporaryAccessPass: null,
    createdDateTime: at,
    startDateTime: at,
    lifetimeInMinutes: lifetime,
    isUsableOnce: oneTime,
    isUsable: true,
    methodUsabilityReason: 'EnabledByPolicy',
  } as AuthenticationMethod;
  // Graph holds one TAP per user: the help desk deletes the old one before creating the new one.
  const methods = [...userFacts.methods.filter((m) => odataType(m) !== TAP_TYPE), pass];
  const kind = oneTime ? 'temporaryAccessPassOneTime' : 'temporaryAccessPassMultiUse';
  const otherKind = oneTime ? 'temporaryAccessPassMultiUse' : 'temporaryAccessPassOneTime';
  return check(c, 'temporary-access-pass', 'helpdesk', {
    userFacts: { ...userFacts, methods },
    context,
    change: { kind: 'tap', oneTime, start: at, end: end.toISOString(), lifetimeMinutes: lifetime },
  }, (b) => {
    const combos = strengthCombinations(b, c.tenant);
    if (combos.includes(otherKind) && !combos.includes(kind)) {
      return { verdict: 'tap-kind-mismatch', accepts: oneTime ? 'multi-use' : 'one-time', issued: oneTime ? 'one-time' : 'multi-use' };
    }
    return requirementCause(b);
  });
}

/** The user added to the help desk's exemption group (and so to every group it is nested in). */
function temporaryExemption(c: Case, group: ExemptionGroup): Remedy {
  const { userFacts, context } = c.input;
  const added = new Set([group.id, ...(group.memberOfGroupIds ?? [])]);
  const already = userFacts.groupIds.includes(group.id);
  const names = (policy: ConditionalAccessPolicy, key: 'includeGroups' | 'excludeGroups') => (policy.conditions?.users?.[key] ?? []).some((id) => added.has(id));
  return check(c, 'temporary-exemption', 'helpdesk', {
    userFacts: {
      ...userFacts,
      groupIds: [...new Set([...userFacts.groupIds, ...added])],
      ...(userFacts.directGroupIds ? { directGroupIds: [...new Set([...userFacts.directGroupIds, group.id])] } : {}),
      groupNames: { ...(userFacts.groupNames ?? {}), [group.id]: group.displayName ?? group.id },
    },
    context,
    stale: (policy) => names(policy, 'includeGroups') || names(policy, 'excludeGroups'),
    change: { kind: 'exemption', user: c.userName, group: group.displayName ?? group.id, already },
  }, (b) =>
    names(b.policy, 'includeGroups')
      ? { verdict: 'group-included', condition: 'includeGroups', group: group.displayName ?? group.id }
      : { verdict: 'group-not-excluded', condition: 'excludeGroups', group: group.displayName ?? group.id },
  );
}

/** The user's phone on this platform Intune-managed and compliant. */
function requireCompliantDevice(c: Case): Remedy {
  const { userFacts, context } = c.input;
  const os = context.platform === 'iOS' ? 'iOS' : 'Android';
  const pattern = context.platform === 'iOS' ? /^(ios|ipados)$/i : /^android/i;
  const index = userFacts.managedDevices.findIndex((d) => pattern.test(d.operatingSystem ?? ''));
  const phone: ManagedDevice = {
    id: 'remedy-compliant-phone',
    deviceName: `${c.userName}'s ${context.platform === 'iOS' ? 'iPhone' : 'Android phone'}`,
    operatingSystem: os,
    complianceState: 'compliant',
    managementAgent: 'mdm',
  };
  const managedDevices =
    index >= 0 ? userFacts.managedDevices.map((d, i) => (i === index ? { ...d, complianceState: 'compliant' as const } : d)) : [...userFacts.managedDevices, phone];
  return check(c, 'require-compliant-device', 'admin', {
    userFacts: { ...userFacts, managedDevices },
    context,
    stale: (policy) => !!policy.conditions?.devices?.deviceFilter,
    change: {
      kind: 'compliant-device',
      user: c.userName,
      platform: context.platform,
      ...(index >= 0 ? { deviceName: userFacts.managedDevices[index].deviceName ?? userFacts.managedDevices[index].id ?? '' } : {}),
    },
  }, requirementCause);
}

/** A passkey registered in Authenticator in the Android profile the user is in now. */
function registerInEachProfile(c: Case): Remedy {
  const { userFacts, context } = c.input;
  const own = AUTHENTICATOR_AAGUID[context.platform];
  // The existing passkey stays in the other profile: it cannot be used to sign in here, so the
  // registration in this profile must pass Conditional Access without it.
  const methods = userFacts.methods.filter((m) => !(odataType(m) === 'fido2AuthenticationMethod' && ((m as Fido2AuthenticationMethod).aaGuid ?? '').toLowerCase() === own));
  return check(c, 'register-in-each-profile', 'user', {
    userFacts: { ...userFacts, methods },
    context: { ...context, passkeyProfile: context.androidProfile },
    change: {
      kind: 'register-in-profile',
      ...(context.androidProfile ? { profile: context.androidProfile } : {}),
      ...(context.passkeyProfile ? { passkeyProfile: context.passkeyProfile } : {}),
    },
  }, requirementCause);
}

/** The phone updated to the oldest OS with passkeys in Authenticator. */
function updateOs(c: Case): Remedy {
  const { userFacts, context } = c.input;
  const min = MIN_OS_VERSION[context.platform];
  return check(c, 'update-os', 'user', {
    userFacts,
    context: { ...context, osVersion: min },
    change: { kind: 'update-os', platform: context.platform, version: min },
  }, requirementCause);
}

// ---------------------------------------------------------------------------------------------
// Applying a change and reading the result

function check(c: Case, code: RemedyCode, audience: Audience, change: Change, policyCause: PolicyCause): Remedy {
  const { input, base } = c;
  const observedApplications = base.observedApplications.filter((o) => !change.stale?.(o.policy));
  const options: DiagnoseOptions = {
    whatIf: withoutStale(input.options.whatIf, change.stale, c.tenant.policies),
    ...(input.options.whatIfUnavailable ? { whatIfUnavailable: input.options.whatIfUnavailable } : {}),
    ...(observedApplications.length ? { observedApplications } : {}),
  };
  const after = c.evaluate(input.tenantFacts, change.userFacts, change.context, options);

  const before = base.diagnosis.findings.filter((f) => f.blocking);
  const still = after.diagnosis.findings.filter((f) => f.blocking);
  const stillCa = new Set(after.blocks.filter((b) => b.blocking).map((b) => b.policy.id ?? ''));
  const resolved = uniqueRefs(base.blocks.filter((b) => b.blocking).map((b) => policyRef(b.policy))).filter((p) => !stillCa.has(p.id));
  const stillCodes = new Set(still.map((f) => f.code));
  const resolvedCodes = [...new Set(before.map((f) => f.code))].filter((code) => !stillCodes.has(code));
  const remaining: RemainingBlocker[] = still.map((f) => ({
    code: f.code,
    policies: f.policies,
    causes: causesFor(f, after, policyCause, change.context),
  }));
  const detail: RemedyDetail = { change: change.change, resolved, resolvedCodes, remaining };
  return {
    code,
    for: audience,
    clears: remaining.length === 0,
    remaining: remaining.map((r) => r.code),
    policyIdsRemaining: [...new Set(remaining.flatMap((r) => r.policies.map((p) => p.id)))],
    detail,
  };
}

function notApplicable(code: RemedyCode, audience: Audience, policies: PolicyRef[], cause: CannotApplyCause): Remedy {
  const finding = cause.code;
  return {
    code,
    for: audience,
    clears: false,
    remaining: [finding],
    policyIdsRemaining: policies.map((p) => p.id),
    detail: {
      change: { kind: 'none' },
      notApplicable: { code: finding, cause },
      resolved: [],
      resolvedCodes: [],
      remaining: [{ code: finding, policies, causes: [cause] }],
    },
  };
}

/** Why a finding still blocks: one cause per CA policy, or one for the finding. */
function causesFor(f: Finding, after: Evaluation, policyCause: PolicyCause, context: RegistrationContext): StayCause[] {
  if (f.code.startsWith('ca-')) {
    const blocks = after.blocks.filter((b) => b.blocking && b.code === f.code);
    if (blocks.length > 0) {
      return blocks.map((b): PolicyStayCause => ({ kind: 'policy', policy: policyRef(b.policy), ...(b.observed?.unexplained ? { verdict: 'unexplained' } : policyCause(b)) }));
    }
  }
  return [findingCause(f, context)];
}

function findingCause(f: Finding, context: RegistrationContext): FindingStayCause {
  switch (f.code) {
    case 'authenticator-aaguid-blocked':
      return { kind: 'finding', code: f.code, platform: context.platform };
    case 'android-profile-mismatch':
      return {
        kind: 'finding',
        code: f.code,
        ...(context.passkeyProfile ? { passkeyProfile: context.passkeyProfile } : {}),
        ...(context.androidProfile ? { androidProfile: context.androidProfile } : {}),
      };
    case 'os-version-unsupported':
      return { kind: 'finding', code: f.code, platform: context.platform, ...(context.osVersion !== undefined ? { osVersion: context.osVersion } : {}), minVersion: MIN_OS_VERSION[context.platform] };
    default:
      return { kind: 'finding', code: f.code, policies: f.policies };
  }
}

/** What a blocking policy's grant still asks for: the failing controls, distinct, and how the grant combines them. */
function requirementCause(b: PolicyBlock): PolicyStay {
  const failing = b.grant.failing;
  if (failing.some((x) => x.kind === 'block')) return { verdict: 'blocks-access' };
  const controls = new Map<string, GrantControlRef>();
  for (const x of failing) controls.set(JSON.stringify(x.ref), x.ref);
  const verdict = b.grant.operator === 'AND' || controls.size === 0 ? 'requires' : 'accepts-only';
  return { verdict, operator: b.grant.operator, controls: [...controls.values()], authenticatorCannot: failing.length > 0 && failing.every((x) => x.kind === 'appProtection') };
}

function strengthCombinations(b: PolicyBlock, tenant: PreparedTenant): string[] {
  const ref = b.policy.grantControls?.authenticationStrength;
  const strength = ref ? (tenant.strengthsById.get(ref.id ?? '') ?? ref) : undefined;
  const mfa = (b.policy.grantControls?.builtInControls ?? []).includes('mfa') ? ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse'] : [];
  return [...((strength?.allowedCombinations ?? []) as string[]), ...mfa];
}

function namesDeviceOrAppControl(b: PolicyBlock): boolean {
  const controls = b.policy.grantControls?.builtInControls ?? [];
  return controls.some((x) => x === 'compliantDevice' || x === 'approvedApplication' || x === 'compliantApplication');
}

function tapSettings(config: TargetedMethodConfiguration | null): { lifetime: number; oneTime: boolean } {
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const min = num(config?.minimumLifetimeInMinutes, TAP_DEFAULTS.minimumLifetimeInMinutes);
  const max = num(config?.maximumLifetimeInMinutes, TAP_DEFAULTS.maximumLifetimeInMinutes);
  const lifetime = Math.min(max, Math.max(min, num(config?.defaultLifetimeInMinutes, TAP_DEFAULTS.defaultLifetimeInMinutes)));
  return { lifetime, oneTime: config?.isUsableOnce === true };
}

function withoutStale(
  whatIf: DiagnoseOptions['whatIf'],
  stale: Change['stale'],
  policies: ConditionalAccessPolicy[],
): DiagnoseOptions['whatIf'] {
  if (!whatIf || !stale) return whatIf;
  const ids = new Set(policies.filter(stale).map((p) => p.id ?? ''));
  if (ids.size === 0) return whatIf;
  const out: Partial<Record<SignInEvent, WhatIfVerdicts>> = {};
  for (const [event, verdicts] of Object.entries(whatIf) as [SignInEvent, WhatIfVerdicts][]) {
    out[event] = new Map([...verdicts].filter(([id]) => !ids.has(id)));
  }
  return out;
}

const policyRef = (p: ConditionalAccessPolicy): PolicyRef => ({ id: p.id ?? '', name: p.displayName ?? p.id ?? '' });

function uniqueRefs(refs: PolicyRef[]): PolicyRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.id) && !!seen.add(r.id));
}

