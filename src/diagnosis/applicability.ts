// Does a Conditional Access policy apply to one sign-in event? Three answers: yes, no, or
// "maybe" when the policy depends on something the context cannot tell (risk, location, device
// attributes) — with the reason, so the card can say so instead of guessing.
import type { ConditionalAccessPolicy, ManagedDevice, NamedLocation } from '@microsoft/microsoft-graph-types';
import { customSecurityAttributeLookup, evaluateRule, FilterRuleError, parseRule, type AttributeLookup, type Tri } from './filter-rule';
import { AUTHENTICATOR_APP_ID, REGISTER_SECURITY_INFO_ACTION, type RegistrationContext } from './facts';
import { roleName, type PreparedTenant, type PreparedUser } from './prepare';

/** The two sign-in events a passkey registration in Authenticator goes through. */
export type SignInEvent = 'authenticator-sign-in' | 'register-security-info';

export const EVENT_LABEL: Record<SignInEvent, string> = {
  'authenticator-sign-in': 'the Microsoft Authenticator sign-in',
  'register-security-info': 'the "Register security information" user action',
};

/**
 * The conditions of a policy, named as Conditional Access What If names them in
 * `whatIfAnalysisResult.analysisReasons` (Graph v1.0 `whatIfAnalysisReasons`).
 */
export type ConditionName =
  | 'users'
  | 'workloadIdentities'
  | 'application'
  | 'userActions'
  | 'devicePlatform'
  | 'clientApps'
  | 'location'
  | 'devices'
  | 'signInRisk'
  | 'userRisk'
  | 'insiderRisk'
  | 'authenticationFlow';

/** One condition of a policy as the engine decided it for this user and event (for evidence). */
export interface ConditionEvidence {
  condition: ConditionName;
  verdict: 'match' | 'unknown';
  /** The condition's clause, as `matched`/`unknowns` state it (shared with the tenant audit). */
  clause: string;
}

export interface Applicability {
  applies: Tri;
  /** Each condition that matched or cannot be decided, in the order checked (`matched` and `unknowns` as data). */
  conditions?: ConditionEvidence[];
  /** Why it applies: one short clause per condition that matched. */
  matched: string[];
  /** Why it may apply: what the context cannot tell. */
  unknowns: string[];
  /** When it does not apply: the first condition that rules it out. */
  notMet?: ConditionName;
  /** When it may apply: the conditions that cannot be decided, in the order checked. */
  undecided?: ConditionName[];
}

/**
 * The attributes of the phone, as filters for devices see them: known from the tenant (the user's
 * Intune-managed phone of this platform), or Microsoft's rule for a device it does not know
 * (every attribute null). Without it, only the operating system is known (from the platform).
 */
export interface DeviceAttributes {
  lookup: AttributeLookup;
  /** Where the attributes come from, for evidence. */
  source: string;
}

/**
 * Sign-in conditions given explicitly (Conditional Access What If's signInConditions); the bot
 * itself never knows them, so without them risk and authentication-flow conditions are unknown.
 */
export interface SuppliedConditions {
  signInRiskLevel?: string;
  userRiskLevel?: string;
  insiderRiskLevel?: string;
  authenticationFlow?: string;
}

const not = (condition: ConditionName): Applicability => ({ applies: false, matched: [], unknowns: [], notMet: condition });

