// GET /auditLogs/signIns on the loopback Graph server: the $filter forms the sign-in log answers,
// newest first, $top paging with @odata.nextLink, GET by id, and 403 Authorization_RequestDenied
// when the snapshot has no `signIns` (no AuditLog.Read.All, or no Entra ID P1 licence).
import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import { validateSnapshot, type TenantSnapshot } from '../../src/snapshot';
import { AUTHENTICATOR, LENA_ID, LOOP_POLICY, MY_SIGN_INS, OUTLOOK, before, signIn, withSignIns, type Json } from '../fixtures/sign-ins';
import { call, expectGraphError } from './helpers';

const OTHER_USER = 'b0b0b0b0-0000-4000-8000-000000000001';
const SIGN_INS = [
  signIn({ id: '00000000-0000-4000-8000-000000000001', minutesBefore: 8, policies: [[LOOP_POLICY, 'failure']] }),
  signIn({ id: '00000000-0000-4000-8000-000000000002', minutesBefore: 30, appId: MY_SIGN_INS, errorCode: 0 }),
  signIn({ id: '00000000-0000-4000-8000-000000000003', minutesBefore: 60 * 30, policies: [[LOOP_POLICY, 'failure']] }),
  signIn({ id: '00000000-0000-4000-8000-000000000004', minutesBefore: 2, appId: OUTLOOK, errorCode: 0, correlationId: 'feedface-0000-4000-8000-000000000004' }),
  signIn({ id: '00000000-0000-4000-8000-000000000005', minutesBefore: 5, userId: OTHER_USER }),
];

/** Example 01 plus Bob, with these sign-ins (copied); `null`: no signIns key at all. */
function snapshot(signIns: unknown[] | null = SIGN_INS): TenantSnapshot {
  const s = withSignIns(signIns === null ? undefined : (structuredClone(signIns) as Json[]));
  s.users.push({ id: OTHER_USER, userPrincipalName: 'bob@fabrikam.com', displayName: 'Bob', authenticationMethods: [], managedDevices: [], memberOf: [] });
  return s as TenantSnapshot;
}

let emulator: GraphEmulator;
beforeAll(async () => {
  emulator = await startGraphEmulator(snapshot(), { pageSize: 2 });
});
afterAll(() => emulator.close());

const ids = (body: any) => body.value.map((s: any) => s.id.slice(-1));
const list = (filter?: string, extra = '') => call(emulator, `/auditLogs/signIns?${filter ? `$filter=${encodeURIComponent(filter)}&` : ''}$top=100${extra}`);

