// Reading the sign-in log: Microsoft's published signIn examples parse; readSignIns goes through
// the real Graph client against the loopback server with the documented $filter forms, pages,
// asks for the report-only results, and reports a 403 as "cannot be read".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphReadError } from '../../src/graph';
import { correlationFilter, parseSignIn, readSignIns, windowFilter } from '../../src/graph/sign-ins';
import { AT, AUTHENTICATOR, LENA_ID, LOOP_POLICY, MY_SIGN_INS, OUTLOOK, signIn, withSignIns } from '../fixtures/sign-ins';
import { clientFor, emulators, rejectionOf, since } from './helpers';

const EXAMPLES = join(__dirname, '..', 'fixtures', 'graph-examples');
const published = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

describe("Microsoft's published examples", () => {
  it('"List signIns" (v1.0): a successful sign-in with two policies not enabled', () => {
    const [raw] = published('signin-list-v1.0.json').value;
    expect(parseSignIn(raw)).toEqual({
      id: '66ea54eb-6301-4ee5-be62-ff5a759b0100',
      createdDateTime: '2020-03-13T19:15:41.6195833Z',
      userId: '26be570a-ae82-4189-b4e2-a37c6808512d',
      appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
      appDisplayName: 'Graph explorer',
      correlationId: 'd79f5bee-5860-4832-928f-3133e22ae912',
      errorCode: 0,
      policies: [
        { id: 'de7e60eb-ed89-4d73-8205-2227def6b7c9', displayName: 'SharePoint limited access for guest workers', result: 'notEnabled', enforcedGrantControls: [] },
        { id: '6701123a-b4c6-48af-8565-565c8bf7cabc', displayName: 'Medium signin risk block', result: 'notEnabled', enforcedGrantControls: [] },
      ],
    });
  });

  it('"List signIns" (beta): a failed sign-in (50126) with no policies and many more properties', () => {
    const [raw] = published('signin-list-beta.json').value;
    expect(parseSignIn(raw)).toMatchObject({
      id: '1691d37b-8579-43a7-966a-0f35583c1300',
      createdDateTime: '2021-06-30T16:34:32Z',
      appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
      errorCode: 50126,
      failureReason: 'Error validating credentials due to invalid username or password.',
      policies: [],
    });
  });

  it('the appliedConditionalAccessPolicy JSON representation, as an item of a sign-in', () => {
    const policy = published('applied-conditional-access-policy-v1.0.json');
    const parsed = parseSignIn({ id: 'x', createdDateTime: '2026-10-05T13:52:00Z', appliedConditionalAccessPolicies: [policy] });
    expect(parsed?.policies).toEqual([{ id: 'String', displayName: 'String', result: 'String', enforcedGrantControls: ['String'] }]);
  });

  it('what is not a sign-in is skipped, missing parts read as nothing', () => {
    expect(parseSignIn(null)).toBeNull();
    expect(parseSignIn({ id: 'x' })).toBeNull();
    expect(parseSignIn({ id: 'x', createdDateTime: 'String (timestamp)' })).toBeNull();
    expect(parseSignIn({ id: 'x', createdDateTime: '2026-10-05T13:52:00Z' })).toEqual({ id: 'x', createdDateTime: '2026-10-05T13:52:00Z', errorCode: 0, policies: [] });
  });
});

