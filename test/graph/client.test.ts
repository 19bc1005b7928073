// The client's middleware chain against the loopback Graph emulator: base URLs, bearer token,
// the SDK's retries on 429/503, our per-request timeout, and how failures come out.
// Waits (Retry-After, timeouts, the emulator's injected delays) run on fake timers moved by the
// test, so what is asserted is the order of events, never how long the machine took.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createGraphClient, GraphReadError, readAll, StaticTokenCredential } from '../../src/graph';
import { normaliseBaseUrl } from '../../src/graph/client';
import { fakeTimers, track, until, settle, type FakeTimers } from '../helpers/time';
import { TOKEN, clientFor, emulators, example, rejectionOf } from './helpers';

const CA_PATH = '/identity/conditionalAccess/policies';
const pool = emulators();

let clock: FakeTimers | undefined;
afterEach(() => {
  clock?.uninstall();
  clock = undefined;
});

describe('base URL', () => {
  it.each([
    ['origin only', (url: string) => url],
    ['origin with trailing slash', (url: string) => `${url}/`],
    ['with /v1.0', (url: string) => `${url}/v1.0`],
    ['with /v1.0/', (url: string) => `${url}/v1.0/`],
  ])('%s reaches /v1.0/... with single slashes', async (_label, baseUrlOf) => {
    const emulator = await pool.start(example('01').snapshot);
    const client = createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: baseUrlOf(emulator.url) });

    const policies = await readAll(client, CA_PATH);

    expect(policies).toHaveLength(1);
    expect(emulator.requests).toEqual([{ method: 'GET', path: `/v1.0${CA_PATH}` }]);
  });

  it('normalises to a base ending in "/" and a version', () => {
    expect(normaliseBaseUrl('https://graph.microsoft.com')).toEqual({ baseUrl: 'https://graph.microsoft.com/', version: 'v1.0' });
    expect(normaliseBaseUrl('https://graph.microsoft.us/beta/')).toEqual({ baseUrl: 'https://graph.microsoft.us/', version: 'beta' });
    expect(normaliseBaseUrl('http://127.0.0.1:8080/proxy/v1.0')).toEqual({ baseUrl: 'http://127.0.0.1:8080/proxy/', version: 'v1.0' });
  });
});

describe('authentication', () => {
  it('sends the credential token as a bearer token (the emulator requires one)', async () => {
    const emulator = await pool.start(example('01').snapshot, { requireAuth: true });
    await expect(readAll(clientFor(emulator), CA_PATH)).resolves.toHaveLength(1);
  });

  it('asks the credential for the Graph .default scope', async () => {
    const emulator = await pool.start(example('01').snapshot);
    const scopes: (string | string[])[] = [];
    const credential: TokenCredential = {
      async getToken(scope): Promise<AccessToken> {
        scopes.push(scope);
        return { token: TOKEN, expiresOnTimestamp: Date.now() + 60_000 };
      },
    };
    await readAll(clientFor(emulator, { credential }), CA_PATH);
    expect(scopes).toEqual(['https://graph.microsoft.com/.default']);
  });

  it('maps a rejected token to kind "unauthorized"', async () => {
    const emulator = await pool.start(example('01').snapshot, { requireAuth: true });
    const error = await rejectionOf(readAll(clientFor(emulator, { credential: new StaticTokenCredential('') }), CA_PATH));
    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, code: 'InvalidAuthenticationToken' });
    expect(error.message).toMatch(/^Graph GET \/identity\/conditionalAccess\/policies: 401 InvalidAuthenticationToken — /);
  });

  it('refuses to follow a link to another origin (no token leaves for a foreign host)', async () => {
    const ours = await pool.start(example('01').snapshot);
    const foreign = await pool.start(example('01').snapshot);
    const error = await rejectionOf(readAll(clientFor(ours), `${foreign.baseUrl}${CA_PATH}`));
    expect(error).toMatchObject({ kind: 'other' });
    expect(error.message).toContain('refusing to follow a link outside the Graph base URL');
    expect(foreign.requests).toHaveLength(0);
    expect(ours.requests).toHaveLength(0);
  });
});