describe('GET /auditLogs/signIns', () => {
  it('lists newest first, in Graph\'s collection shape', async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body['@odata.context']).toBe(`${emulator.baseUrl}/$metadata#auditLogs/signIns`);
    expect(ids(body)).toEqual(['4', '5', '1', '2', '3']);
  });

  it.each([
    [`userId eq '${LENA_ID}'`, ['4', '1', '2', '3']],
    [`userId eq '${LENA_ID}' and appId eq '${AUTHENTICATOR}'`, ['1', '3']],
    [`appId eq '${MY_SIGN_INS}'`, ['2']],
    [`correlationId eq 'feedface-0000-4000-8000-000000000004'`, ['4']],
    [`id eq '00000000-0000-4000-8000-000000000002'`, ['2']],
    [`createdDateTime ge ${before(60)} and createdDateTime le ${before(0)}`, ['4', '5', '1', '2']],
    [`createdDateTime gt ${before(8)} and createdDateTime lt ${before(2)}`, ['5']],
    [`status/errorCode ne 0`, ['5', '1', '3']],
    [`status/errorCode eq 0 and userId eq '${LENA_ID}'`, ['4', '2']],
    [`USERID EQ '${LENA_ID.toUpperCase()}' AND appId eq '${AUTHENTICATOR}'`, ['1', '3']],
  ])('$filter=%s', async (filter, expected) => {
    const { status, body } = await list(filter);
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected);
  });

  it.each([
    `userDisplayName eq 'Lena'`,
    `startsWith(appDisplayName,'Micro')`,
    `createdDateTime ge '2026-10-05T00:00:00Z'`, // a DateTimeOffset literal is not quoted
    `appId ne '${AUTHENTICATOR}'`,
    `userId eq '${LENA_ID}' or appId eq '${AUTHENTICATOR}'`,
    `status/errorCode eq 'x'`,
  ])('answers 400 Request_UnsupportedQuery for $filter=%s', async (filter) => {
    expectGraphError(await list(filter), 400, 'Request_UnsupportedQuery');
  });

  it('pages with $top and @odata.nextLink that keeps the $filter', async () => {
    const first = await call(emulator, `/auditLogs/signIns?$filter=${encodeURIComponent(`userId eq '${LENA_ID}'`)}&$top=3`);
    expect(ids(first.body)).toEqual(['4', '1', '2']);
    const next: string = first.body['@odata.nextLink'];
    expect(next).toContain('$skiptoken=');
    expect(decodeURIComponent(next)).toContain(`userId eq '${LENA_ID}'`);
    const second = await call(emulator, next.slice(emulator.baseUrl.length));
    expect(ids(second.body)).toEqual(['3']);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });

  it('uses the server page size without $top, and refuses a $top over 1000', async () => {
    const { body } = await call(emulator, '/auditLogs/signIns');
    expect(body.value).toHaveLength(2);
    expect(body['@odata.nextLink']).toEqual(expect.any(String));
    expectGraphError(await call(emulator, '/auditLogs/signIns?$top=1001'), 400, 'Request_BadRequest');
  });

  it('gets one sign-in by id (the Request ID), and 404s an unknown one', async () => {
    const { status, body } = await call(emulator, '/auditLogs/signIns/00000000-0000-4000-8000-000000000001');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: '00000000-0000-4000-8000-000000000001', status: { errorCode: 53003 }, appliedConditionalAccessPolicies: [{ id: LOOP_POLICY, result: 'failure' }] });
    expectGraphError(await call(emulator, '/auditLogs/signIns/00000000-0000-4000-8000-00000000dead'), 404, 'Request_ResourceNotFound');
  });

  it('answers inside a JSON $batch too', async () => {
    const { body } = await call(emulator, '/$batch', {
      method: 'POST',
      json: { requests: [{ id: '1', method: 'GET', url: `/auditLogs/signIns?$filter=${encodeURIComponent(`appId eq '${MY_SIGN_INS}'`)}` }] },
    });
    expect(body.responses[0]).toMatchObject({ id: '1', status: 200, body: { value: [expect.objectContaining({ appId: MY_SIGN_INS })] } });
  });
});

describe('a snapshot without signIns', () => {
  let bare: GraphEmulator;
  beforeAll(async () => {
    bare = await startGraphEmulator(snapshot(null));
  });
  afterAll(() => bare.close());

  it('answers 403 Authorization_RequestDenied, as Graph does without AuditLog.Read.All or a P1 licence', async () => {
    expectGraphError(await call(bare, '/auditLogs/signIns'), 403, 'Authorization_RequestDenied');
    expectGraphError(await call(bare, '/auditLogs/signIns/00000000-0000-4000-8000-000000000001'), 403, 'Authorization_RequestDenied');
  });

  it('an empty signIns list is readable: 200 with no items', async () => {
    const empty = await startGraphEmulator(snapshot([]));
    try {
      const { status, body } = await call(empty, '/auditLogs/signIns');
      expect(status).toBe(200);
      expect(body.value).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});

describe('validating signIns', () => {
  const invalid = (change: (s: any) => void) => {
    const s = snapshot();
    change(s);
    return () => validateSnapshot(s);
  };
  it.each([
    ['signIns[0].createdDateTime', (s: any) => (s.signIns[0].createdDateTime = 'yesterday'), /signIns\[0\]\.createdDateTime: expected an ISO date and time/],
    ['signIns[1].userId', (s: any) => (s.signIns[1].userId = 'nobody'), /signIns\[1\]\.userId: user "nobody" is not a user of the snapshot/],
    ['signIns[2].status.errorCode', (s: any) => (s.signIns[2].status.errorCode = '53003'), /signIns\[2\]\.status\.errorCode: expected an integer/],
    ['signIns[3].id', (s: any) => (s.signIns[3].id = s.signIns[0].id), /signIns\[3\]\.id: duplicate id/],
    ['signIns', (s: any) => (s.signIns = {}), /^signIns: expected an array/],
    ['signIns[0].appliedConditionalAccessPolicies[0].id', (s: any) => delete s.signIns[0].appliedConditionalAccessPolicies[0].id, /appliedConditionalAccessPolicies\[0\]\.id: missing/],
    ['tenant.customSecurityAttributesUnreadable', (s: any) => (s.tenant.customSecurityAttributesUnreadable = 'yes'), /tenant\.customSecurityAttributesUnreadable: expected true or false/],
  ])('refuses a bad %s, naming its path', (_path, change, message) => {
    expect(invalid(change)).toThrow(message);
  });
});
