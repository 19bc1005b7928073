// Builds engine facts straight from a snapshot object (no HTTP), for pure engine tests.
import type { TenantFacts, UserFacts } from '../../src/diagnosis';
import { AUTHENTICATOR_APP_ID } from '../../src/diagnosis';

 
export function tenantFactsOf(snapshot: any): TenantFacts {
  return {
    tenantId: snapshot.tenant?.id ?? 'tenant',
    conditionalAccessPolicies: snapshot.conditionalAccessPolicies ?? [],
    namedLocations: snapshot.namedLocations ?? [],
    authenticationStrengths: snapshot.authenticationStrengthPolicies ?? [],
    methodConfigurations: snapshot.authenticationMethodsPolicy?.authenticationMethodConfigurations ?? [],
    authenticatorServicePrincipal: (snapshot.servicePrincipals ?? []).find((s: any) => s.appId === AUTHENTICATOR_APP_ID) ?? null,
  };
}

export function userFactsOf(snapshot: any, upnOrId: string): UserFacts {
  const user = snapshot.users.find((u: any) => u.id === upnOrId || u.userPrincipalName.toLowerCase() === upnOrId.toLowerCase());
  if (!user) throw new Error(`no user ${upnOrId}`);
  const groups: any[] = snapshot.groups ?? [];
  const groupIds = new Set<string>();
  const visit = (memberId: string) => {
    for (const g of groups) {
      if ((g.members ?? []).includes(memberId) && !groupIds.has(g.id)) {
        groupIds.add(g.id);
        visit(g.id);
      }
    }
  };
  for (const id of user.memberOf ?? []) {
    groupIds.add(id);
    visit(id);
  }
  visit(user.id);
  const principals = new Set([user.id, ...groupIds]);
  const { authenticationMethods, managedDevices, memberOf, ...resource } = user;
  return {
    user: resource,
    groupIds: [...groupIds],
    directGroupIds: [...(memberOf ?? []), ...groups.filter((g) => (g.members ?? []).includes(user.id)).map((g) => g.id)],
    groupNames: Object.fromEntries(groups.filter((g) => groupIds.has(g.id)).map((g) => [g.id, g.displayName])),
    roleTemplateIds: (snapshot.roleAssignments ?? []).filter((r: any) => principals.has(r.principalId)).map((r: any) => r.roleTemplateId),
    methods: authenticationMethods ?? [],
    managedDevices: managedDevices ?? [],
  };
}
