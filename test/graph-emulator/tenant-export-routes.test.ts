// The tenant-wide reads the scalable export uses, as the loopback Graph server serves them:
// the authentication methods activity report, directory role assignments, Intune managed devices.
import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { IDS, ROLE, call, contoso, expectGraphError } from './helpers';

const NOW = new Date('2026-10-05T14:00:00Z');
let emulator: GraphEmulator;
beforeAll(async () => {
  const snapshot = contoso();
  // A security key besides dave's passkey in Authenticator, and an iPhone for alice.
  snapshot.users[0].authenticationMethods.push(
    { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: '3179e48a-750b-4051-897c-87b9720928f7', phoneNumber: '+1 2065550100', phoneType: 'mobile' },
    { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: 'a1000000-0000-4000-8000-000000000009', displayName: 'YubiKey', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8' },
  );
  snapshot.users[0].managedDevices.push({ id: 'de000000-0000-4000-8000-000000000002', operatingSystem: 'iOS', complianceState: 'noncompliant', managedDeviceOwnerType: 'personal' });
  emulator = await startGraphEmulator(snapshot as TenantSnapshot, { pageSize: 2, now: () => NOW });
});
afterAll(() => emulator.close());

const REPORT = '/reports/authenticationMethods/userRegistrationDetails';

async function allPages(url: string): Promise<any[]> {
  const items: any[] = [];
  for (let next: string | undefined = url; next; ) {
    const { status, body } = await call(emulator, next);
    expect(status).toBe(200);
    items.push(...body.value);
    next = body['@odata.nextLink'];
  }
  return items;
}

describe('GET /reports/authenticationMethods/userRegistrationDetails', () => {
  it('lists every user with the methodsRegistered values that tell a passkey in Authenticator from other passkeys', async () => {
    const rows = await allPages(REPORT);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(rows).toHaveLength(4); // paged 2 at a time
    expect(byId.get(IDS.alice).methodsRegistered).toEqual(['mobilePhone', 'passKeyDeviceBound']);
    expect(byId.get(IDS.dave).methodsRegistered).toEqual(['passKeyDeviceBoundAuthenticator', 'microsoftAuthenticatorPush', 'temporaryAccessPass']);
    expect(byId.get(IDS.bob).methodsRegistered).toEqual([]); // a password is never listed
    expect(byId.get(IDS.carol)).toMatchObject({ userType: 'guest', userPrincipalName: 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com' });
    // Exactly the v1.0 resource's properties.
    expect(Object.keys(byId.get(IDS.dave)).sort()).toEqual(
      [
        'id',
        'isAdmin',
        'isMfaCapable',
        'isMfaRegistered',
        'isPasswordlessCapable',
        'isSsprCapable',
        'isSsprEnabled',
        'isSsprRegistered',
        'isSystemPreferredAuthenticationMethodEnabled',
        'lastUpdatedDateTime',
        'methodsRegistered',
        'systemPreferredAuthenticationMethods',
        'userDisplayName',
        'userPreferredMethodForSecondaryAuthentication',
        'userPrincipalName',
        'userType',
      ].sort(),
    );
    expect(byId.get(IDS.alice)).toMatchObject({ isAdmin: true, isMfaRegistered: true, isPasswordlessCapable: true, lastUpdatedDateTime: NOW.toISOString() });
    expect(byId.get(IDS.carol)).toMatchObject({ isAdmin: false, isMfaRegistered: false });
  });

  it('honours $select and $top up to 999 (400 beyond), gets one user, 404s an unknown one', async () => {
    const { body } = await call(emulator, `${REPORT}?$select=id,methodsRegistered&$top=999`);
    expect(body.value).toHaveLength(4);
    expect(body['@odata.nextLink']).toBeUndefined();
    expect(Object.keys(body.value[0]).sort()).toEqual(['id', 'methodsRegistered']);
    expectGraphError(await call(emulator, `${REPORT}?$top=1000`), 400, 'Request_BadRequest');
    expect((await call(emulator, `${REPORT}/${IDS.dave}`)).body).toMatchObject({ id: IDS.dave, userDisplayName: 'Dave' });
    expectGraphError(await call(emulator, `${REPORT}/aaaaaaaa-0000-4000-8000-0000000000ff`), 404, 'Request_ResourceNotFound');
  });

  it('can be throttled like Graph: 429 with Retry-After', async () => {
    emulator.failNext(1, 429, { retryAfterSeconds: 7, pathContains: 'userRegistrationDetails' });
    const throttled = await call(emulator, REPORT);
    expectGraphError(throttled, 429, 'TooManyRequests');
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await call(emulator, REPORT)).status).toBe(200);
  });
});

describe('GET /roleManagement/directory/roleAssignments', () => {
  it('lists unifiedRoleAssignments at the tenant scope, filtered by roleDefinitionId', async () => {
    const all = await allPages('/roleManagement/directory/roleAssignments');
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const a of all) expect(Object.keys(a).sort()).toEqual(['appScopeId', 'condition', 'directoryScopeId', 'id', 'principalId', 'roleDefinitionId']);
    const readers = await allPages(`/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${ROLE.globalReader}'`);
    expect(readers.map((a) => a.principalId)).toEqual([IDS.allStaff]);
    expect(readers[0]).toMatchObject({ directoryScopeId: '/', roleDefinitionId: ROLE.globalReader });
    expect((await call(emulator, `/roleManagement/directory/roleAssignments/${readers[0].id}`)).body.principalId).toBe(IDS.allStaff);
  });
});

describe('GET /deviceManagement/managedDevices', () => {
  it('lists every user\'s managed devices with the primary user, filtered by operatingSystem, with $select', async () => {
    const all = await allPages('/deviceManagement/managedDevices');
    expect(all.map((d) => [d.userId, d.operatingSystem]).sort()).toEqual([
      [IDS.alice, 'iOS'],
      [IDS.bob, 'Android'],
    ].sort());
    const android = await allPages(`/deviceManagement/managedDevices?$filter=operatingSystem eq 'Android'&$select=id,complianceState,userId`);
    expect(android).toEqual([{ id: 'de000000-0000-4000-8000-000000000001', complianceState: 'compliant', userId: IDS.bob }]);
    expect(await allPages(`/deviceManagement/managedDevices?$filter=operatingSystem eq 'Windows'`)).toEqual([]);
  });
});