export function applicability(
  policy: ConditionalAccessPolicy,
  event: SignInEvent,
  tenant: PreparedTenant,
  user: PreparedUser,
  context: RegistrationContext,
  device?: DeviceAttributes,
  supplied: SuppliedConditions = {},
): Applicability {
  const c = policy.conditions;
  if (!c) return not('users');
  // Workload-identity policies (clientApplications) never apply to a user's sign-in.
  if ((c.clientApplications?.includeServicePrincipals?.length ?? 0) > 0) return not('workloadIdentities');

  const matched: string[] = [];
  const unknowns: string[] = [];
  const undecided: ConditionName[] = [];
  const conditions: ConditionEvidence[] = [];
  const unknown = (condition: ConditionName, text: string) => {
    unknowns.push(text);
    conditions.push({ condition, verdict: 'unknown', clause: text });
    if (!undecided.includes(condition)) undecided.push(condition);
  };
  const match = (condition: ConditionName, text: string) => {
    matched.push(text);
    conditions.push({ condition, verdict: 'match', clause: text });
  };

  const users = usersClause(policy, user);
  if (!users) return not('users');
  match('users', users);

  const resourceUnknowns: string[] = [];
  const resources = resourcesClause(policy, event, tenant, resourceUnknowns);
  if (resources === false) return not(event === 'register-security-info' ? 'userActions' : 'application');
  match(event === 'register-security-info' ? 'userActions' : 'application', resources);
  for (const text of resourceUnknowns) unknown('application', text);

  const platforms = c.platforms;
  if (platforms) {
    const include = (platforms.includePlatforms ?? []) as string[];
    const exclude = (platforms.excludePlatforms ?? []) as string[];
    const p = context.platform.toLowerCase();
    const has = (list: string[]) => list.some((x) => x.toLowerCase() === p || x === 'all');
    if (include.length > 0 && !has(include)) return not('devicePlatform');
    if (exclude.some((x) => x.toLowerCase() === p || x === 'all')) return not('devicePlatform');
    match('devicePlatform', `platforms: ${include.join(', ') || 'any'}${exclude.length ? ` (excluding ${exclude.join(', ')})` : ''}`);
  }

  const clientApps = (c.clientAppTypes ?? []) as string[];
  if (clientApps.length > 0 && !clientApps.includes('all') && !clientApps.includes('mobileAppsAndDesktopClients')) return not('clientApps');

  const location = locationClause(policy, tenant.namedLocationsById, context);
  if (location.applies === false) return not('location');
  if (location.applies === 'unknown') unknown('location', location.text);
  else if (location.text) match('location', location.text);

  const devices = deviceFilterClause(policy, context, device);
  if (devices.applies === false) return not('devices');
  if (devices.applies === 'unknown') unknown('devices', devices.text);
  else if (devices.text) match('devices', devices.text);

  const risks: [ConditionName, string, string[], string | undefined][] = [
    ['userRisk', 'user risk', (c.userRiskLevels ?? []) as string[], supplied.userRiskLevel],
    ['signInRisk', 'sign-in risk', (c.signInRiskLevels ?? []) as string[], supplied.signInRiskLevel],
    ['insiderRisk', 'insider risk', c.insiderRiskLevels ? String(c.insiderRiskLevels).split(',').map((x) => x.trim()) : [], supplied.insiderRiskLevel],
  ];
  for (const [condition, label, levels, given] of risks) {
    if (levels.length === 0) continue;
    if (given === undefined) unknown(condition, `it only applies at ${label} ${levels.join('/')}, which the bot cannot see`);
    else if (levels.some((l) => l.toLowerCase() === given.toLowerCase())) match(condition, `${label}: ${given}`);
    else return not(condition);
  }

  // Device code flow / authentication transfer: the bot cannot tell how the user signed in.
  const transfer = String(c.authenticationFlows?.transferMethods ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x && x !== 'none' && x !== 'unknownFutureValue');
  if (transfer.length > 0) {
    if (supplied.authenticationFlow === undefined) unknown('authenticationFlow', `it only applies to sign-ins through ${transfer.join(' or ')}, which the bot cannot tell`);
    else if (transfer.some((t) => t.toLowerCase() === supplied.authenticationFlow!.toLowerCase())) match('authenticationFlow', `authentication flow: ${supplied.authenticationFlow}`);
    else return not('authenticationFlow');
  }

  return unknowns.length > 0 ? { applies: 'unknown', matched, unknowns, undecided, conditions } : { applies: true, matched, unknowns, conditions };
}

function usersClause(policy: ConditionalAccessPolicy, user: PreparedUser): string | null {
  const u = policy.conditions?.users;
  if (!u) return null;
  const include = u.includeUsers ?? [];
  let why: string | null = null;
  if (include.includes('All')) why = 'all users';
  else if (include.includes(user.id)) why = `the user ${user.upn} by name`;
  else if (include.includes('GuestsOrExternalUsers') && user.guestType) why = 'guests and external users';
  if (!why) {
    const g = (u.includeGroups ?? []).find((id) => user.groupIds.has(id));
    if (g) why = `group ${user.groupName(g)}${user.isDirectMember(g) ? '' : ' (through a nested group)'}`;
  }
  if (!why) {
    const r = (u.includeRoles ?? []).find((id) => user.roleTemplateIds.has(id));
    if (r) why = `directory role ${roleName(r)}`;
  }
  if (!why && guestTypesMatch(u.includeGuestsOrExternalUsers?.guestOrExternalUserTypes, user)) why = 'guest or external user type';
  if (!why) return null;

  // Exclusions always win over inclusions.
  if ((u.excludeUsers ?? []).includes(user.id)) return null;
  if ((u.excludeUsers ?? []).includes('GuestsOrExternalUsers') && user.guestType) return null;
  if ((u.excludeGroups ?? []).some((id) => user.groupIds.has(id))) return null;
  if ((u.excludeRoles ?? []).some((id) => user.roleTemplateIds.has(id))) return null;
  if (guestTypesMatch(u.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes, user)) return null;
  return `users: ${why}`;
}

