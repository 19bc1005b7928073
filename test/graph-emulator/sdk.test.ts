// Wire compatibility: the real @microsoft/microsoft-graph-client against the emulator.
//
// Two SDK facts shape how a client must be set up for a plain-http loopback host:
// - AuthenticationHandler only sends the token to https Graph (or custom https) hosts and strips
//   any Authorization header otherwise, so with Client.init + authProvider no token ever arrives:
//   run the emulator with requireAuth: false, or put the header on in a middleware of your own.
// - GraphRequest only parses https:// absolute URLs; the emulator unwraps what the SDK then sends
//   for its http:// nextLinks, so PageIterator works unchanged.
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  MiddlewareFactory,
  PageIterator,
  type Context,
  type Middleware,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { fakeTimers, until } from '../helpers/time';
import { IDS, TOKEN, contoso } from './helpers';

let emulator: GraphEmulator;
let client: Client;
beforeEach(async () => {
  emulator = await startGraphEmulator(contoso() as TenantSnapshot, { pageSize: 2, requireAuth: false });
  client = Client.init({ authProvider: (done) => done(null, TOKEN), baseUrl: `${emulator.url}/`, defaultVersion: 'v1.0' });
});
afterEach(() => emulator.close());

/** Sets the bearer header on every request, whatever the host (the SDK's handler would strip it). */
class LoopbackBearer implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${this.token}` } };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

describe('with requireAuth (the default)', () => {
  let strict: GraphEmulator;
  beforeEach(async () => {
    strict = await startGraphEmulator(contoso() as TenantSnapshot, { pageSize: 2 });
  });
  afterEach(() => strict.close());

  it('Client.init with an authProvider gets 401: the SDK does not send tokens to http hosts', async () => {
    const plain = Client.init({ authProvider: (done) => done(null, TOKEN), baseUrl: `${strict.url}/`, defaultVersion: 'v1.0' });
    const error: unknown = await plain.api('/organization').get().catch((err: unknown) => err);
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
    expect((error as Error).message).toContain('requireAuth: false');
  });

  it('works with a middleware chain that sets the bearer header itself (paging and retries included)', async () => {
    const [, ...rest] = MiddlewareFactory.getDefaultMiddlewareChain({ getAccessToken: async () => TOKEN });
    const withToken = Client.initWithMiddleware({ middleware: [new LoopbackBearer(TOKEN), ...rest], baseUrl: `${strict.url}/`, defaultVersion: 'v1.0' });
    strict.failNext(1, 503, { retryAfterSeconds: 0 });
    const first: PageCollection = await withToken.api('/users').select('id').get();
    const ids: string[] = [];
    await new PageIterator(withToken, first, (user: { id: string }) => ids.push(user.id) > 0).iterate();
    expect(ids).toEqual([IDS.alice, IDS.bob, IDS.carol, IDS.dave]);
    expect(strict.requests.map((r) => r.path)).toEqual([
      '/v1.0/users?$select=id',
      '/v1.0/users?$select=id',
      expect.stringMatching(/^\/v1\.0\/http:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?\$select=id&\$skiptoken=/),
    ]);
  });
});

describe('@microsoft/microsoft-graph-client against the emulator', () => {
  it('GETs a user by UPN with $select', async () => {
    const user = await client.api('/users/Alice.Smith@contoso.com').select(['id', 'userType', 'accountEnabled']).get();
    expect(user).toMatchObject({ id: IDS.alice, userType: 'Member', accountEnabled: true });
    expect(emulator.requests.at(-1)?.path).toMatch(/^\/v1\.0\/users\/Alice\.Smith@contoso\.com\?\$select=id(%2C|,)userType/);
  });

  it('follows nextLinks with PageIterator', async () => {
    const first: PageCollection = await client.api(`/users/${IDS.bob}/transitiveMemberOf`).get();
    const ids: string[] = [];
    const iterator = new PageIterator(client, first, (item: { id: string }) => {
      ids.push(item.id);
      return true;
    });
    await iterator.iterate();
    expect(ids).toEqual([IDS.payroll, IDS.finance, IDS.allStaff, 'f2ef992c-3afb-46b9-b7cf-a126ee74c451']);
    expect(emulator.requests.filter((r) => r.path.includes('/transitiveMemberOf'))).toHaveLength(2);
  });

  it('surfaces Graph errors as GraphError with status and code', async () => {
    const error: unknown = await client.api('/users/ghost@contoso.com').get().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
  });

  it('retries an injected 429 after Retry-After (RetryHandler) and succeeds', async () => {
    emulator.failNext(2, 429, { retryAfterSeconds: 0, pathContains: '/organization' });
    const org = await client.api('/organization').get();
    expect(org.value[0].id).toBe(IDS.tenant);
    expect(emulator.requests.filter((r) => r.path.startsWith('/v1.0/organization'))).toHaveLength(3);
  });

  it('posts a TAP and reads it back', async () => {
    const created = await client.api(`/users/${IDS.alice}/authentication/temporaryAccessPassMethods`).post({ lifetimeInMinutes: 90 });
    expect(created.temporaryAccessPass).toEqual(expect.any(String));
    const listed = await client.api(`/users/${IDS.alice}/authentication/temporaryAccessPassMethods`).get();
    expect(listed.value).toEqual([expect.objectContaining({ id: created.id, lifetimeInMinutes: 90, temporaryAccessPass: null })]);
    await client.api(`/users/${IDS.alice}/authentication/temporaryAccessPassMethods/${created.id}`).delete();
    expect((await client.api(`/users/${IDS.alice}/authentication/temporaryAccessPassMethods`).get()).value).toEqual([]);
  });

  it('sends a BatchRequestContent $batch and reads each response with BatchResponseContent', async () => {
    const base = emulator.baseUrl;
    const content = new BatchRequestContent([
      { id: 'user', request: new Request(`${base}/users/${IDS.dave}?$select=id,displayName`, { method: 'GET' }) },
      { id: 'missing', request: new Request(`${base}/users/ghost@contoso.com`, { method: 'GET' }) },
      { id: 'methods', request: new Request(`${base}/users/${IDS.dave}/authentication/fido2Methods`, { method: 'GET' }) },
      {
        id: 'join',
        request: new Request(`${base}/groups/${IDS.payroll}/members/$ref`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${IDS.dave}` }),
        }),
      },
    ]);
    const before = emulator.requests.length;
    const raw = await client.api('/$batch').post(await content.getContent());
    expect(emulator.requests.slice(before)).toEqual([{ method: 'POST', path: '/v1.0/$batch' }]);

    const responses = new BatchResponseContent(raw);
    const user = responses.getResponseById('user');
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ id: IDS.dave, displayName: 'Dave' });
    const missing = responses.getResponseById('missing');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('Request_ResourceNotFound');
    expect((await responses.getResponseById('methods').json()).value[0].id).toBe(IDS.daveFido);
    expect(responses.getResponseById('join').status).toBe(204);
    const members = await client.api(`/groups/${IDS.payroll}/members`).select('id').get();
    expect(members.value.map((m: { id: string }) => m.id)).toEqual([IDS.bob, IDS.dave]);
  });

  it('times out on a delayed response with an AbortController, then recovers', async () => {
    emulator.delayNext(1, 500, '/organization');
    const clock = fakeTimers(); // the delay ends only when the test moves time on
    const controller = new AbortController();
    const request = client
      .api('/organization')
      .option('signal', controller.signal)
      .get()
      .catch((err: unknown) => err);
    try {
      // Abort once the emulator holds the request (not after a guessed 50 ms, which under load
      // could fire before the request even left).
      await until(() => clock.scheduled(500) === 1, 'the emulator to hold the request back');
      controller.abort();
    } finally {
      clock.uninstall();
    }
    const error = await request;
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ statusCode: -1 }); // the SDK's GraphError for "no response"
    expect(emulator.requests.filter((r) => r.path === '/v1.0/organization')).toHaveLength(1);
    expect((await client.api('/organization').get()).value).toHaveLength(1);
  });
});
