// Shared tenant and HTTP helpers for the graph-emulator tests.
import type { GraphEmulator } from '../../src/graph-emulator';

export const IDS = {
  tenant: 'aaaaaaaa-0000-4000-8000-000000000000',
  alice: 'aaaaaaaa-0000-4000-8000-000000000001',
  bob: 'aaaaaaaa-0000-4000-8000-000000000002',
  carol: 'aaaaaaaa-0000-4000-8000-000000000003',
  dave: 'aaaaaaaa-0000-4000-8000-000000000004',
  finance: 'bbbbbbbb-0000-4000-8000-000000000001',
  payroll: 'bbbbbbbb-0000-4000-8000-000000000002',
  allStaff: 'bbbbbbbb-0000-4000-8000-000000000003',
  tapExcluded: 'bbbbbbbb-0000-4000-8000-000000000004',
  authenticatorSp: 'cccccccc-0000-4000-8000-000000000001',
  caPolicy: 'dddddddd-0000-4000-8000-000000000001',
  customStrength: 'eeeeeeee-0000-4000-8000-000000000001',
  daveTap: 'ffffffff-0000-4000-8000-000000000001',
  daveFido: 'ffffffff-0000-4000-8000-000000000002',
} as const;

export const ROLE = {
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
};

const method = (type: string, id: string, extra: Record<string, unknown> = {}) => ({ '@odata.type': `#microsoft.graph.${type}`, id, ...extra });

/**
 * A small tenant: bob is in Payroll, Payroll is in Finance, Finance is in All staff (three
 * levels of nesting); alice is directly in Finance and holds a role directly; All staff holds
 * Global Reader. dave already has a TAP; carol is a guest in no group.
 */
export function contoso(): Record<string, any> {
  return {
    tenant: { id: IDS.tenant, displayName: 'Contoso' },
    conditionalAccessPolicies: [
      {
        id: IDS.caPolicy,
        displayName: 'Finance: phishing-resistant MFA',
        state: 'enabled',
        conditions: {
          users: { includeUsers: [], excludeUsers: [], includeGroups: [IDS.finance], excludeGroups: [], includeRoles: [], excludeRoles: [] },
          applications: { includeApplications: ['All'] },
          clientAppTypes: ['all'],
        },
        grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: '00000000-0000-0000-0000-000000000004' } },
      },
    ],
    namedLocations: [
      { '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'ab000000-0000-4000-8000-000000000001', displayName: 'Office', isTrusted: true, ipRanges: [] },
    ],
    authenticationStrengthPolicies: [
      {
        id: IDS.customStrength,
        displayName: 'Passkey in Authenticator',
        policyType: 'custom',
        requirementsSatisfied: 'mfa',
        allowedCombinations: ['fido2'],
        combinationConfigurations: [],
      },
    ],
    authenticationMethodsPolicy: {
      id: 'authenticationMethodsPolicy',
      displayName: 'Authentication Methods Policy',
      authenticationMethodConfigurations: [
        {
          '@odata.type': '#microsoft.graph.fido2AuthenticationMethodConfiguration',
          id: 'Fido2',
          state: 'enabled',
          isSelfServiceRegistrationAllowed: true,
          includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
          excludeTargets: [],
        },
        {
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
          id: 'TemporaryAccessPass',
          state: 'enabled',
          defaultLifetimeInMinutes: 60,
          defaultLength: 10,
          minimumLifetimeInMinutes: 60,
          maximumLifetimeInMinutes: 480,
          isUsableOnce: false,
          includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
          excludeTargets: [{ targetType: 'group', id: IDS.tapExcluded }],
        },
      ],
    },
    users: [
      {
        id: IDS.alice,
        userPrincipalName: 'Alice.Smith@contoso.com',
        displayName: 'Alice Smith',
        mail: 'alice@contoso.com',
        userType: 'Member',
        accountEnabled: true,
        authenticationMethods: [method('passwordAuthenticationMethod', 'a1000000-0000-4000-8000-000000000001')],
        managedDevices: [],
        memberOf: [IDS.finance],
      },
      {
        id: IDS.bob,
        userPrincipalName: "bob.o'neil@contoso.com",
        displayName: "Bob O'Neil",
        userType: 'Member',
        accountEnabled: true,
        authenticationMethods: [],
        managedDevices: [
          { id: 'de000000-0000-4000-8000-000000000001', operatingSystem: 'Android', complianceState: 'compliant', managedDeviceOwnerType: 'company' },
        ],
        // bob's membership of Payroll is written on the group side only
      },
      {
        id: IDS.carol,
        userPrincipalName: 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com',
        displayName: 'Carol (guest)',
        userType: 'Guest',
        accountEnabled: true,
        authenticationMethods: [],
        managedDevices: [],
        memberOf: [IDS.tapExcluded],
      },
      {
        id: IDS.dave,
        userPrincipalName: 'dave@contoso.com',
        displayName: 'Dave',
        userType: 'Member',
        accountEnabled: true,
        authenticationMethods: [
          method('passwordAuthenticationMethod', 'a4000000-0000-4000-8000-000000000001'),
          method('fido2AuthenticationMethod', IDS.daveFido, { displayName: 'Authenticator - iOS', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f' }),
          method('microsoftAuthenticatorAuthenticationMethod', 'a4000000-0000-4000-8000-000000000003', { displayName: 'iPhone' }),
          method('temporaryAccessPassAuthenticationMethod', IDS.daveTap, {
            temporaryAccessPass: null,
            startDateTime: '2026-10-05T13:30:00Z',
            lifetimeInMinutes: 60,
            isUsableOnce: false,
          }),
        ],
        managedDevices: [],
        memberOf: [],
      },
    ],
    groups: [
      { id: IDS.finance, displayName: 'Finance', members: [IDS.payroll] },
      { id: IDS.payroll, displayName: 'Payroll', members: [IDS.bob] },
      { id: IDS.allStaff, displayName: 'All staff', members: [IDS.finance] },
      { id: IDS.tapExcluded, displayName: 'No TAP', members: [] },
    ],
    roleAssignments: [
      { roleTemplateId: ROLE.globalReader, principalId: IDS.allStaff },
      { roleTemplateId: ROLE.authenticationAdministrator, principalId: IDS.alice },
    ],
    servicePrincipals: [
      {
        id: IDS.authenticatorSp,
        appId: '4813382a-8fa7-425e-ab75-3b753aab3abb',
        displayName: 'Microsoft Authenticator App',
        customSecurityAttributes: { Apps: { '@odata.type': '#microsoft.graph.customSecurityAttributeValue', tier: 'mobile' } },
      },
    ],
  };
}

export const TOKEN = 'test-token';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

/** fetch with a bearer token; `url` is relative to the emulator's /v1.0 unless absolute. */
export async function call(emulator: GraphEmulator, url: string, init: RequestInit & { json?: unknown } = {}): Promise<HttpResult> {
  const headers = new Headers(init.headers);
  if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${TOKEN}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(/^https?:/.test(url) ? url : `${emulator.baseUrl}${url}`, { ...init, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export function expectGraphError(result: HttpResult, status: number, code: string): void {
  expect(result.status).toBe(status);
  expect(result.body).toEqual({
    error: {
      code,
      message: expect.any(String),
      innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) },
    },
  });
}
