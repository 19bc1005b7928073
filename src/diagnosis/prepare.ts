// Index the facts once so that diagnosing a user is a handful of set lookups per policy.
// A tenant is prepared once per TenantFacts object (memoised), a user once per diagnosis.
import type {
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  NamedLocation,
  ServicePrincipal,
} from '@microsoft/microsoft-graph-types';
import { withBuiltInStrengths } from './builtin-strengths';
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

export function prepareUser(facts: UserFacts): PreparedUser {
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

// Names of the directory roles that CA policies most often target (roleTemplateId → name).
const ROLE_NAMES: Record<string, string> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'b0f54661-2d74-4c50-afa3-1ec803f12efe': 'Billing Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  '17315797-102d-40b4-93e0-432062caca18': 'Compliance Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  'e3973bdf-4987-49ae-837a-ba8e231c7286': 'Azure DevOps Administrator',
};
export function roleName(roleTemplateId: string): string {
  return `"${ROLE_NAMES[roleTemplateId] ?? roleTemplateId}"`;
}
