// A tenant of the size the emulator must stay fast on: 50,000 users, 2,000 nested groups. This
// test checks the answers; how fast they come (start < 5 s, 200 lookups < 5 s, paging < 10 s) is
// measured by `npm run bench -- emulator`, on the same tenant, where a busy machine cannot fail it.
import { BIG_USERS, LOOKUPS, bigEmulatorTenant, lookupPath } from '../../bench/graph-emulator';
import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import { call } from './helpers';

jest.setTimeout(300_000); // a bound, not a budget: correctness on a big tenant; a loaded machine may take its time

let emulator: GraphEmulator;
beforeAll(async () => {
  emulator = await startGraphEmulator(bigEmulatorTenant());
}, 300_000);
afterAll(() => emulator.close());

it('starts on the big tenant and serves it', async () => {
  const { body } = await call(emulator, '/users/user0@big.example?$select=id');
  expect(body).toMatchObject({ id: 'user-0' });
});

it('answers transitive membership and UPN lookups', async () => {
  for (let i = 0; i < LOOKUPS; i++) {
    const { status, body } = await call(emulator, lookupPath(i));
    expect(status).toBe(200);
    expect(body.value.at(-1)).toMatchObject({ '@odata.type': '#microsoft.graph.directoryRole' }); // every chain reaches group-0
  }
});

it('pages the whole user list at $top=999', async () => {
  let url: string | undefined = '/users?$top=999&$select=id';
  let count = 0;
  let pages = 0;
  const ids = new Set<string>();
  while (url) {
    const { body } = await call(emulator, url);
    for (const u of body.value) ids.add(u.id);
    count += body.value.length;
    pages += 1;
    url = body['@odata.nextLink'];
  }
  expect(count).toBe(BIG_USERS);
  expect(ids.size).toBe(BIG_USERS); // no user twice across pages
  expect(pages).toBe(Math.ceil(BIG_USERS / 999));
});

it('lists the transitive members of the root group', async () => {
  const { body } = await call(emulator, '/groups/group-0/transitiveMembers?$top=999&$select=id');
  expect(body.value).toHaveLength(999);
  expect(body['@odata.nextLink']).toBeDefined();
});
