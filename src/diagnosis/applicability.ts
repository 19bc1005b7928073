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
  /** What the clause states, as data (cards word it in the reader's language); absent in evidence stored before it. */
  detail?: ConditionDetail;
}

/** A location a location condition names. */
export type LocationRef = { location: 'all' } | { location: 'allTrusted' } | { location: 'named'; name: string };

/** Where a phone's device attributes come from: the user's Intune-managed phones of this platform (none: no attributes). */
export interface DeviceOrigin {
  os: 'iOS' | 'Android';
  /** The managed phones' names (empty: the user has none). */
  phones: string[];
  /** The attribute values the phones agree on, as filters see them ('unknown' where they do not). */
  isCompliant: 'true' | 'false' | 'unknown';
  deviceOwnership: 'Company' | 'Personal' | 'unknown';
}

/**
 * What a condition's clause states, as data. `match` conditions state why the policy applies,
 * `unknown` ones what the bot cannot tell.
 */
export type ConditionDetail =
  | { is: 'users'; via: 'all' | 'guests' | 'guestType' }
  | { is: 'users'; via: 'user'; upn: string }
  | { is: 'users'; via: 'group'; name: string; nested: boolean }
  | { is: 'users'; via: 'role'; name: string }
  | { is: 'userAction' }
  | { is: 'resources'; via: 'all' | 'authenticator' }
  /** Included through a filter for applications: it matches Authenticator, or may (attributes unreadable). */
  | { is: 'resources'; via: 'filter'; mode: string; rule: string; match: true | 'unknown' }
  /** A filter for applications that may exclude or include Authenticator (its attributes are not readable). */
  | { is: 'resourceFilter'; mode: string; rule: string; may: 'exclude' | 'include' }
  | { is: 'platforms'; include: string[]; exclude: string[] }
  /** depends: the bot cannot tell where the user is. */
  | { is: 'locations'; include: LocationRef[]; exclude: LocationRef[]; depends: boolean }
  /** depends: the filter needs attributes of the phone the bot cannot see; device: where the phone's attributes came from. */
  | { is: 'deviceFilter'; mode: string; rule: string; depends: boolean; device?: DeviceOrigin }
  /** given: the level supplied (match); without it the bot cannot see the risk (unknown). */
  | { is: 'risk'; risk: 'user' | 'signIn' | 'insider'; levels: string[]; given?: string }
  /** given: the flow supplied (match); without it the bot cannot tell the flow (unknown). */
  | { is: 'authenticationFlow'; transfers: string[]; given?: string };

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
  /** The same as data, when they come from the user's managed phones. */
  origin?: DeviceOrigin;
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
  const unknown = (condition: ConditionName, text: string, detail?: ConditionDetail) => {
    unknowns.push(text);
    conditions.push({ condition, verdict: 'unknown', clause: text, ...(detail ? { detail } : {}) });
    if (!undecided.includes(condition)) undecided.push(condition);
  };
  const match = (condition: ConditionName, text: string, detail?: ConditionDetail) => {
    matched.push(text);
    conditions.push({ condition, verdict: 'match', clause: text, ...(detail ? { detail } : {}) });
  };

  const users = usersClause(policy, user);
  if (!users) return not('users');
  match('users', users.text, users.detail);

  const resourceUnknowns: Clause[] = [];
  const resources = resourcesClause(policy, event, tenant, resourceUnknowns);
  if (resources === false) return not(event === 'register-security-info' ? 'userActions' : 'application');
  match(event === 'register-security-info' ? 'userActions' : 'application', resources.text, resources.detail);
  for (const u of resourceUnknowns) unknown('application', u.text, u.detail);

  const platforms = c.platforms;
  if (platforms) {
    const include = (platforms.includePlatforms ?? []) as string[];
    const exclude = (platforms.excludePlatforms ?? []) as string[];
    const p = context.platform.toLowerCase();
    const has = (list: string[]) => list.some((x) => x.toLowerCase() === p || x === 'all');
    if (include.length > 0 && !has(include)) return not('devicePlatform');
    if (exclude.some((x) => x.toLowerCase() === p || x === 'all')) return not('devicePlatform');
    match('devicePlatform', `platforms: ${include.join(', ') || 'any'}${exclude.length ? ` (excluding ${exclude.join(', ')})` : ''}`, { is: 'platforms', include, exclude });
  }

  const clientApps = (c.clientAppTypes ?? []) as string[];
  if (clientApps.length > 0 && !clientApps.includes('all') && !clientApps.includes('mobileAppsAndDesktopClients')) return not('clientApps');

  const location = locationClause(policy, tenant.namedLocationsById, context);
  if (location.applies === false) return not('location');
  if (location.applies === 'unknown') unknown('location', location.text, location.detail);
  else if (location.text) match('location', location.text, location.detail);

  const devices = deviceFilterClause(policy, context, device);
  if (devices.applies === false) return not('devices');
  if (devices.applies === 'unknown') unknown('devices', devices.text, devices.detail);
  else if (devices.text) match('devices', devices.text, devices.detail);

  const risks: [ConditionName, 'user' | 'signIn' | 'insider', string, string[], string | undefined][] = [
    ['userRisk', 'user', 'user risk', (c.userRiskLevels ?? []) as string[], supplied.userRiskLevel],
    ['signInRisk', 'signIn', 'sign-in risk', (c.signInRiskLevels ?? []) as string[], supplied.signInRiskLevel],
    ['insiderRisk', 'insider', 'insider risk', c.insiderRiskLevels ? String(c.insiderRiskLevels).split(',').map((x) => x.trim()) : [], supplied.insiderRiskLevel],
  ];
  for (const [condition, risk, label, levels, given] of risks) {
    if (levels.length === 0) continue;
    if (given === undefined) unknown(condition, `it only applies at ${label} ${levels.join('/')}, which the bot cannot see`, { is: 'risk', risk, levels });
    else if (levels.some((l) => l.toLowerCase() === given.toLowerCase())) match(condition, `${label}: ${given}`, { is: 'risk', risk, levels, given });
    else return not(condition);
  }

  // Device code flow / authentication transfer: the bot cannot tell how the user signed in.
  const transfer = String(c.authenticationFlows?.transferMethods ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x && x !== 'none' && x !== 'unknownFutureValue');
  if (transfer.length > 0) {
    if (supplied.authenticationFlow === undefined) {
      unknown('authenticationFlow', `it only applies to sign-ins through ${transfer.join(' or ')}, which the bot cannot tell`, { is: 'authenticationFlow', transfers: transfer });
    } else if (transfer.some((t) => t.toLowerCase() === supplied.authenticationFlow!.toLowerCase())) {
      match('authenticationFlow', `authentication flow: ${supplied.authenticationFlow}`, { is: 'authenticationFlow', transfers: transfer, given: supplied.authenticationFlow });
    }
    else return not('authenticationFlow');
  }

  return unknowns.length > 0 ? { applies: 'unknown', matched, unknowns, undecided, conditions } : { applies: true, matched, unknowns, conditions };
}

