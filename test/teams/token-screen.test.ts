// TokenScreen on its own: what it does when the signing keys cannot be had, how often a forged key
// id can make it fetch them, and the guard on the test-only Bot Framework cloud.
import { loadConfig } from '../../src/config';
import { createAdapter } from '../../src/teams/adapter';
import { createAgentsAdapter } from '../../src/teams/agents-adapter';
import { TokenScreen } from '../../src/teams/token-screen';
import { startTokenService, type TokenService } from '../helpers/jwt';
import { ROOT } from '../http/helpers';

const APP_ID = '3f1d9a52-7c4e-4b8a-9e21-5d6c7b8a9f10';
const SERVICE = 'https://smba.trafficmanager.net/emea/';
let tokens: TokenService;

beforeAll(async () => {
  tokens = await startTokenService();
});
afterAll(async () => {
  await tokens.close();
});

const activity = { channelId: 'msteams', serviceUrl: SERVICE };
const bearer = (claims: Record<string, unknown> = {}, kid = tokens.kid) => {
  const now = Math.floor(Date.now() / 1000);
  return `Bearer ${tokens.sign({ alg: 'RS256', typ: 'JWT', kid }, { iss: tokens.issuer, aud: APP_ID, serviceurl: SERVICE, nbf: now - 5, exp: now + 3600, ...claims })}`;
};

it('accepts a channel token, and refuses one whose key does not endorse the channel', async () => {
  const screen = new TokenScreen({ appId: APP_ID, issuer: tokens.issuer, openIdMetadataUrl: tokens.openIdMetadataUrl });
  expect(await screen.check(bearer(), activity)).toEqual({ ok: true });
  expect(await screen.check(bearer(), { ...activity, channelId: 'emulator' })).toEqual({ ok: false, status: 401, reason: 'signing key does not endorse this channel' });
});

it('answers 503, not 401 or 500, when the signing keys cannot be fetched', async () => {
  const screen = new TokenScreen({ appId: APP_ID, issuer: tokens.issuer, openIdMetadataUrl: `${tokens.url}/no-such-metadata` });
  expect(await screen.check(bearer(), activity)).toMatchObject({ ok: false, status: 503, reason: expect.stringMatching(/^signing keys unavailable: .*404/) });
});

it('fetches the keys again for an unknown key id at most once per 5 minutes', async () => {
  let now = Date.now();
  const fetches: string[] = [];
  const real = global.fetch;
  const spy = jest.spyOn(global, 'fetch').mockImplementation((input, init) => {
    fetches.push(String(input));
    return real(input, init);
  });
  try {
    const screen = new TokenScreen({ appId: APP_ID, issuer: tokens.issuer, openIdMetadataUrl: tokens.openIdMetadataUrl, now: () => now });
    expect(await screen.check(bearer(), activity)).toEqual({ ok: true });
    expect(fetches).toHaveLength(2); // metadata, then keys
    for (let i = 0; i < 20; i++) expect(await screen.check(bearer({}, `forged-${i}`), activity)).toMatchObject({ status: 401, reason: 'unknown signing key' });
    expect(fetches).toHaveLength(2);
    now += 5 * 60_000;
    await screen.check(bearer({}, 'forged-again'), activity);
    expect(fetches).toHaveLength(4);
  } finally {
    spy.mockRestore();
  }
});

describe.each([
  ['botbuilder', createAdapter],
  ['agents', createAgentsAdapter],
] as const)('the test-only Bot Framework cloud, %s edge', (_sdk, createAdapter) => {
  const online = () => loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppTenantId: '7d1c3c1e-5b1a-4c43-9a55-0f1d2e3c4b5a', TENANT_SNAPSHOT: 'fixtures/demo-tenant.json', GRAPH_AUTH: 'static' }, ROOT);

  it('takes only loopback endpoints', () => {
    expect(() => createAdapter(online(), () => undefined, { ...tokens.cloud(APP_ID), authority: 'https://login.microsoftonline.com/x' })).toThrow(/authority must be a loopback URL/);
    const cloud = { ...tokens.cloud(APP_ID), openIdMetadataUrl: 'https://keys.example.com/openid' };
    expect(() => createAdapter(online(), () => undefined, cloud)).toThrow(/openIdMetadataUrl must be a loopback URL/);
    expect(() => createAdapter(online(), () => undefined, { ...tokens.cloud(APP_ID), loginUrl: 'https://127.0.0.1.example.com/' })).toThrow(/loginUrl must be a loopback URL/);
  });

  it('is refused in the offline demo, where authentication is off', () => {
    expect(() => createAdapter(loadConfig({}, ROOT), () => undefined, tokens.cloud(APP_ID))).toThrow(/needs MicrosoftAppId/);
  });

  it('is announced in the log when used', () => {
    const events: Record<string, unknown>[] = [];
    createAdapter(online(), (e) => events.push(e), tokens.cloud(APP_ID));
    expect(events).toEqual([expect.objectContaining({ event: 'auth.testCloud' })]);
  });
});
