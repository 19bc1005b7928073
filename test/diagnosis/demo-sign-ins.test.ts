// The demo tenant's sign-ins (fixtures/demo-tenant.json): Lena's and Tom's failures agree with the
// prediction; Vic's shows the privileged admins' location block, which the prediction could only
// call "may apply". The demo clock moves the sign-ins along with the TAP windows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rebaseDemoClock } from '../../src/demo/demo-tenant';
import { validateSnapshot, type TenantSnapshot } from '../../src/snapshot';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';

const ROOT = join(__dirname, '..', '..');
const raw = () => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const DEMO_CLOCK = new Date(raw().demoClock);
const LOCATION_BLOCK = '7b0c1d2e-3f40-4a61-b728-394a5b6c7d8e';

const open: GraphConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((g) => g.close()));
});

async function diagnoseDemo(snapshot: TenantSnapshot, upn: string, platform: 'android' | 'iOS', at: Date) {
  const graph = await connectGraph({ snapshot, retryDelaySeconds: 0 });
  open.push(graph);
  return graph.diagnoser.diagnose(upn, { platform, at });
}

it.each([
  ['lena@contoso.com', 'android', 'agrees', ['ca-auth-strength-loop']],
  ['tom@contoso.com', 'android', 'agrees', ['ca-auth-strength-loop', 'tap-expired']],
  ['marc@contoso.com', 'android', 'no-failure-seen', []],
  ['vic@contoso.com', 'iOS', 'observed-only', ['ca-other-conditions', 'authenticator-aaguid-blocked']],
  ['omid@contoso.com', 'android', 'no-failure-seen', ['ca-register-security-info']],
] as const)('%s on %s: observed %s', async (upn, platform, agreement, blocking) => {
  const d = await diagnoseDemo(validateSnapshot(raw()), upn, platform, DEMO_CLOCK);
  expect(d.observed?.agreement).toBe(agreement);
  expect(d.findings.filter((f) => f.blocking).map((f) => f.code)).toEqual(blocking);
});

it('Vic: the location block is blocking because his sign-in failed on it; before the sign-ins it only may apply', async () => {
  const d = await diagnoseDemo(validateSnapshot(raw()), 'vic@contoso.com', 'iOS', DEMO_CLOCK);
  const f = d.findings.find((x) => x.code === 'ca-other-conditions')!;
  expect(f).toMatchObject({ blocking: true, policies: [{ id: LOCATION_BLOCK }] });
  expect(f.evidence).toMatchObject([
    {
      kind: 'observed-policy',
      policy: { id: LOCATION_BLOCK, name: 'Privileged admins: block sign-ins outside trusted locations' },
      signIn: { createdDateTime: expect.stringMatching(/^2026-10-05T13:47/), errorCode: 53003 },
      predicted: [{ kind: 'policy', verdict: 'may-apply' }],
    },
  ]);

  const withoutSignIns = raw();
  delete withoutSignIns.signIns;
  const before = await diagnoseDemo(validateSnapshot(withoutSignIns), 'vic@contoso.com', 'iOS', DEMO_CLOCK);
  expect(before.observed).toBeUndefined();
  expect(before.findings.find((x) => x.code === 'ca-other-conditions')).toMatchObject({ blocking: false, policies: [{ id: LOCATION_BLOCK }] });
});

it('rebasing the demo clock moves the sign-ins too: at any date, Lena\'s failures are minutes old', async () => {
  const later = new Date('2027-03-01T09:00:00Z');
  const shifted = validateSnapshot(rebaseDemoClock(raw(), later));
  const lena = shifted.signIns!.filter((s) => s.userPrincipalName === 'lena@contoso.com' && s.status?.errorCode !== 0);
  expect(lena.map((s) => s.createdDateTime)).toEqual(['2027-03-01T08:52:04.000Z', '2027-03-01T08:49:40.000Z']);
  const d = await diagnoseDemo(shifted, 'lena@contoso.com', 'android', later);
  expect(d.observed?.signIns.map((s) => s.createdDateTime)).toEqual(['2027-03-01T08:52:04.000Z', '2027-03-01T08:49:40.000Z']);
});