function guestTypesMatch(types: string | undefined, user: PreparedUser): boolean {
  if (!types || !user.guestType) return false;
  return types.split(',').map((t) => t.trim()).includes(user.guestType);
}

function resourcesClause(
  policy: ConditionalAccessPolicy,
  event: SignInEvent,
  tenant: PreparedTenant,
  unknowns: string[],
): string | false {
  const a = policy.conditions?.applications;
  if (!a) return false;
  if (event === 'register-security-info') {
    return (a.includeUserActions ?? []).some((x) => x.toLowerCase() === REGISTER_SECURITY_INFO_ACTION)
      ? 'user action: Register security information'
      : false;
  }
  const include = a.includeApplications ?? [];
  if ((a.excludeApplications ?? []).includes(AUTHENTICATOR_APP_ID)) return false;
  let why: string | false = false;
  if (include.includes('All')) why = 'All resources';
  else if (include.includes(AUTHENTICATOR_APP_ID)) why = 'the Microsoft Authenticator app by id';

  const filter = a.applicationFilter;
  if (filter?.rule) {
    // A tenant without a service principal for Authenticator gets one, with no attributes, at the
    // first sign-in: like a service principal with no attributes, it does not match.
    const sp = tenant.authenticatorServicePrincipal;
    const lookup = customSecurityAttributeLookup(sp?.customSecurityAttributes as Record<string, unknown> | null | undefined, {
      unreadable: tenant.facts.customSecurityAttributesUnreadable === true,
    });
    let match: Tri;
    try {
      match = evaluateRule(parseRule(filter.rule), lookup);
    } catch (e) {
      if (!(e instanceof FilterRuleError)) throw e;
      match = 'unknown';
    }
    const rule = `filter for applications (${filter.mode}) "${filter.rule}"`;
    if (filter.mode === 'exclude') {
      if (match === true) return false;
      if (match === 'unknown' && why) unknowns.push(`${rule} may exclude Microsoft Authenticator (its attributes are not readable)`);
    } else if (filter.mode === 'include') {
      if (match === true) why = `${rule} matches Microsoft Authenticator`;
      else if (match === 'unknown' && !why) {
        unknowns.push(`${rule} may include Microsoft Authenticator (its attributes are not readable)`);
        why = rule;
      }
    }
  }
  return why ? `resources: ${why}` : false;
}

function locationClause(
  policy: ConditionalAccessPolicy,
  locations: Map<string, NamedLocation>,
  context: RegistrationContext,
): { applies: Tri; text: string } {
  const l = policy.conditions?.locations;
  if (!l) return { applies: true, text: '' };
  const include = l.includeLocations ?? [];
  const exclude = l.excludeLocations ?? [];
  const name = (id: string) =>
    id === 'All' ? 'any location' : id === 'AllTrusted' ? 'all trusted locations' : `"${locations.get(id)?.displayName ?? id}"`;
  const inLocation = (id: string): Tri => {
    if (id === 'All') return true;
    if (id === 'AllTrusted') {
      if (context.trustedLocation !== undefined) return context.trustedLocation;
      if (context.namedLocationIds) return context.namedLocationIds.some((l) => (locations.get(l) as { isTrusted?: boolean } | undefined)?.isTrusted === true);
      return 'unknown';
    }
    if (context.namedLocationIds) return context.namedLocationIds.includes(id);
    return 'unknown';
  };
  const anyOf = (ids: string[]): Tri => {
    let result: Tri = false;
    for (const id of ids) {
      const v = inLocation(id);
      if (v === true) return true;
      if (v === 'unknown') result = 'unknown';
    }
    return result;
  };
  const inc = include.length === 0 ? true : anyOf(include);
  const exc = anyOf(exclude);
  const text = `locations: ${include.map(name).join(', ') || 'any'}${exclude.length ? ` excluding ${exclude.map(name).join(', ')}` : ''}`;
  if (inc === false || exc === true) return { applies: false, text };
  if (inc === 'unknown' || exc === 'unknown') return { applies: 'unknown', text: `it depends on where the user is (${text})` };
  return { applies: true, text: include.length || exclude.length ? text : '' };
}