/** A clause in English and what it states as data. */
interface Clause {
  text: string;
  detail?: ConditionDetail;
}

function usersClause(policy: ConditionalAccessPolicy, user: PreparedUser): Clause | null {
  const u = policy.conditions?.users;
  if (!u) return null;
  const include = u.includeUsers ?? [];
  let why: string | null = null;
  let detail: ConditionDetail | undefined;
  if (include.includes('All')) [why, detail] = ['all users', { is: 'users', via: 'all' }];
  else if (include.includes(user.id)) [why, detail] = [`the user ${user.upn} by name`, { is: 'users', via: 'user', upn: user.upn }];
  else if (include.includes('GuestsOrExternalUsers') && user.guestType) [why, detail] = ['guests and external users', { is: 'users', via: 'guests' }];
  if (!why) {
    const g = (u.includeGroups ?? []).find((id) => user.groupIds.has(id));
    if (g) {
      const quoted = user.groupName(g);
      const nested = !user.isDirectMember(g);
      [why, detail] = [`group ${quoted}${nested ? ' (through a nested group)' : ''}`, { is: 'users', via: 'group', name: unquoted(quoted), nested }];
    }
  }
  if (!why) {
    const r = (u.includeRoles ?? []).find((id) => user.roleTemplateIds.has(id));
    if (r) [why, detail] = [`directory role ${roleName(r)}`, { is: 'users', via: 'role', name: unquoted(roleName(r)) }];
  }
  if (!why && guestTypesMatch(u.includeGuestsOrExternalUsers?.guestOrExternalUserTypes, user)) [why, detail] = ['guest or external user type', { is: 'users', via: 'guestType' }];
  if (!why) return null;

  // Exclusions always win over inclusions.
  if ((u.excludeUsers ?? []).includes(user.id)) return null;
  if ((u.excludeUsers ?? []).includes('GuestsOrExternalUsers') && user.guestType) return null;
  if ((u.excludeGroups ?? []).some((id) => user.groupIds.has(id))) return null;
  if ((u.excludeRoles ?? []).some((id) => user.roleTemplateIds.has(id))) return null;
  if (guestTypesMatch(u.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes, user)) return null;
  return { text: `users: ${why}`, ...(detail ? { detail } : {}) };
}

