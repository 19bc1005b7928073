// npm run bench -- emulator: the loopback Graph emulator on a tenant of the size it must stay fast
// on (50,000 users, 2,000 nested groups): start-up, transitive-membership and UPN lookups, paging
// the whole user list. test/graph-emulator/scale.test.ts checks the answers on the same tenant;
// the time budgets are here, where a busy machine cannot fail the test suite.
import { performance } from 'node:perf_hooks';
import { startGraphEmulator, type GraphEmulator } from '../src/graph-emulator';
import type { TenantSnapshot } from '../src/snapshot';

export const BIG_USERS = 50_000;
export const BIG_GROUPS = 2_000;

/**
 * Groups form a tree ten wide (group i is inside group floor((i-1)/10)); every user is directly in
 * two groups, one of them a leaf, so transitive membership is four or five levels deep; group-0
 * holds Global Reader, so every user's chain ends in a directory role.
 */
export function bigEmulatorTenant(): TenantSnapshot {
  const groups = Array.from({ length: BIG_GROUPS }, (_, i) => ({
    id: `group-${i}`,
    displayName: `Group ${i}`,
    members: [] as string[],
  }));
  for (let i = 1; i < BIG_GROUPS; i++) groups[Math.floor((i - 1) / 10)].members.push(`group-${i}`);
  const users = Array.from({ length: BIG_USERS }, (_, i) => ({
    id: `user-${i}`,
    userPrincipalName: `user${i}@big.example`,
    displayName: `User ${i}`,
    authenticationMethods: [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: `pw-${i}` }],
    managedDevices: [],
    memberOf: [`group-${BIG_GROUPS - 1 - (i % 1800)}`, `group-${i % 50}`],
  }));
  return {
    tenant: { id: 'big' },
    users,
    groups,
    roleAssignments: [{ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', principalId: 'group-0' }],
  } as unknown as TenantSnapshot;
}

/** GET on the emulator (a path under /v1.0, or an absolute nextLink) with a bearer token; throws on a non-200. */
async function get(emulator: GraphEmulator, path: string): Promise<any> {
  const response = await fetch(/^https?:/.test(path) ? path : `${emulator.baseUrl}${path}`, { headers: { Authorization: 'Bearer bench' } });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  return response.json();
}

/** The 200 lookups the scale test makes: transitive memberships by UPN, spread over the tenant. */
export const LOOKUPS = 200;
export const lookupPath = (i: number): string => `/users/user${(i * 7919) % BIG_USERS}@BIG.example/transitiveMemberOf?$select=id`;

export async function emulatorBench(): Promise<void> {
  const snapshot = bigEmulatorTenant();
  let t = performance.now();
  const emulator = await startGraphEmulator(snapshot);
  const startMs = performance.now() - t;
  try {
    t = performance.now();
    for (let i = 0; i < LOOKUPS; i++) await get(emulator, lookupPath(i));
    const lookupsMs = performance.now() - t;

    t = performance.now();
    let url: string | undefined = '/users?$top=999&$select=id';
    let count = 0;
    while (url) {
      const body: { value: unknown[]; '@odata.nextLink'?: string } = await get(emulator, url);
      count += body.value.length;
      url = body['@odata.nextLink'];
    }
    const pagingMs = performance.now() - t;
    if (count !== BIG_USERS) throw new Error(`paged ${count} users, expected ${BIG_USERS}`);

    const row = (what: string, ms: number, budgetMs: number) =>
      console.log(`| ${what} | ${ms.toFixed(0)} ms | < ${(budgetMs / 1000).toFixed(0)} s ${ms < budgetMs ? '✓' : '✗'} |`);
    console.log('| step | time | budget |\n|---|---|---|');
    row('start (validate and index the snapshot)', startMs, 5_000);
    row(`${LOOKUPS} transitiveMemberOf lookups by UPN`, lookupsMs, 5_000);
    row(`page all ${BIG_USERS.toLocaleString('en-US')} users at $top=999`, pagingMs, 10_000);
  } finally {
    await emulator.close();
  }
}