describe('readSignIns (real Graph client, loopback server)', () => {
  const servers = emulators();
  const OTHER = 'b0b0b0b0-0000-4000-8000-000000000001';
  const SIGN_INS = [
    signIn({ id: '00000000-0000-4000-8000-000000000001', minutesBefore: 8, policies: [[LOOP_POLICY, 'failure']] }),
    signIn({ id: '00000000-0000-4000-8000-000000000002', minutesBefore: 20, appId: MY_SIGN_INS }),
    signIn({ id: '00000000-0000-4000-8000-000000000003', minutesBefore: 60 * 25 }), // older than 24 hours
    signIn({ id: '00000000-0000-4000-8000-000000000004', minutesBefore: 3, appId: OUTLOOK, correlationId: 'feedface-0000-4000-8000-000000000004' }),
    signIn({ id: '00000000-0000-4000-8000-000000000005', minutesBefore: 4, userId: OTHER }),
    signIn({ id: '00000000-0000-4000-8000-000000000006', minutesBefore: -5 }), // after `at`
    ...[10, 11, 12, 13, 14].map((m) => signIn({ id: `00000000-0000-4000-8000-0000000000${m}`, minutesBefore: m + 30, policies: [[LOOP_POLICY, 'reportOnlyFailure']] })),
  ];
  /** `null`: a snapshot without signIns. */
  const start = async (signIns: unknown[] | null = SIGN_INS) => {
    const s = withSignIns(signIns === null ? undefined : (structuredClone(signIns) as never));
    s.users.push({ id: OTHER, userPrincipalName: 'bob@fabrikam.com', displayName: 'Bob', authenticationMethods: [], managedDevices: [], memberOf: [] });
    const emulator = await servers.start(s as never, { pageSize: 2 });
    return { emulator, client: clientFor(emulator) };
  };
  const ids = (list: { id: string }[]) => list.map((s) => s.id.slice(-2));

  it("reads the user's sign-ins to Authenticator and My Sign-ins of the 24 hours before `at`, newest first, every page", async () => {
    const { emulator, client } = await start();
    const mark = emulator.requests.length;
    const list = await readSignIns(client, { userId: LENA_ID, at: AT, pageSize: 2 });
    expect(ids(list)).toEqual(['01', '02', '10', '11', '12', '13', '14']);
    expect(list[0]).toMatchObject({ errorCode: 53003, policies: [{ id: LOOP_POLICY, result: 'failure' }] });
    expect(list[2].policies[0].result).toBe('reportOnlyFailure');
    const paths = since(emulator, mark).map((r) => decodeURIComponent(r.path));
    expect(paths).toContain(`/v1.0/auditLogs/signIns?$filter=${windowFilter(LENA_ID, AUTHENTICATOR, AT)}&$top=2`);
    expect(paths).toContain(`/v1.0/auditLogs/signIns?$filter=${windowFilter(LENA_ID, MY_SIGN_INS, AT)}&$top=2`);
    expect(windowFilter(LENA_ID, AUTHENTICATOR, AT)).toBe(
      `userId eq '${LENA_ID}' and appId eq '${AUTHENTICATOR}' and createdDateTime ge 2026-10-04T14:00:00Z and createdDateTime le 2026-10-05T14:00:00Z`,
    );
    expect(paths.filter((p) => p.includes('$skiptoken'))).toHaveLength(2); // Authenticator: 6 sign-ins in 3 pages
  });

  it('stops after maxPages (the newest come first)', async () => {
    const { client } = await start();
    expect(ids(await readSignIns(client, { userId: LENA_ID, at: AT, pageSize: 2, maxPages: 1 }))).toEqual(['01', '02', '10']);
  });

  it('with a Correlation ID, also reads that sign-in (any app, any time) — and by Request ID — but only the user\'s own', async () => {
    const { emulator, client } = await start();
    const mark = emulator.requests.length;
    const byCorrelation = await readSignIns(client, { userId: LENA_ID, at: AT, correlationId: 'feedface-0000-4000-8000-000000000004' });
    expect(ids(byCorrelation)).toContain('04');
    expect(since(emulator, mark).map((r) => decodeURIComponent(r.path))).toContain(
      `/v1.0/auditLogs/signIns?$filter=${correlationFilter(LENA_ID, 'feedface-0000-4000-8000-000000000004')}&$top=100`,
    );
    expect(ids(await readSignIns(client, { userId: LENA_ID, at: AT, correlationId: '00000000-0000-4000-8000-000000000003' }))).toContain('03');
    expect(ids(await readSignIns(client, { userId: LENA_ID, at: AT, correlationId: '00000000-0000-4000-8000-000000000005' }))).not.toContain('05');
    // An id that is no sign-in: nothing more, no error.
    expect(ids(await readSignIns(client, { userId: LENA_ID, at: AT, correlationId: '00000000-0000-4000-8000-00000000dead' }))).toHaveLength(7);
  });

  it('asks Graph for the report-only results (Prefer: include-unknown-enum-members)', async () => {
    const { client } = await start();
    const spy = jest.spyOn(globalThis, 'fetch');
    try {
      await readSignIns(client, { userId: LENA_ID, at: AT });
      const prefer = spy.mock.calls
        .filter(([url]) => String(url instanceof Request ? url.url : url).includes('/auditLogs/signIns'))
        .map(([url, init]) => new Headers(url instanceof Request ? url.headers : (init?.headers as HeadersInit)).get('Prefer'));
      expect(prefer.length).toBeGreaterThan(0);
      expect(new Set(prefer)).toEqual(new Set(['include-unknown-enum-members']));
    } finally {
      spy.mockRestore();
    }
  });

  it('a snapshot without signIns: GraphReadError forbidden (403 Authorization_RequestDenied)', async () => {
    const { client } = await start(null);
    const error = await rejectionOf(readSignIns(client, { userId: LENA_ID, at: AT }));
    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'forbidden', status: 403, code: 'Authorization_RequestDenied' });
  });

  it('gives up after timeoutMs', async () => {
    const { emulator, client } = await start();
    emulator.delayNext(2, 60_000, 'signIns'); // released by close()
    const error = await rejectionOf(readSignIns(client, { userId: LENA_ID, at: AT, timeoutMs: 100 }));
    expect(error).toMatchObject({ kind: 'timeout' });
  });
});
