// Does a Conditional Access policy apply to one sign-in event? Three answers: yes, no, or
// "maybe" when the policy depends on something the context cannot tell (risk, location, device
// attributes) — with the reason, so the card can say so instead of guessing.
import type { ConditionalAccessPolicy, NamedLocation } from '@microsoft/microsoft-graph-types';
import { customSecurityAttributeLookup, evaluateRule, FilterRuleError, parseRule, type AttributeLookup, type Tri } from './filter-rule';
import { AUTHENTICATOR_APP_ID, REGISTER_SECURITY_INFO_ACTION, type RegistrationContext } from './facts';
import { roleName, type PreparedTenant, type PreparedUser } from './prepare';

/** The two sign-in events a passkey registration in Authenticator goes through. */
export type SignInEvent = 'authenticator-sign-in' | 'register-security-info';

export const EVENT_LABEL: Record<SignInEvent, string> = {
  'authenticator-sign-in': 'the Microsoft Authenticator sign-in',
  'register-security-info': 'the "Register security information" user action',
};

export interface Applicability {
  applies: Tri;
  /** Why it applies: one short clause per condition that matched. */
  matched: string[];
  /** Why it may apply: what the context cannot tell. */
  unknowns: string[];
}

const NOT: Applicability = { applies: false, matched: [], unknowns: [] };

export function applicability(
  policy: ConditionalAccessPolicy,
  event: SignInEvent,
  tenant: PreparedTenant,
  user: PreparedUser,
  context: RegistrationContext,
): Applicability {
  const c = policy.conditions;
  if (!c) return NOT;
  // Workload-identity policies (clientApplications) never apply to a user's sign-in.
  if ((c.clientApplications?.includeServicePrincipals?.length ?? 0) > 0) return NOT;
  // Policies scoped to device-code / transfer flows do not cover the Authenticator sign-in.
  const transfer = c.authenticationFlows?.transferMethods as string | undefined;
  if (transfer && transfer !== 'none') return NOT;

  const matched: string[] = [];
  const unknowns: string[] = [];

  const users = usersClause(policy, user);
  if (!users) return NOT;
  matched.push(users);

  const resources = resourcesClause(policy, event, tenant, unknowns);
  if (resources === false) return NOT;
  matched.push(resources);

  const platforms = c.platforms;
  if (platforms) {
    const include = (platforms.includePlatforms ?? []) as string[];
    const exclude = (platforms.excludePlatforms ?? []) as string[];
    const p = context.platform.toLowerCase();
    const has = (list: string[]) => list.some((x) => x.toLowerCase() === p || x === 'all');
    if (include.length > 0 && !has(include)) return NOT;
    if (exclude.some((x) => x.toLowerCase() === p || x === 'all')) return NOT;
    matched.push(`platforms: ${include.join(', ') || 'any'}${exclude.length ? ` (excluding ${exclude.join(', ')})` : ''}`);
  }

  const clientApps = (c.clientAppTypes ?? []) as string[];
  if (clientApps.length > 0 && !clientApps.includes('all') && !clientApps.includes('mobileAppsAndDesktopClients')) return NOT;

  const location = locationClause(policy, tenant.namedLocationsById, context);
  if (location.applies === false) return NOT;
  if (location.applies === 'unknown') unknowns.push(location.text);
  else if (location.text) matched.push(location.text);

  const devices = deviceFilterClause(policy, context);
  if (devices.applies === false) return NOT;
  if (devices.applies === 'unknown') unknowns.push(devices.text);
  else if (devices.text) matched.push(devices.text);

  const risks: [string, unknown[] | null | undefined][] = [
    ['user risk', c.userRiskLevels],
    ['sign-in risk', c.signInRiskLevels],
    ['insider risk', c.insiderRiskLevels ? [c.insiderRiskLevels] : []],
  ];
  for (const [label, levels] of risks) {
    if (levels && levels.length > 0) unknowns.push(`it only applies at ${label} ${levels.join('/')}, which the bot cannot see`);
  }

  return { applies: unknowns.length > 0 ? 'unknown' : true, matched, unknowns };
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
    const sp = tenant.authenticatorServicePrincipal;
    let match: Tri;
    let lookup: AttributeLookup | null = null;
    if (sp) lookup = customSecurityAttributeLookup(sp.customSecurityAttributes as Record<string, unknown> | null);
    try {
      match = lookup ? evaluateRule(parseRule(filter.rule), lookup) : 'unknown';
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
): { applies: Tri; text: string } {
  const filter = policy.conditions?.devices?.deviceFilter;
  if (!filter?.rule) return { applies: true, text: '' };
  const os = context.platform === 'iOS' ? 'iOS' : 'Android';
  const lookup: AttributeLookup = (name) => {
    const attr = name.toLowerCase().replace(/^device\./, '');
    if (attr === 'operatingsystem') return os;
    // Other device attributes (compliance, trust type, model, extension attributes) belong to a
    // device we cannot identify from the chat.
    return undefined;
  };
  let match: Tri;
  try {
    match = evaluateRule(parseRule(filter.rule), lookup);
  } catch (e) {
    if (!(e instanceof FilterRuleError)) throw e;
    match = 'unknown';
  }
  const applies: Tri = match === 'unknown' ? 'unknown' : filter.mode === 'exclude' ? !match : match;
  const text = `device filter (${filter.mode}) "${filter.rule}"`;
  return { applies, text: applies === 'unknown' ? `${text} depends on attributes of the phone the bot cannot see` : text };
}
