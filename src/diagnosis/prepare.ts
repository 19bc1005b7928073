// Index the facts once so that diagnosing a user is a handful of set lookups per policy.
// A tenant is prepared once per TenantFacts object, a user once per UserFacts object (both
// memoised: a diagnosis, each remedy's re-diagnosis of the same facts, the What If comparison and
// the next turns served from the user cache share one). Facts are never changed in place: a remedy
// makes new facts, which are prepared anew.
import type {
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  NamedLocation,
  ServicePrincipal,
} from '@microsoft/microsoft-graph-types';
import { withBuiltInStrengths } from './builtin-strengths';
import { WELL_KNOWN_ROLE_NAMES } from './directory-roles';
import { odataType, type Fido2MethodConfiguration, type TargetedMethodConfiguration, type TenantFacts, type UserFacts } from './facts';

export interface PreparedTenant {
  facts: TenantFacts;
  /** Enabled and report-only policies (disabled ones never matter). */
  policies: ConditionalAccessPolicy[];
  strengthsById: Map<string, AuthenticationStrengthPolicy>;
  namedLocationsById: Map<string, NamedLocation>;
  fido2: Fido2MethodConfiguration | null;
  tap: TargetedMethodConfiguration | null;
  authenticatorServicePrincipal: ServicePrincipal | null;
}

export interface PreparedUser {
  facts: UserFacts;
  id: string;
  upn: string;
  name: string;
  isGuest: boolean;
  /** CA guest/external type this user counts as, if any. */
  guestType: string | null;
  groupIds: Set<string>;
  roleTemplateIds: Set<string>;
  groupName(id: string): string;
  isDirectMember(groupId: string): boolean;
}

const prepared = new WeakMap<TenantFacts, PreparedTenant>();

export function prepareTenant(facts: TenantFacts): PreparedTenant {
  const hit = prepared.get(facts);
  if (hit) return hit;
  const byType = (type: string) => facts.methodConfigurations.find((m) => odataType(m).toLowerCase() === type.toLowerCase()) ?? null;
  const tenant: PreparedTenant = {
    facts,
    policies: facts.conditionalAccessPolicies.filter((p) => p.state !== 'disabled'),
    strengthsById: new Map(withBuiltInStrengths(facts.authenticationStrengths).map((s) => [s.id as string, s])),
    namedLocationsById: new Map(facts.namedLocations.map((l) => [l.id as string, l])),
    fido2: byType('fido2AuthenticationMethodConfiguration') as Fido2MethodConfiguration | null,
    tap: byType('temporaryAccessPassAuthenticationMethodConfiguration'),
    authenticatorServicePrincipal: facts.authenticatorServicePrincipal,
  };
  prepared.set(facts, tenant);
  return tenant;
}

const preparedUsers = new WeakMap<UserFacts, PreparedUser>();

export function prepareUser(facts: UserFacts): PreparedUser {
  const hit = preparedUsers.get(facts);
  if (hit) return hit;
  const user = prepareUserFacts(facts);
  preparedUsers.set(facts, user);
  return user;
}

function prepareUserFacts(facts: UserFacts): PreparedUser {
  const u = facts.user;
  const upn = u.userPrincipalName ?? u.id ?? 'the user';
  const isExternal = upn.includes('#EXT#');
  const isGuest = u.userType === 'Guest';
  const guestType = isGuest ? (isExternal ? 'b2bCollaborationGuest' : 'internalGuest') : isExternal ? 'b2bCollaborationMember' : null;
  const direct = facts.directGroupIds ? new Set(facts.directGroupIds) : null;
  return {
    facts,
    id: u.id ?? '',
    upn,
    name: u.displayName ?? upn,
    isGuest,
    guestType,
    groupIds: new Set(facts.groupIds),
    roleTemplateIds: new Set(facts.roleTemplateIds),
    groupName: (id) => `"${facts.groupNames?.[id] ?? id}"`,
    isDirectMember: (id) => (direct ? direct.has(id) : true),
  };
}

export function roleName(roleTemplateId: string): string {
  return `"${WELL_KNOWN_ROLE_NAMES[roleTemplateId] ?? roleTemplateId}"`;
}
