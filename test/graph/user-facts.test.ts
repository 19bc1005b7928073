// readUserFacts against the loopback Graph emulator: one $batch round trip, paging inside it,
// nested groups and roles, unknown users, URL-encoded UPNs.
import { GraphReadError, readUserFacts } from '../../src/graph';
import { GUEST_UPN, IDS, ROLE, clientFor, directoryTenant, emulators, examples, rejectionOf, since } from './helpers';

const pool = emulators();

describe('readUserFacts', () => {
  it.each(examples().map((e) => [e.name, e] as const))('reads the user of %s in exactly one HTTP request', async (_name, ex) => {
    const emulator = await pool.start(ex.snapshot);
    const client = clientFor(emulator);
    const mark = emulator.requests.length;

    const facts = await readUserFacts(client, ex.user);

    expect(since(emulator, mark)).toEqual([{ method: 'POST', path: '/v1.0/$batch' }]);
    const snapshotUser = ex.snapshot.users.find((u) => u.userPrincipalName.toLowerCase() === ex.user.toLowerCase())!;
    const { authenticationMethods, managedDevices, memberOf: _memberOf, ...resource } = snapshotUser;
    expect(facts.user).toEqual({
      id: resource.id,
      userPrincipalName: resource.userPrincipalName,
      displayName: resource.displayName,
      mail: resource.mail,
      userType: resource.userType,
      accountEnabled: resource.accountEnabled,
    });
    expect(facts.methods).toEqual(authenticationMethods);
    expect(facts.managedDevices.map((d) => d.id)).toEqual(managedDevices.map((d) => d.id));
    expect(facts.groupIds).toEqual([]);
    expect(facts.roleTemplateIds).toEqual([]);
  });

  it('lists nested groups and roles held directly or through a group', async () => {
    const emulator = await pool.start(directoryTenant());

    const facts = await readUserFacts(clientFor(emulator), 'ana@fabrikam.com');

    expect([...facts.groupIds].sort()).toEqual([IDS.inner, IDS.outer].sort());
    expect(facts.directGroupIds).toEqual([IDS.inner]);
    expect(facts.groupNames).toEqual({ [IDS.inner]: 'Inner', [IDS.outer]: 'Outer' });
    expect([...facts.roleTemplateIds].sort()).toEqual([ROLE.globalReader, ROLE.authenticationAdministrator].sort());
    expect(emulator.requests).toHaveLength(1);
  });

  it('reads the same user by object id', async () => {
    const emulator = await pool.start(directoryTenant());
    const facts = await readUserFacts(clientFor(emulator), IDS.ana);
    expect(facts.user.userPrincipalName).toBe('ana@fabrikam.com');
  });

  it('follows nextLinks inside the batch responses with extra GETs (page size 2)', async () => {
    const emulator = await pool.start(directoryTenant(), { pageSize: 2 });

    const facts = await readUserFacts(clientFor(emulator), 'ana@fabrikam.com');

    expect(facts.methods).toHaveLength(5);
    expect(facts.managedDevices.map((d) => d.deviceName)).toEqual(['phone-1', 'phone-2', 'phone-3']);
    const [batch, ...pages] = emulator.requests;
    expect(batch).toEqual({ method: 'POST', path: '/v1.0/$batch' });
    // methods: pages 2 and 3; devices: page 2 (groups are read with $top=999).
    expect(pages.map((r) => `${r.method} ${r.path.split('?')[0]}`).sort()).toEqual(
      [
        'GET /v1.0/users/ana%40fabrikam.com/authentication/methods',
        'GET /v1.0/users/ana%40fabrikam.com/authentication/methods',
        'GET /v1.0/users/ana%40fabrikam.com/managedDevices',
      ].sort(),
    );
  });

  it('URL-encodes UPNs with special characters', async () => {
    const emulator = await pool.start(directoryTenant(), { pageSize: 1 });

    const facts = await readUserFacts(clientFor(emulator), GUEST_UPN);

    expect(facts.user).toMatchObject({ id: IDS.guest, userPrincipalName: GUEST_UPN, userType: 'Guest' });
    expect(facts.methods).toHaveLength(1);
  });

  it('reports an unknown user as "notFound", naming the UPN, after one request', async () => {
    const emulator = await pool.start(directoryTenant());

    const error = await rejectionOf(readUserFacts(clientFor(emulator), 'ghost#1@fabrikam.com'));

    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'notFound', status: 404, code: 'Request_ResourceNotFound' });
    expect(error.message).toBe('user "ghost#1@fabrikam.com" not found');
    expect(emulator.requests).toHaveLength(1);
  });

  it('lets the client retry a throttled $batch as a whole', async () => {
    const emulator = await pool.start(directoryTenant());
    emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: '$batch' });

    const facts = await readUserFacts(clientFor(emulator), 'ana@fabrikam.com');

    expect(facts.user.id).toBe(IDS.ana);
    expect(emulator.requests).toEqual([
      { method: 'POST', path: '/v1.0/$batch' },
      { method: 'POST', path: '/v1.0/$batch' },
    ]);
  });

  it('names the failing page when a follow-up GET fails', async () => {
    const emulator = await pool.start(directoryTenant(), { pageSize: 2 });
    emulator.failNext(1, 500, { pathContains: 'managedDevices' });

    const error = await rejectionOf(readUserFacts(clientFor(emulator), 'ana@fabrikam.com'));

    expect(error).toMatchObject({ kind: 'unavailable', status: 500, path: '/users/ana@fabrikam.com/managedDevices' });
  });

  it('refuses an empty id', async () => {
    const emulator = await pool.start(directoryTenant());
    await expect(readUserFacts(clientFor(emulator), ' ')).rejects.toMatchObject({ kind: 'badRequest' });
    expect(emulator.requests).toHaveLength(0);
  });
});
