// The tenant-wide engine facts a snapshot holds (what readTenantFacts would read through Graph).
import { AUTHENTICATOR_APP_ID, type TenantFacts } from '../diagnosis/facts';
import type { TenantSnapshot } from './snapshot';

export function tenantFactsOfSnapshot(snapshot: TenantSnapshot): TenantFacts {
  return {
    tenantId: snapshot.tenant.id,
    conditionalAccessPolicies: snapshot.conditionalAccessPolicies,
    namedLocations: snapshot.namedLocations,
    authenticationStrengths: snapshot.authenticationStrengthPolicies,
    methodConfigurations: snapshot.authenticationMethodsPolicy.authenticationMethodConfigurations,
    authenticatorServicePrincipal: snapshot.servicePrincipals.find((s) => s.appId.toLowerCase() === AUTHENTICATOR_APP_ID) ?? null,
    ...(snapshot.tenant.customSecurityAttributesUnreadable === true ? { customSecurityAttributesUnreadable: true } : {}),
  };
}

