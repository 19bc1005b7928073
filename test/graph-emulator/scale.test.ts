// A tenant of the size the emulator must stay fast on: 50,000 users, 2,000 nested groups.
import { startGraphEmulator, type GraphEmulator, type TenantSnapshot } from '../../src/graph-emulator';
import { call } from './helpers';

const USERS = 50_000;
const GROUPS = 2_000;

function bigTenant(): TenantSnapshot {
  // Groups form a tree ten wide (group i is inside group floor((i-1)/10)); every user is directly
  // in two groups, one of them a leaf, so transitive membership is four or five levels deep.
  const groups = Array.from({ length: GROUPS }, (_, i) => ({
    id: `group-${i}`,
    displayName: `Group ${i}`,
    members: [] as string[],
  }));
  for (let i = 1; i < GROUPS; i++) groups[Math.floor((i - 1) / 10)].members.push(`group-${i}`);
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: `user-${i}`,
    userPrincipalName: `user${i}@big.example`,
    displayName: `User ${i}`,
    authenticationMethods: [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: `pw-${i}` }],
    managedDevices: [],
    memberOf: [`group-${GROUPS - 1 - (i % 1800)}`, `group-${i % 50}`],
  }));
  return {
    tenant: { id: 'big' },
    users,
    groups,
    roleAssignments: [{ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', principalId: 'group-0' }],
  } as unknown as TenantSnapshot;
}

let emulator: GraphEmulator;
let startMs: number;
beforeAll(async () => {
  const snapshot = bigTenant();
  const started = Date.now();
  emulator = await startGraphEmulator(snapshot);
  startMs = Date.now() - started;
});
afterAll(() => emulator.close());

it('starts quickly', () => {
  expect(startMs).toBeLessThan(5_000);
});

it('answers transitive membership and UPN lookups quickly', async () => {
  const started = Date.now();
  for (let i = 0; i < 200; i++) {
    const user = (i * 7919) % USERS;
    const { body } = await call(emulator, `/users/user${user}@BIG.example/transitiveMemberOf?$select=id`);
    expect(body.value.at(-1)).toMatchObject({ '@odata.type': '#microsoft.graph.directoryRole' }); // every chain reaches group-0
  }
  expect(Date.now() - started).toBeLessThan(5_000);
});

it('pages the whole user list at $top=999', async () => {
  const started = Date.now();
  let url: string | undefined = '/users?$top=999&$select=id';
  let count = 0;
  while (url) {
    const { body } = await call(emulator, url);
    count += body.value.length;
    url = body['@odata.nextLink'];
  }
  expect(count).toBe(USERS);
  expect(Date.now() - started).toBeLessThan(10_000);
});

it('lists the transitive members of the root group', async () => {
  const { body } = await call(emulator, '/groups/group-0/transitiveMembers?$top=999&$select=id');
  expect(body.value).toHaveLength(999);
  expect(body['@odata.nextLink']).toBeDefined();
});