describe('retries (the SDK RetryHandler)', () => {
  it('retries a 429 and succeeds', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 429, { retryAfterSeconds: 0 });
    await expect(readAll(clientFor(emulator), CA_PATH)).resolves.toHaveLength(1);
    expect(emulator.requests).toHaveLength(2);
  });

  it('waits for Retry-After before retrying', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 429, { retryAfterSeconds: 1 });
    clock = fakeTimers();
    const read = track(readAll(clientFor(emulator), CA_PATH));
    await until(() => clock!.scheduled(1000) === 1, 'the SDK to sleep for the 1 s Retry-After');
    expect(emulator.requests).toHaveLength(1);

    await clock.advance(999);
    await settle();
    expect(emulator.requests).toHaveLength(1); // not a moment before Retry-After
    expect(read.settled).toBe(false);

    await clock.advance(1);
    await expect(read.promise).resolves.toHaveLength(1);
    expect(emulator.requests).toHaveLength(2);
  });

  it('gives up after maxRetries: 503 x4 is "unavailable"', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(4, 503, { retryAfterSeconds: 0 });
    const error = await rejectionOf(readAll(clientFor(emulator, { maxRetries: 3 }), CA_PATH));
    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, code: 'ServiceUnavailable', method: 'GET', path: CA_PATH });
    expect(error.message).toBe(`Graph unavailable (503) after 3 retries: GET ${CA_PATH}`);
    expect(emulator.requests).toHaveLength(4);
  });

  it('reports 429 that outlasts the retries as "throttled"', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(2, 429, { retryAfterSeconds: 0 });
    const error = await rejectionOf(readAll(clientFor(emulator, { maxRetries: 1 }), CA_PATH));
    expect(error).toMatchObject({ kind: 'throttled', status: 429 });
    expect(error.message).toBe(`Graph throttled (429) after 1 retries: GET ${CA_PATH}`);
    expect(emulator.requests).toHaveLength(2);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterSeconds: fails at once as "throttled"', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 429, { retryAfterSeconds: 1 });
    clock = fakeTimers(); // never advanced: the answer must come without any time passing
    const error = await rejectionOf(readAll(clientFor(emulator, { maxRetryAfterSeconds: 0.5 }), CA_PATH));
    expect(error).toMatchObject({ kind: 'throttled', status: 429 });
    expect(error.message).toBe(`Graph throttled (429, Retry-After 1 s): GET ${CA_PATH}`);
    expect(emulator.requests).toHaveLength(1);
    expect(clock.scheduled(1000)).toBe(0); // no sleep for the Retry-After was even started
  });

  it('does not retry a 500', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 500);
    const error = await rejectionOf(readAll(clientFor(emulator), CA_PATH));
    expect(error).toMatchObject({ kind: 'unavailable', status: 500, code: 'InternalServerError' });
    expect(emulator.requests).toHaveLength(1);
  });
});

describe('timeout and network failures', () => {
  it('aborts a request that takes longer than timeoutMs', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.delayNext(1, 2000);
    clock = fakeTimers();
    const read = track(readAll(clientFor(emulator, { timeoutMs: 200 }), CA_PATH));
    await until(() => clock!.scheduled(2000) === 1, 'the emulator to hold the request back');

    await clock.advance(199);
    await settle();
    expect(read.settled).toBe(false);
    await clock.advance(1); // 200 ms: the client gives up while the emulator still holds the answer
    const error = await rejectionOf(read.promise);
    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'timeout', status: null });
    expect(error.message).toBe(`Graph request timed out after 200 ms (GET ${CA_PATH})`);
    expect(emulator.requests).toHaveLength(1); // a timeout is not retried
  });

  it('gives each request its own window', async () => {
    const emulator = await pool.start(example('01').snapshot);
    const client = clientFor(emulator, { timeoutMs: 400 });
    emulator.delayNext(3, 300);
    clock = fakeTimers();
    // Three reads held 300 ms each: 900 ms in all, more than one 400 ms window, and none times out.
    for (let i = 1; i <= 3; i++) {
      const read = readAll(client, CA_PATH);
      await until(() => clock!.scheduled(300) === i, `read ${i} to be held back`);
      await clock.advance(300);
      await expect(read).resolves.toHaveLength(1);
    }
    expect(emulator.requests).toHaveLength(3);
  });

  it('reports an unreachable Graph as "unavailable" with the socket error', async () => {
    const emulator = await pool.start(example('01').snapshot);
    const client = clientFor(emulator);
    await emulator.close();
    const error = await rejectionOf(readAll(client, CA_PATH));
    expect(error).toMatchObject({ kind: 'unavailable', status: null });
    expect(error.message).toMatch(/^Graph GET \/identity\/conditionalAccess\/policies: Graph unreachable — .*ECONNREFUSED/);
  });
});

describe('error messages', () => {
  it('are one line, name method, path and Graph code, and never carry the token', async () => {
    const emulator = await pool.start(example('01').snapshot);
    const client = clientFor(emulator);
    const errors = [
      await rejectionOf(readAll(client, '/groups/00000000-0000-4000-8000-00000000dead/members')),
      await rejectionOf(readAll(client, '/no/such/segment')),
    ];
    expect(errors[0]).toMatchObject({ kind: 'notFound', status: 404, code: 'Request_ResourceNotFound' });
    expect(errors[0].message).toMatch(/^Graph GET \/groups\/00000000-0000-4000-8000-00000000dead\/members: 404 Request_ResourceNotFound — /);
    expect(errors[1]).toMatchObject({ kind: 'badRequest', status: 400 });
    for (const error of errors) {
      expect(error.message).not.toContain('\n');
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(TOKEN);
    }
  });
});
