// Shared setup for the Graph layer tests: the real SDK client (via createGraphClient) against the
// loopback Graph emulator, the contract examples, and small snapshots built for one behaviour.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { createGraphClient, StaticTokenCredential, type GraphClientOptions } from '../../src/graph';
import type { Client } from '@microsoft/microsoft-graph-client';

export const TOKEN = 'graph-layer-test-token-7f3a9c';

const EXAMPLES_DIR = join(__dirname, '..', 'fixtures', 'examples');

export interface Example {
  name: string;
  snapshot: TenantSnapshot;
  user: string;
}

export function examples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8'));
      return { name: file.replace(/\.json$/, ''), snapshot: json.snapshot, user: json.args.user };
    });
}

export function example(name: string): Example {
  const found = examples().find((e) => e.name.startsWith(name));
  if (!found) throw new Error(`no example ${name}`);
  return structuredClone(found);
}

/** Starts emulators for a test file and closes them after each test. */
export function emulators(): { start(snapshot: TenantSnapshot, options?: GraphEmulatorOptions): Promise<GraphEmulator> } {
  const started: GraphEmulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
  });
  return {
    async start(snapshot, options) {
      const emulator = await startGraphEmulator(snapshot, options);
      started.push(emulator);
      return emulator;
    },
  };
}

/**
 * The production client factory, pointed at the emulator, with quick retries and a request timeout
 * no busy machine reaches (tests of the timeout set their own, on fake timers).
 */
export function clientFor(emulator: GraphEmulator, overrides: Partial<GraphClientOptions> = {}): Client {
  return createGraphClient({
    credential: new StaticTokenCredential(TOKEN),
    baseUrl: emulator.baseUrl,
    timeoutMs: 15_000,
    maxRetries: 3,
    retryDelaySeconds: 0,
    ...overrides,
  });
}

/** Requests the emulator received since `mark` (a previous requests.length). */
export function since(emulator: GraphEmulator, mark: number): { method: string; path: string }[] {
  return emulator.requests.slice(mark);
}

/** Runs `action`, expecting it to reject; returns the error for closer checks. */
export async function rejectionOf(action: Promise<unknown>): Promise<Error> {
  try {
    await action;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

export const ROLE = {
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
};

export const IDS = {
  ana: '0a000000-0000-4000-8000-000000000001',
  guest: '0a000000-0000-4000-8000-000000000002',
  inner: '0b000000-0000-4000-8000-000000000001',
  outer: '0b000000-0000-4000-8000-000000000002',
  unrelated: '0b000000-0000-4000-8000-000000000003',
};

export const GUEST_UPN = "o'neil+ops_contoso.com#EXT#@fabrikam.onmicrosoft.com";

const method = (type: string, n: number) => ({
  '@odata.type': `#microsoft.graph.${type}`,
  id: `0c000000-0000-4000-8000-00000000000${n}`,
  createdDateTime: '2025-01-01T00:00:00Z',
});

/**
 * The passkey-disabled example's tenant plus: ana, directly in "Inner", which is in "Outer";
 * Outer holds Global Reader and ana holds Authentication Administrator herself; ana has five
 * methods and three devices (so small pages split them); a guest with a UPN full of characters
 * that need URL encoding.
 */
export function directoryTenant(): TenantSnapshot {
  const snapshot = example('05').snapshot as unknown as Record<string, unknown>;
  snapshot.users = [
    {
      id: IDS.ana,
      userPrincipalName: 'ana@fabrikam.com',
      displayName: 'Ana',
      mail: 'ana@fabrikam.com',
      userType: 'Member',
      accountEnabled: true,
      authenticationMethods: [
        method('passwordAuthenticationMethod', 1),
        method('phoneAuthenticationMethod', 2),
        method('microsoftAuthenticatorAuthenticationMethod', 3),
        method('fido2AuthenticationMethod', 4),
        method('emailAuthenticationMethod', 5),
      ],
      managedDevices: [1, 2, 3].map((n) => ({
        id: `0d000000-0000-4000-8000-00000000000${n}`,
        deviceName: `phone-${n}`,
        operatingSystem: n === 1 ? 'iOS' : 'Android',
        osVersion: '17.0',
        complianceState: 'compliant',
        managedDeviceOwnerType: 'company',
        isEncrypted: true,
      })),
      memberOf: [IDS.inner],
    },
    {
      id: IDS.guest,
      userPrincipalName: GUEST_UPN,
      displayName: "Pat O'Neil (guest)",
      userType: 'Guest',
      accountEnabled: true,
      authenticationMethods: [method('passwordAuthenticationMethod', 6)],
      managedDevices: [],
      memberOf: [],
    },
  ];
  snapshot.groups = [
    { id: IDS.inner, displayName: 'Inner', members: [IDS.ana] },
    { id: IDS.outer, displayName: 'Outer', members: [IDS.inner] },
    { id: IDS.unrelated, displayName: 'Unrelated', members: [] },
  ];
  snapshot.roleAssignments = [
    { roleTemplateId: ROLE.globalReader, principalId: IDS.outer },
    { roleTemplateId: ROLE.authenticationAdministrator, principalId: IDS.ana },
  ];
  return snapshot as unknown as TenantSnapshot;
}

/** The registration-loop example with `count` copies of its CA policy (distinct ids). */
export function tenantWithPolicies(count: number): TenantSnapshot {
  const snapshot = example('01').snapshot;
  const [policy] = snapshot.conditionalAccessPolicies;
  snapshot.conditionalAccessPolicies = Array.from({ length: count }, (_, i) => ({
    ...structuredClone(policy),
    id: `5111a30a-d74e-46e2-a125-7fef599bf8${String(i).padStart(2, '0')}`,
    displayName: `Policy ${i + 1}`,
  }));
  return snapshot;
}