function deviceFilterClause(
  policy: ConditionalAccessPolicy,
  context: RegistrationContext,
  device: DeviceAttributes | undefined,
): { applies: Tri; text: string } {
  const filter = policy.conditions?.devices?.deviceFilter;
  if (!filter?.rule) return { applies: true, text: '' };
  const os = context.platform === 'iOS' ? 'iOS' : 'Android';
  const lookup: AttributeLookup =
    device?.lookup ??
    ((name) => {
      const attr = name.toLowerCase().replace(/^device\./, '');
      if (attr === 'operatingsystem') return os;
      // Other device attributes (compliance, trust type, model, extension attributes) belong to a
      // device we cannot identify from the chat.
      return undefined;
    });
  let match: Tri;
  try {
    match = evaluateRule(parseRule(filter.rule), lookup);
  } catch (e) {
    if (!(e instanceof FilterRuleError)) throw e;
    match = 'unknown';
  }
  const applies: Tri = match === 'unknown' ? 'unknown' : filter.mode === 'exclude' ? !match : match;
  const text = `device filter (${filter.mode}) "${filter.rule}"${device && applies !== 'unknown' ? ` (${device.source})` : ''}`;
  return { applies, text: applies === 'unknown' ? `${text} depends on attributes of the phone the bot cannot see${device ? ` (${device.source})` : ''}` : text };
}

/**
 * The phone's attributes for filters for devices, from the user's Intune-managed devices of this
 * platform: compliance (`inGracePeriod` counts as compliant) and ownership are facts the tenant
 * holds. With no managed phone, Microsoft's rule for a device it does not know applies: every
 * attribute is null, so a positive operator (-eq, -contains, -startsWith, -endsWith, -in) never
 * matches and a negative one (-ne, -notContains, -notStartsWith, -notEndsWith, -notIn) does.
 */
export function phoneAttributes(managedDevices: readonly ManagedDevice[], platform: RegistrationContext['platform']): DeviceAttributes {
  const pattern = platform === 'iOS' ? /^(ios|ipados)$/i : /^android/i;
  const phones = managedDevices.filter((d) => pattern.test(d.operatingSystem ?? ''));
  const os = platform === 'iOS' ? 'iOS' : 'Android';
  if (phones.length === 0) {
    return { lookup: () => null, source: `${os}: the user has no Intune-managed ${os} phone, so the phone has no device attributes` };
  }
  // Several managed phones of this platform: an attribute is known only where they all agree.
  const agreed = (values: (string | boolean | undefined)[]): string | boolean | undefined =>
    values.every((v) => v !== undefined && v === values[0]) ? values[0] : undefined;
  const attributes: Record<string, string | boolean | undefined> = {
    operatingsystem: os,
    iscompliant: agreed(phones.map((d) => compliance(d.complianceState))),
    deviceownership: agreed(phones.map((d) => ownership(d.managedDeviceOwnerType))),
  };
  const names = phones.map((d) => `"${d.deviceName ?? d.id ?? 'managed phone'}"`).join(', ');
  const shown = [`isCompliant ${attributes.iscompliant ?? 'unknown'}`, `deviceOwnership ${attributes.deviceownership ?? 'unknown'}`].join(', ');
  return {
    lookup: (name) => attributes[name.toLowerCase().replace(/^device\./, '')],
    source: `the Intune-managed ${os} phone${phones.length > 1 ? 's' : ''} ${names}: ${shown}`,
  };
}

function compliance(state: string | null | undefined): boolean | undefined {
  if (state === 'compliant' || state === 'inGracePeriod') return true;
  if (state === 'noncompliant' || state === 'conflict' || state === 'error') return false;
  return undefined;
}

function ownership(owner: string | null | undefined): string | undefined {
  if (owner === 'company') return 'Company';
  if (owner === 'personal') return 'Personal';
  return undefined;
}
