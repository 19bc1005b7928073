import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { fakeTimers, settle, track, until, type FakeTimers } from '../helpers/time';
import { IDS, ROLE, call, contoso, expectGraphError } from './helpers';

let emulator: GraphEmulator;
beforeAll(async () => {
  emulator = await startGraphEmulator(contoso() as TenantSnapshot);
});
afterAll(() => emulator.close());

describe('policies', () => {
  it('lists conditional access policies in a Graph collection', async () => {
    const { status, headers, body } = await call(emulator, '/identity/conditionalAccess/policies');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('request-id')).toEqual(expect.any(String));
    expect(body['@odata.context']).toBe(`${emulator.baseUrl}/$metadata#identity/conditionalAccess/policies`);
    expect(body.value.map((p: any) => p.id)).toEqual([IDS.caPolicy]);
    expect(body['@odata.nextLink']).toBeUndefined();
  });

  it('gets one policy, and 404s an unknown one', async () => {
    expect((await call(emulator, `/identity/conditionalAccess/policies/${IDS.caPolicy}`)).body.displayName).toBe(
      'Finance: phishing-resistant MFA',
    );
    expectGraphError(await call(emulator, '/identity/conditionalAccess/policies/nope'), 404, 'Request_ResourceNotFound');
  });

  it('lists named locations with their @odata.type', async () => {
    const { body } = await call(emulator, '/identity/conditionalAccess/namedLocations');
    expect(body.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Office' })]);
  });

  it('lists custom and built-in authentication strengths and gets one', async () => {
    const { body } = await call(emulator, '/policies/authenticationStrengthPolicies');
    expect(body.value.map((s: any) => s.policyType)).toEqual(['custom', 'builtIn', 'builtIn', 'builtIn']);
    const builtIn = await call(emulator, '/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000003');
    expect(builtIn.body).toMatchObject({ displayName: 'Passwordless MFA', allowedCombinations: expect.arrayContaining(['deviceBasedPush']) });
  });

  it('returns the authentication methods policy with its configurations, and one configuration by id', async () => {
    const { body } = await call(emulator, '/policies/authenticationMethodsPolicy');
    expect(body.authenticationMethodConfigurations.map((c: any) => c['@odata.type'])).toEqual([
      '#microsoft.graph.fido2AuthenticationMethodConfiguration',
      '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
    ]);
    const tap = await call(emulator, '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass');
    expect(tap.body).toMatchObject({ id: 'TemporaryAccessPass', maximumLifetimeInMinutes: 480 });
    const keySyntax = await call(emulator, "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations('Fido2')");
    expect(keySyntax.body.id).toBe('Fido2');
  });
});

