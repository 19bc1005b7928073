// A synthetic tenant snapshot of a given size: policies of every kind the engine evaluates,
// nested groups, roles, users with a spread of methods. Deterministic for a given seed.
import { AUTHENTICATOR_AAGUID, AUTHENTICATOR_APP_ID } from '../src/diagnosis';

export interface TenantSize {
  policies: number;
  groups: number;
  users: number;
  /** Depth of the group nesting chains. */
  nestingDepth?: number;
  seed?: number;
  /** Share of users (0..1) given an Intune-managed phone (Android or iOS, mostly compliant); default none. Drawn from a separate random stream, so the rest of the tenant is the same with or without. */
  phones?: number;
  /** Users who hold the policies' directory role themselves (not through a group); default none. */
  directRoleHolders?: number;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const id = (kind: string, n: number) => `${kind.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function generateTenant(size: TenantSize): any {
  const random = rng(size.seed ?? 42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const depth = size.nestingDepth ?? 3;

  const groups = Array.from({ length: size.groups }, (_, i) => ({ id: id('a0000001', i), displayName: `Group ${i}`, members: [] as string[] }));
  // Chains of nested groups: group i is a member of group i+1 within each chain of `depth`.
  for (let i = 0; i + 1 < groups.length; i++) if ((i + 1) % depth !== 0) groups[i + 1].members.push(groups[i].id);

  const users = Array.from({ length: size.users }, (_, i) => {
    const methods: any[] = [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: id('b0000001', i) }];
    const r = random();
    if (r < 0.6) methods.push({ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: id('b0000002', i), phoneNumber: '+1 2065550100', phoneType: 'mobile', smsSignInState: 'notAllowedByPolicy' });
    if (r > 0.7) methods.push({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: id('b0000003', i), displayName: 'Authenticator', aaGuid: pick([AUTHENTICATOR_AAGUID.android, AUTHENTICATOR_AAGUID.iOS]) });
    return {
      id: id('c0000001', i),
      userPrincipalName: `user${i}@bench.example`,
      displayName: `User ${i}`,
      userType: i % 50 === 0 ? 'Guest' : 'Member',
      accountEnabled: true,
      authenticationMethods: methods,
      managedDevices: [],
      memberOf: [groups[Math.floor(random() * groups.length)].id, groups[Math.floor(random() * groups.length)].id].filter((g, k, a) => a.indexOf(g) === k),
    };
  });

  const strengthIds = ['00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', id('d0000001', 1)];
  const policies = Array.from({ length: size.policies }, (_, i) => {
    const g = () => groups[Math.floor(random() * groups.length)].id;
    const kind = i % 6;
    return {
      id: id('e0000001', i),
      displayName: `Policy ${i}`,
      state: pick(['enabled', 'enabled', 'enabledForReportingButNotEnforced', 'disabled']),
      conditions: {
        clientAppTypes: ['all'],
        userRiskLevels: [],
        signInRiskLevels: kind === 5 ? ['high'] : [],
        users: {
          includeUsers: kind === 0 ? ['All'] : [],
          excludeUsers: [],
          includeGroups: kind === 0 ? [] : [g(), g()],
          excludeGroups: [g()],
          includeRoles: kind === 4 ? ['62e90394-69f5-4237-9190-012177145e10'] : [],
          excludeRoles: [],
        },
        applications: {
          includeApplications: kind === 3 ? [] : kind === 2 ? [AUTHENTICATOR_APP_ID] : ['All'],
          excludeApplications: [],
          includeUserActions: kind === 3 ? ['urn:user:registersecurityinfo'] : [],
          applicationFilter: kind === 1 ? { mode: 'exclude', rule: 'CustomSecurityAttribute.Apps_Tier -eq "passkey-setup"' } : null,
        },
        platforms: kind === 1 ? { includePlatforms: ['all'], excludePlatforms: ['android', 'iOS'] } : null,
        locations: null,
        devices: null,
      },
      grantControls: {
        operator: 'OR',
        builtInControls: kind === 2 ? ['approvedApplication', 'compliantDevice'] : kind === 3 ? ['mfa'] : [],
        customAuthenticationFactors: [],
        termsOfUse: [],
        authenticationStrength: kind === 2 || kind === 3 ? null : { id: pick(strengthIds) },
      },
    };
  });

  if (size.phones) {
    const phoneRandom = rng((size.seed ?? 42) + 7);
    users.forEach((user, i) => {
      if (phoneRandom() >= size.phones!) return;
      const ios = phoneRandom() < 0.5;
      const c = phoneRandom();
      user.managedDevices.push({
        id: id('b0000004', i),
        deviceName: ios ? `iPhone ${i}` : `Android ${i}`,
        operatingSystem: ios ? 'iOS' : 'Android',
        osVersion: ios ? '18.1' : '15',
        complianceState: c < 0.8 ? 'compliant' : c < 0.9 ? 'inGracePeriod' : 'noncompliant',
        managedDeviceOwnerType: c < 0.7 ? 'company' : 'personal',
        isEncrypted: true,
      } as never);
    });
  }
  const roleAssignments = [{ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', principalId: groups[0].id }];
  for (let k = 0; k < (size.directRoleHolders ?? 0) && k < users.length; k++) {
    roleAssignments.push({ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', principalId: users[(k * 7919) % users.length].id });
  }

  return {
    tenant: { id: '00000000-0000-4000-8000-00000000be0c', displayName: 'Bench tenant' },
    conditionalAccessPolicies: policies,
    namedLocations: [],
    authenticationStrengthPolicies: [
      {
        id: strengthIds[2],
        displayName: 'Passkey in Authenticator',
        policyType: 'custom',
        requirementsSatisfied: 'mfa',
        allowedCombinations: ['fido2', 'temporaryAccessPassOneTime'],
        combinationConfigurations: [
          { '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', id: id('d0000002', 1), appliesToCombinations: ['fido2'], allowedAAGUIDs: Object.values(AUTHENTICATOR_AAGUID) },
        ],
      },
    ],
    authenticationMethodsPolicy: {
      id: 'authenticationMethodsPolicy',
      authenticationMethodConfigurations: [
        { '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration', id: 'Fido2', state: 'enabled', isSelfServiceRegistrationAllowed: true, isAttestationEnforced: false, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] }, includeTargets: [{ targetType: 'group', id: 'all_users' }], excludeTargets: [] },
        { '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration', id: 'TemporaryAccessPass', state: 'enabled', defaultLifetimeInMinutes: 60, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: false, includeTargets: [{ targetType: 'group', id: 'all_users' }], excludeTargets: [] },
      ],
    },
    users,
    groups,
    roleAssignments,
    servicePrincipals: [{ id: id('f0000001', 1), appId: AUTHENTICATOR_APP_ID, displayName: 'Microsoft Authenticator App', customSecurityAttributes: { Apps: { '@odata.type': '#Microsoft.DirectoryServices.CustomSecurityAttributeValue', Tier: 'passkey-setup' } } }],
  };
}
