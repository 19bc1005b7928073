// Production authentication, for real: botbuilder's Bot Framework JWT validation on, against a
// loopback OpenID metadata + JWKS (test/helpers/jwt.ts). A forged or missing token gets a 401, a
// request that is not an activity a 400 — each with one single-line log event, nothing on stderr
// and no reply, state or ticket touched.
import { newRsaKey, unsignedToken } from '../helpers/jwt';
import { cardOf, cardText, EDGES, TENANT_ID } from './helpers';
import { APP_ID, startSecureHarness, type SecureHarness } from './secure-harness';

describe.each(EDGES)('on the %s edge', (sdk) => {
  let h: SecureHarness;
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const consoleCalls: unknown[][] = [];
  let restore: (() => void)[] = [];

  beforeAll(async () => {
    h = await startSecureHarness({ sdk, now: () => new Date('2026-10-05T10:00:00Z'), log: (e) => logs.push(e) });
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(() => {
    // What the process would print: console.* (jest would show it) and raw stderr writes.
    for (const m of ['error', 'warn', 'log', 'info', 'debug'] as const) {
      const spy = jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleCalls.push([m, ...args]));
      restore.push(() => spy.mockRestore());
    }
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    restore.push(() => (process.stderr.write = write));
  });
  afterEach(() => {
    restore.forEach((r) => r());
    restore = [];
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: h.tokens.issuer, aud: APP_ID, serviceurl: h.connector.url, nbf: now() - 5, exp: now() + 3600, ...extra });
  const header = () => ({ alg: 'RS256', typ: 'JWT', kid: h.tokens.kid });
  const message = (text = 'my TAP expired, Android 15, on the phone itself') => ({
    type: 'message',
    id: `auth-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: 'tom-teams-id', name: 'Tom Becker', aadObjectId: 'tom-object-id' },
    recipient: { id: `28:${APP_ID}` },
    conversation: { id: 'personal-auth-test', conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text,
  });

  /** One request: its status, the log events and output it caused, and whether anything was sent. */
  async function attempt(send: () => Promise<number>) {
    const logFrom = logs.length;
    const sentFrom = h.connector.sent.length;
    const outFrom = [stderr.length, consoleCalls.length];
    const status = await send();
    return {
      status,
      events: logs.slice(logFrom),
      sent: h.connector.sent.slice(sentFrom),
      printed: [...stderr.slice(outFrom[0]), ...consoleCalls.slice(outFrom[1]).map((c) => c.map(String).join(' '))],
    };
  }

  function expectOneQuietLine(r: Awaited<ReturnType<typeof attempt>>, status: number) {
    expect(r.status).toBe(status);
    expect(r.printed).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ event: 'request.refused', status });
    const line = JSON.stringify(r.events[0]);
    expect(line).not.toMatch(/\\n|\n|\s+at /);
    expect(r.sent).toEqual([]);
  }

  it('serves an activity with a valid channel token, and signs its own reply with the bot\'s token', async () => {
    const signedBefore = h.signed.length;
    const r = await attempt(async () => (await h.post(message())).status);
    expect(r.status).toBe(200);
    await h.connector.waitFor(h.connector.sent.length - 1, 1);
    expect(cardText(cardOf(h.connector.sent.at(-1)!.activity)).length).toBeGreaterThan(0);
    expect(h.signed.slice(signedBefore).every((u) => u.startsWith(h.connector.url))).toBe(true);
    expect(h.signed.length).toBeGreaterThan(signedBefore);
  });

  describe('a forged or missing token gets 401 and one log line', () => {
    it('a bad signature (signed by another key under the real key id)', async () => {
      const forged = h.tokens.sign(header(), claims(), newRsaKey());
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${forged}`)).status), 401);
    });

    it('alg: none', async () => {
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${unsignedToken(claims(), h.tokens.kid)}`)).status), 401);
    });

    it('a token not valid before an hour from now', async () => {
      const early = h.tokens.sign(header(), claims({ nbf: now() + 3600, exp: now() + 7200 }));
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${early}`)).status), 401);
    });

    it('an expired token', async () => {
      const old = h.tokens.sign(header(), claims({ nbf: now() - 7200, exp: now() - 3600 }));
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${old}`)).status), 401);
    });

    it('no token at all', async () => {
      expectOneQuietLine(await attempt(async () => (await h.post(message(), null)).status), 401);
    });

    it('a token for another bot, or for another serviceUrl', async () => {
      const otherBot = h.tokens.sign(header(), claims({ aud: '11111111-2222-4333-8444-555555555555' }));
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${otherBot}`)).status), 401);
      const otherService = h.tokens.sign(header(), claims({ serviceurl: 'https://smba.example.net/' }));
      expectOneQuietLine(await attempt(async () => (await h.post(message(), `Bearer ${otherService}`)).status), 401);
    });
  });

  describe('a request that is not an activity gets 400 and one log line', () => {
    it('no type', async () => {
      const { type: _type, ...noType } = message();
      expectOneQuietLine(await attempt(async () => (await h.post(noType)).status), 400);
    });

    it('no channelId', async () => {
      const { channelId: _channelId, ...noChannel } = message();
      expectOneQuietLine(await attempt(async () => (await h.post(noChannel)).status), 400);
    });

    it('a body that is not an object', async () => {
      expectOneQuietLine(await attempt(async () => (await h.postRaw('[1,2,3]')).status), 400);
    });
  });
});