/** A group's or role's name without the quotes prepare.ts puts around it. */
const unquoted = (name: string): string => (name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name);

function guestTypesMatch(types: string | undefined, user: PreparedUser): boolean {
  if (!types || !user.guestType) return false;
  return types.split(',').map((t) => t.trim()).includes(user.guestType);
}

function resourcesClause(
  policy: ConditionalAccessPolicy,
  event: SignInEvent,
  tenant: PreparedTenant,
  unknowns: Clause[],
): Clause | false {
  const a = policy.conditions?.applications;
  if (!a) return false;
  if (event === 'register-security-info') {
    return (a.includeUserActions ?? []).some((x) => x.toLowerCase() === REGISTER_SECURITY_INFO_ACTION)
      ? { text: 'user action: Register security information', detail: { is: 'userAction' } }
      : false;
  }
  const include = a.includeApplications ?? [];
  if ((a.excludeApplications ?? []).includes(AUTHENTICATOR_APP_ID)) return false;
  let why: string | false = false;
  let detail: ConditionDetail | undefined;
  if (include.includes('All')) [why, detail] = ['All resources', { is: 'resources', via: 'all' }];
  else if (include.includes(AUTHENTICATOR_APP_ID)) [why, detail] = ['the Microsoft Authenticator app by id', { is: 'resources', via: 'authenticator' }];

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
    const mode = String(filter.mode);
    if (filter.mode === 'exclude') {
      if (match === true) return false;
      if (match === 'unknown' && why) {
        unknowns.push({ text: `${rule} may exclude Microsoft Authenticator (its attributes are not readable)`, detail: { is: 'resourceFilter', mode, rule: filter.rule, may: 'exclude' } });
      }
    } else if (filter.mode === 'include') {
      if (match === true) [why, detail] = [`${rule} matches Microsoft Authenticator`, { is: 'resources', via: 'filter', mode, rule: filter.rule, match: true }];
      else if (match === 'unknown' && !why) {
        unknowns.push({ text: `${rule} may include Microsoft Authenticator (its attributes are not readable)`, detail: { is: 'resourceFilter', mode, rule: filter.rule, may: 'include' } });
        [why, detail] = [rule, { is: 'resources', via: 'filter', mode, rule: filter.rule, match: 'unknown' }];
      }
    }
  }
  return why ? { text: `resources: ${why}`, ...(detail ? { detail } : {}) } : false;
}

function locationClause(
  policy: ConditionalAccessPolicy,
  locations: Map<string, NamedLocation>,
  context: RegistrationContext,
): { applies: Tri; text: string; detail?: ConditionDetail } {
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
  const ref = (id: string): LocationRef =>
    id === 'All' ? { location: 'all' } : id === 'AllTrusted' ? { location: 'allTrusted' } : { location: 'named', name: locations.get(id)?.displayName ?? id };
  const detail = (depends: boolean): ConditionDetail => ({ is: 'locations', include: include.map(ref), exclude: exclude.map(ref), depends });
  if (inc === false || exc === true) return { applies: false, text };
  if (inc === 'unknown' || exc === 'unknown') return { applies: 'unknown', text: `it depends on where the user is (${text})`, detail: detail(true) };
  return { applies: true, text: include.length || exclude.length ? text : '', detail: detail(false) };
}

function deviceFilterClause(
  policy: ConditionalAccessPolicy,
  context: RegistrationContext,
  device: DeviceAttributes | undefined,
): { applies: Tri; text: string; detail?: ConditionDetail } {
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
  // Attributes from elsewhere (the audit's device classes) have no origin as data: the clause stays as written.
  const detail: ConditionDetail | undefined =
    device && !device.origin ? undefined : { is: 'deviceFilter', mode: String(filter.mode), rule: filter.rule, depends: applies === 'unknown', ...(device?.origin ? { device: device.origin } : {}) };
  return {
    applies,
    text: applies === 'unknown' ? `${text} depends on attributes of the phone the bot cannot see${device ? ` (${device.source})` : ''}` : text,
    ...(detail ? { detail } : {}),
  };
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
    return {
      lookup: () => null,
      source: `${os}: the user has no Intune-managed ${os} phone, so the phone has no device attributes`,
      origin: { os, phones: [], isCompliant: 'unknown', deviceOwnership: 'unknown' },
    };
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
    origin: {
      os,
      phones: phones.map((d) => d.deviceName ?? d.id ?? 'managed phone'),
      isCompliant: attributes.iscompliant === undefined ? 'unknown' : attributes.iscompliant ? 'true' : 'false',
      deviceOwnership: attributes.deviceownership === 'Company' || attributes.deviceownership === 'Personal' ? attributes.deviceownership : 'unknown',
    },
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