describe('users', () => {
  it('looks a user up by id, and by userPrincipalName case-insensitively and URL-encoded', async () => {
    const byId = await call(emulator, `/users/${IDS.alice}`);
    const byUpn = await call(emulator, `/users/${encodeURIComponent('ALICE.smith@Contoso.com')}`);
    const byKey = await call(emulator, `/users('${IDS.alice}')`);
    for (const result of [byId, byUpn, byKey]) {
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ id: IDS.alice, userPrincipalName: 'Alice.Smith@contoso.com' });
    }
    expect(byId.body['@odata.context']).toBe(`${emulator.baseUrl}/$metadata#users/$entity`);
    expect((await call(emulator, `/users/${encodeURIComponent("bob.o'neil@contoso.com")}`)).body.id).toBe(IDS.bob);
    const guest = await call(emulator, `/users/${encodeURIComponent('carol_fabrikam.com#EXT#@contoso.onmicrosoft.com')}`);
    expect(guest.body.id).toBe(IDS.carol);
  });

  it('returns Graph default user properties, never the snapshot-only lists; $select adds the rest', async () => {
    const plain = (await call(emulator, `/users/${IDS.alice}`)).body;
    expect(plain).not.toHaveProperty('authenticationMethods');
    expect(plain).not.toHaveProperty('memberOf');
    expect(plain).not.toHaveProperty('userType'); // as in Graph: needs $select
    expect(plain).toMatchObject({ businessPhones: [], jobTitle: null, displayName: 'Alice Smith' });
    const selected = (await call(emulator, `/users/${IDS.alice}?$select=userType,AccountEnabled,memberOf`)).body;
    expect(selected).toEqual({
      '@odata.context': expect.any(String),
      id: IDS.alice,
      userType: 'Member',
      accountEnabled: true,
    });
  });

  it('returns every stored property with returnAllProperties', async () => {
    const full = await startGraphEmulator(contoso() as TenantSnapshot, { returnAllProperties: true });
    try {
      const { body } = await call(full, `/users/${IDS.carol}`);
      expect(body).toMatchObject({ userType: 'Guest', accountEnabled: true });
      expect(body).not.toHaveProperty('managedDevices');
    } finally {
      await full.close();
    }
  });

  it('404s an unknown user in Graph error shape, echoing client-request-id', async () => {
    const result = await call(emulator, '/users/nobody@contoso.com', { headers: { 'client-request-id': 'my-correlation-id' } });
    expectGraphError(result, 404, 'Request_ResourceNotFound');
    expect(result.body.error.message).toBe(
      "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    );
    expect(result.body.error.innerError['client-request-id']).toBe('my-correlation-id');
    expect(result.headers.get('client-request-id')).toBe('my-correlation-id');
    expect(result.headers.get('request-id')).toBe(result.body.error.innerError['request-id']);
  });

  it("supports $filter=userPrincipalName eq '...' and refuses filters it cannot honour", async () => {
    const { body } = await call(emulator, `/users?$filter=${encodeURIComponent("userPrincipalName eq 'DAVE@contoso.com'")}`);
    expect(body.value.map((u: any) => u.id)).toEqual([IDS.dave]);
    const none = await call(emulator, `/users?$filter=${encodeURIComponent("userPrincipalName eq 'zed@contoso.com'")}`);
    expect(none.body.value).toEqual([]);
    const guests = await call(emulator, `/users?$filter=${encodeURIComponent("userType eq 'Guest'")}&$select=id`);
    expect(guests.body.value).toEqual([{ id: IDS.carol }]);
    expectGraphError(await call(emulator, `/users?$filter=${encodeURIComponent("startswith(displayName,'A')")}`), 400, 'Request_UnsupportedQuery');
  });

  it('lists authentication methods, and the typed lists filtered by @odata.type', async () => {
    const all = (await call(emulator, `/users/${IDS.dave}/authentication/methods`)).body.value;
    expect(all).toHaveLength(4);
    const fido = (await call(emulator, `/users/dave@contoso.com/authentication/fido2Methods`)).body.value;
    expect(fido).toEqual([expect.objectContaining({ id: IDS.daveFido, aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f' })]);
    const authenticator = (await call(emulator, `/users/${IDS.dave}/authentication/microsoftAuthenticatorMethods`)).body.value;
    expect(authenticator.map((m: any) => m.displayName)).toEqual(['iPhone']);
    const taps = (await call(emulator, `/users/${IDS.dave}/authentication/temporaryAccessPassMethods`)).body.value;
    expect(taps).toEqual([expect.objectContaining({ id: IDS.daveTap, temporaryAccessPass: null })]);
    expect((await call(emulator, `/users/${IDS.alice}/authentication/fido2Methods`)).body.value).toEqual([]);
    expectGraphError(await call(emulator, `/users/nobody/authentication/methods`), 404, 'Request_ResourceNotFound');
  });

  it('lists managed devices', async () => {
    const { body } = await call(emulator, `/users/${IDS.bob}/managedDevices`);
    expect(body.value).toEqual([expect.objectContaining({ operatingSystem: 'Android', complianceState: 'compliant' })]);
  });
});

describe('membership', () => {
  const group = (id: string, displayName: string) => ({ '@odata.type': '#microsoft.graph.group', id, displayName });
  const role = (roleTemplateId: string, displayName: string) => ({
    '@odata.type': '#microsoft.graph.directoryRole',
    id: roleTemplateId,
    roleTemplateId,
    displayName,
  });

  it('memberOf lists direct groups and directly assigned roles', async () => {
    const { body } = await call(emulator, `/users/${IDS.alice}/memberOf`);
    expect(body.value).toEqual([group(IDS.finance, 'Finance'), role(ROLE.authenticationAdministrator, 'Authentication Administrator')]);
  });

  it('transitiveMemberOf follows nested groups and adds roles held through any of them', async () => {
    const { body } = await call(emulator, `/users/${IDS.bob}/transitiveMemberOf`);
    expect(body.value).toEqual([
      group(IDS.payroll, 'Payroll'),
      group(IDS.finance, 'Finance'),
      group(IDS.allStaff, 'All staff'),
      role(ROLE.globalReader, 'Global Reader'),
    ]);
    const alice = (await call(emulator, `/users/${IDS.alice}/transitiveMemberOf?$select=id,roleTemplateId`)).body.value;
    expect(alice).toEqual([
      { '@odata.type': '#microsoft.graph.group', id: IDS.finance },
      { '@odata.type': '#microsoft.graph.group', id: IDS.allStaff },
      { '@odata.type': '#microsoft.graph.directoryRole', id: ROLE.authenticationAdministrator, roleTemplateId: ROLE.authenticationAdministrator },
      { '@odata.type': '#microsoft.graph.directoryRole', id: ROLE.globalReader, roleTemplateId: ROLE.globalReader },
    ]);
    expect((await call(emulator, `/users/${IDS.dave}/transitiveMemberOf`)).body.value).toEqual([]);
  });

  it('tolerates cyclic nesting', async () => {
    const snapshot = contoso();
    snapshot.groups[1].members.push(IDS.allStaff); // All staff inside Payroll, which is inside All staff
    const cyclic = await startGraphEmulator(snapshot as TenantSnapshot);
    try {
      const ids = (await call(cyclic, `/users/${IDS.bob}/transitiveMemberOf?$select=id`)).body.value.map((g: any) => g.id);
      expect(ids.sort()).toEqual([IDS.allStaff, IDS.finance, IDS.payroll, ROLE.globalReader].sort());
    } finally {
      await cyclic.close();
    }
  });

  it('gets a group (without its members property), its members and transitive members', async () => {
    const { body } = await call(emulator, `/groups/${IDS.finance}`);
    expect(body).toEqual({ '@odata.context': `${emulator.baseUrl}/$metadata#groups/$entity`, id: IDS.finance, displayName: 'Finance' });
    const members = (await call(emulator, `/groups/${IDS.finance}/members?$select=id,displayName`)).body.value;
    expect(members).toEqual([
      { '@odata.type': '#microsoft.graph.group', id: IDS.payroll, displayName: 'Payroll' },
      { '@odata.type': '#microsoft.graph.user', id: IDS.alice, displayName: 'Alice Smith' },
    ]);
    const transitive = (await call(emulator, `/groups/${IDS.allStaff}/transitiveMembers?$select=id`)).body.value.map((m: any) => m.id);
    expect(transitive).toEqual([IDS.finance, IDS.payroll, IDS.alice, IDS.bob]);
    expectGraphError(await call(emulator, '/groups/nope/members'), 404, 'Request_ResourceNotFound');
  });

  it("a group's memberOf lists the groups it is directly in, with roles assigned to it, paged", async () => {
    const { body } = await call(emulator, `/groups/${IDS.payroll}/memberOf?$select=id,displayName`);
    expect(body).toEqual({ '@odata.context': `${emulator.baseUrl}/$metadata#directoryObjects`, value: [group(IDS.finance, 'Finance')] });
    expect((await call(emulator, `/groups/${IDS.allStaff}/memberOf`)).body.value).toEqual([role(ROLE.globalReader, 'Global Reader')]);
    const snapshot = contoso();
    snapshot.groups[3].members.push(IDS.payroll); // Payroll in Finance and in No TAP
    const small = await startGraphEmulator(snapshot as TenantSnapshot, { pageSize: 1 });
    try {
      const first = (await call(small, `/groups/${IDS.payroll}/memberOf?$select=id`)).body;
      expect(first.value).toEqual([{ '@odata.type': '#microsoft.graph.group', id: IDS.finance }]);
      expect(first['@odata.nextLink']).toMatch(/\/groups\/.+\/memberOf\?\$select=id&\$skiptoken=/);
      const second = (await call(small, first['@odata.nextLink'])).body;
      expect(second.value).toEqual([{ '@odata.type': '#microsoft.graph.group', id: IDS.tapExcluded }]);
      expect(second['@odata.nextLink']).toBeUndefined();
    } finally {
      await small.close();
    }
    expectGraphError(await call(emulator, '/groups/nope/memberOf'), 404, 'Request_ResourceNotFound');
  });
});

describe('service principals', () => {
  it("finds one by id and by appId; custom security attributes only when selected", async () => {
    const byAppId = await call(emulator, "/servicePrincipals(appId='4813382a-8fa7-425e-ab75-3b753aab3abb')");
    expect(byAppId.body).toMatchObject({ id: IDS.authenticatorSp, displayName: 'Microsoft Authenticator App' });
    expect(byAppId.body).not.toHaveProperty('customSecurityAttributes');
    const selected = await call(emulator, `/servicePrincipals/${IDS.authenticatorSp}?$select=id,customSecurityAttributes`);
    expect(selected.body.customSecurityAttributes.Apps.tier).toBe('mobile');
    expect((await call(emulator, '/servicePrincipals')).body.value).toHaveLength(1);
    expectGraphError(await call(emulator, "/servicePrincipals(appId='00000000-1111-2222-3333-444444444444')"), 404, 'Request_ResourceNotFound');
  });
});

describe('paging', () => {
  let big: GraphEmulator;
  beforeAll(async () => {
    const snapshot = contoso();
    for (let i = 0; i < 246; i++) {
      snapshot.users.push({ id: `user-${i}`, userPrincipalName: `user${i}@contoso.com`, displayName: `User ${i}` });
    }
    big = await startGraphEmulator(snapshot as TenantSnapshot);
  });
  afterAll(() => big.close());

  async function followAll(first: string): Promise<{ pages: number; ids: string[]; links: string[] }> {
    const ids: string[] = [];
    const links: string[] = [];
    let url: string | undefined = first;
    let pages = 0;
    while (url) {
      const { status, body } = await call(big, url);
      expect(status).toBe(200);
      pages++;
      ids.push(...body.value.map((u: any) => u.id));
      url = body['@odata.nextLink'];
      if (url) links.push(url);
    }
    return { pages, ids, links };
  }

  it('pages /users by the default page size (100) with absolute nextLinks', async () => {
    const { pages, ids, links } = await followAll('/users');
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(250);
    expect(links[0]).toMatch(new RegExp(`^${big.baseUrl.replace(/\./g, '\\.')}/users\\?\\$skiptoken=`));
  });

  it('honours $top and keeps $select on every page', async () => {
    const { pages, ids, links } = await followAll('/users?$top=40&$select=displayName');
    expect(pages).toBe(7);
    expect(ids).toHaveLength(250);
    expect(links.every((l) => l.includes('$top=40') && l.includes('$select=displayName'))).toBe(true);
    const lastPage = (await call(big, links[links.length - 1])).body.value;
    expect(Object.keys(lastPage[0]).sort()).toEqual(['displayName', 'id']);
  });

  it('uses the pageSize option, and rejects $top beyond 999 and forged skip tokens', async () => {
    const small = await startGraphEmulator(contoso() as TenantSnapshot, { pageSize: 3 });
    try {
      const first = await call(small, '/users');
      expect(first.body.value).toHaveLength(3);
      const second = await call(small, first.body['@odata.nextLink']);
      expect(second.body.value).toHaveLength(1);
      expect(second.body['@odata.nextLink']).toBeUndefined();
    } finally {
      await small.close();
    }
    expect((await call(big, '/users?$top=999')).body.value).toHaveLength(250);
    expectGraphError(await call(big, '/users?$top=1000'), 400, 'Request_BadRequest');
    expectGraphError(await call(big, '/users?$skiptoken=garbage'), 400, 'Request_BadRequest');
  });
});

describe('protocol errors', () => {
  it('answers 401 InvalidAuthenticationToken without a bearer token', async () => {
    const none = await call(emulator, '/users', { headers: { Authorization: '' } });
    expectGraphError(none, 401, 'InvalidAuthenticationToken');
    const basic = await call(emulator, '/users', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expectGraphError(basic, 401, 'InvalidAuthenticationToken');
  });

  it('does not ask for a token when requireAuth is false', async () => {
    const open = await startGraphEmulator(contoso() as TenantSnapshot, { requireAuth: false });
    try {
      const response = await fetch(`${open.baseUrl}/users/${IDS.alice}`);
      expect(response.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('answers 400 for unknown segments and versions, 405 for wrong methods, 400 for malformed JSON', async () => {
    const segment = await call(emulator, `/users/${IDS.alice}/nonsense`);
    expectGraphError(segment, 400, 'BadRequest');
    expect(segment.body.error.message).toBe("Resource not found for the segment 'nonsense'.");
    expectGraphError(await call(emulator, `${emulator.url}/beta/users`), 400, 'BadRequest');
    expectGraphError(await call(emulator, `/users/${IDS.alice}`, { method: 'DELETE' }), 405, 'Request_BadRequest');
    const malformed = await call(emulator, `/users/${IDS.alice}/authentication/temporaryAccessPassMethods`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"lifetimeInMinutes": ',
    });
    expectGraphError(malformed, 400, 'BadRequest');
  });
});

describe('injected faults and delays', () => {
  it('fails the next N requests with 429 + Retry-After, then serves normally', async () => {
    emulator.failNext(2, 429, { retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const result = await call(emulator, `/users/${IDS.alice}`);
      expectGraphError(result, 429, 'TooManyRequests');
      expect(result.headers.get('retry-after')).toBe('7');
    }
    expect((await call(emulator, `/users/${IDS.alice}`)).status).toBe(200);
  });

  it('answers 503 with Retry-After and 500 without, only on matching paths', async () => {
    emulator.failNext(1, 503, { pathContains: '/managedDevices' });
    emulator.failNext(1, 500, { pathContains: '/groups/' });
    expect((await call(emulator, `/users/${IDS.alice}`)).status).toBe(200);
    const unavailable = await call(emulator, `/users/${IDS.bob}/managedDevices`);
    expectGraphError(unavailable, 503, 'ServiceUnavailable');
    expect(unavailable.headers.get('retry-after')).toBe('1');
    const internal = await call(emulator, `/groups/${IDS.finance}`);
    expectGraphError(internal, 500, 'InternalServerError');
    expect(internal.headers.get('retry-after')).toBeNull();
    expect((await call(emulator, `/users/${IDS.bob}/managedDevices`)).status).toBe(200);
  });

  it('records every request, including failed ones', async () => {
    const before = emulator.requests.length;
    emulator.failNext(1, 429);
    await call(emulator, '/users?$top=1');
    await call(emulator, '/users?$top=1');
    expect(emulator.requests.slice(before)).toEqual([
      { method: 'GET', path: '/v1.0/users?$top=1' },
      { method: 'GET', path: '/v1.0/users?$top=1' },
    ]);
  });

  describe('injected delays (on fake timers: time moves only when the test says)', () => {
    let clock: FakeTimers;
    beforeEach(() => {
      clock = fakeTimers();
    });
    afterEach(() => clock.uninstall());

    it('holds back the next matching request for the given time, then answers it; the one after is not held', async () => {
      emulator.delayNext(1, 400, '/organization');
      const held = track(call(emulator, '/organization'));
      await until(() => clock.scheduled(400) === 1, 'the emulator to hold the request back');
      await clock.advance(399);
      await settle();
      expect(held.settled).toBe(false);
      await clock.advance(1);
      expect((await held.promise).body.value).toEqual([{ id: IDS.tenant, displayName: 'Contoso' }]);

      // The rule is spent: the next request is answered without time passing.
      const { body } = await call(emulator, '/organization');
      expect(body.value).toEqual([{ id: IDS.tenant, displayName: 'Contoso' }]);
      expect(clock.scheduled(400)).toBe(1);
    });

    it('so a client timeout can be tested: a client that gives up while the request is held gets nothing', async () => {
      emulator.delayNext(1, 400, '/organization');
      const controller = new AbortController();
      const request = fetch(`${emulator.baseUrl}/organization`, { headers: { Authorization: 'Bearer t' }, signal: controller.signal });
      await until(() => clock.scheduled(400) === 1, 'the emulator to hold the request back');
      controller.abort(); // the client's timeout, while the emulator still holds the answer
      await expect(request).rejects.toThrow();
      await clock.advance(400); // the held answer goes to a closed connection, harmlessly
      expect((await call(emulator, '/organization')).status).toBe(200);
    });

    it('close() does not wait for held-back requests', async () => {
      const slow = await startGraphEmulator(contoso() as TenantSnapshot);
      slow.delayNext(1, 60_000);
      const pending = fetch(`${slow.baseUrl}/users`, { headers: { Authorization: 'Bearer t' } }).catch((err: Error) => err);
      await until(() => clock.scheduled(60_000) === 1, 'the emulator to hold the request back');
      // The 60 s hold never runs out (fake time does not move), so close() must release it itself.
      await slow.close();
      await pending;
    });
  });
});
