import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { IDS, call, contoso, expectGraphError } from './helpers';

let emulator: GraphEmulator;
beforeEach(async () => {
  emulator = await startGraphEmulator(contoso() as TenantSnapshot, { pageSize: 2 });
});
afterEach(() => emulator.close());

const batch = (requests: unknown[]) => call(emulator, '/$batch', { method: 'POST', json: { requests } });
const byId = (body: any) => Object.fromEntries(body.responses.map((r: any) => [r.id, r]));

describe('POST /$batch', () => {
  it('runs each inner request through the router; one 404 does not fail the others; counts once', async () => {
    const before = emulator.requests.length;
    const { status, body } = await batch([
      { id: '1', method: 'GET', url: `/users/${IDS.alice}?$select=id,userType` },
      { id: '2', method: 'GET', url: '/users/ghost@contoso.com' },
      { id: '3', method: 'GET', url: `/users/${IDS.bob}/transitiveMemberOf?$select=id` },
      { id: '4', method: 'GET', url: '/identity/conditionalAccess/policies' },
    ]);
    expect(status).toBe(200);
    expect(emulator.requests.slice(before)).toEqual([{ method: 'POST', path: '/v1.0/$batch' }]);
    const responses = byId(body);
    expect(responses['1']).toEqual({
      id: '1',
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { '@odata.context': expect.any(String), id: IDS.alice, userType: 'Member' },
    });
    expect(responses['2'].status).toBe(404);
    expect(responses['2'].body.error.code).toBe('Request_ResourceNotFound');
    // paging works inside a batch; the nextLink points at the emulator
    expect(responses['3'].body.value).toHaveLength(2);
    expect(responses['3'].body['@odata.nextLink']).toMatch(new RegExp(`^${emulator.baseUrl}/users/${IDS.bob}/transitiveMemberOf\\?`));
    expect(responses['4'].body.value[0].id).toBe(IDS.caPolicy);
  });

  it('accepts the url forms clients send: relative, with /v1.0, absolute', async () => {
    const { body } = await batch([
      { id: 'a', method: 'GET', url: `users/${IDS.alice}` },
      { id: 'b', method: 'GET', url: `/v1.0/users/${IDS.alice}` },
      { id: 'c', method: 'GET', url: `https://graph.microsoft.com/v1.0/users/${IDS.alice}` },
      { id: 'd', method: 'GET', url: '/beta/users' },
    ]);
    const responses = byId(body);
    for (const id of ['a', 'b', 'c']) expect(responses[id]).toMatchObject({ status: 200, body: { id: IDS.alice } });
    expect(responses.d.status).toBe(400);
  });

  it('refuses more than 20 requests with 400', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' }));
    const result = await batch(requests);
    expectGraphError(result, 400, 'BadRequest');
    expect(result.body.error.message).toContain('maximum is 20');
    expect((await batch(requests.slice(0, 20))).status).toBe(200);
  });

  it('refuses malformed payloads', async () => {
    expectGraphError(await call(emulator, '/$batch', { method: 'POST', json: { nope: [] } }), 400, 'BadRequest');
    expectGraphError(await batch([]), 400, 'BadRequest');
    expectGraphError(await batch([{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }]), 400, 'BadRequest');
    expectGraphError(await batch([{ id: '1', method: 'GET' }]), 400, 'BadRequest');
    expectGraphError(await batch([{ id: '1', method: 'GET', url: '/organization', dependsOn: ['9'] }]), 400, 'BadRequest');
    expectGraphError(await call(emulator, '/$batch', { method: 'POST', body: '{', headers: { 'Content-Type': 'application/json' } }), 400, 'BadRequest');
    expectGraphError(await call(emulator, '/$batch'), 405, 'Request_BadRequest');
  });

  it('carries writes: a TAP created in a batch comes back with its value, later reads show null', async () => {
    const { body } = await batch([
      {
        id: 'create',
        method: 'POST',
        url: `/users/${IDS.alice}/authentication/temporaryAccessPassMethods`,
        headers: { 'Content-Type': 'application/json' },
        body: { lifetimeInMinutes: 60 },
      },
      { id: 'read', method: 'GET', url: `/users/${IDS.alice}/authentication/temporaryAccessPassMethods`, dependsOn: ['create'] },
      { id: 'join', method: 'POST', url: `/groups/${IDS.payroll}/members/$ref`, body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${IDS.dave}` } },
    ]);
    const responses = byId(body);
    expect(responses.create.status).toBe(201);
    expect(responses.create.body.temporaryAccessPass).toEqual(expect.any(String));
    expect(responses.read.body.value).toEqual([expect.objectContaining({ id: responses.create.body.id, temporaryAccessPass: null })]);
    expect(responses.join).toEqual({ id: 'join', status: 204, headers: {} });
  });

  it('answers 424 for a request whose dependency failed', async () => {
    const { body } = await batch([
      { id: '1', method: 'GET', url: '/users/ghost' },
      { id: '2', method: 'GET', url: '/organization', dependsOn: ['1'] },
    ]);
    expect(byId(body)['2'].status).toBe(424);
    expect(byId(body)['2'].body.error.code).toBe('FailedDependency');
  });

  it('applies injected faults to the batch itself, not to inner requests', async () => {
    emulator.failNext(1, 429, { retryAfterSeconds: 2 });
    const throttled = await batch([{ id: '1', method: 'GET', url: '/organization' }]);
    expectGraphError(throttled, 429, 'TooManyRequests');
    expect(throttled.headers.get('retry-after')).toBe('2');

    emulator.failNext(1, 503, { pathContains: '/organization' });
    const { body } = await batch([{ id: '1', method: 'GET', url: '/organization' }]);
    expect(byId(body)['1'].status).toBe(200); // inner urls are not matched against pathContains
    expectGraphError(await call(emulator, '/organization'), 503, 'ServiceUnavailable');
  });

  it('needs the bearer token on the batch, not on inner requests', async () => {
    expectGraphError(await call(emulator, '/$batch', { method: 'POST', json: { requests: [] }, headers: { Authorization: '' } }), 401, 'InvalidAuthenticationToken');
  });
});
