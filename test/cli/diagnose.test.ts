import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDiagnose } from '../../src/cli/diagnose';
import { connectGraph } from '../../src/support/graph-connection';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'test', 'fixtures', 'examples', '01-registration-loop.json');
const BASE = ['--snapshot', EXAMPLE, '--user', 'lena@fabrikam.com', '--platform', 'android', '--at', '2026-10-05T14:00:00Z'];

async function run(argv: string[], connect?: typeof connectGraph) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDiagnose(argv, (s) => out.push(s), (s) => err.push(s), connect);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run diagnose', () => {
  it('prints the contract JSON for an example document', async () => {
    const r = await run(BASE);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.findings[0]).toMatchObject({ code: 'ca-auth-strength-loop', blocking: true, policyIds: ['5111a30a-d74e-46e2-a125-7fef599bf843'] });
    expect(d.context).toEqual({ platform: 'android', at: '2026-10-05T14:00:00.000Z' });
  });

  it('prints readable text with --format text', async () => {
    const r = await run([...BASE, '--format', 'text']);
    expect(r.out).toMatch(/BLOCKING\s+ca-auth-strength-loop\s+\[Passkeys everywhere\]/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'pksb-cli-'));
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"tenant": {"id": "t"}, "users": [{"id": 5}]}');
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ nope');

  it.each([
    [['--snapshot', EXAMPLE, '--user', 'nobody@fabrikam.com', '--platform', 'android'], /unknown user: user "nobody@fabrikam.com" not found/],
    [['--snapshot', broken, '--user', 'x', '--platform', 'iOS'], /broken\.json: users\[0\]\.id/],
    [['--snapshot', notJson, '--user', 'x', '--platform', 'iOS'], /not\.json: invalid JSON/],
    [['--snapshot', join(dir, 'missing.json'), '--user', 'x', '--platform', 'iOS'], /cannot read snapshot file .*missing\.json: no such file/],
    [[...BASE.slice(0, 4), '--platform', 'windows'], /--platform must be android or iOS, got "windows"/],
    [[...BASE, '--at', 'yesterday'], /--at must be an ISO time/],
    [[...BASE, '--os-version', 'fourteen'], /--os-version must be a major version number/],
    [[...BASE, '--colour', 'blue'], /Unknown option '--colour'/],
    [['--user', 'x', '--platform', 'iOS'], /--snapshot FILE is required/],
    [['--snapshot', EXAMPLE, '--user', 'lena@fabrikam.com', '--platform', 'iOS', '--android-profile', 'work'], /only makes sense with --platform android/],
  ])('exits 2 with one line naming the bad input: %j', async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('retries a 429 from Graph and still diagnoses', async () => {
    const r = await run(BASE, async (options) => {
      const graph = await connectGraph(options);
      graph.emulator!.failNext(1, 429, { retryAfterSeconds: 0 });
      return graph;
    });
    expect(r.code).toBe(0);
  });

  it('reports Graph staying unavailable in one line, without a stack trace', async () => {
    const r = await run(BASE, async (options) => {
      const graph = await connectGraph({ ...options, retryDelaySeconds: 0 });
      graph.emulator!.failNext(20, 503, { retryAfterSeconds: 0 });
      return graph;
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^diagnose: Graph unavailable \(503\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each([
    [[...BASE, '--exemption-group', 'exemptions'], /--exemption-group must be a group object id \(a GUID\), got "exemptions"/],
    [[...BASE, '--exemption-group', '00000000-0000-0000-0000-00000000beef'], /--exemption-group: no group with id "00000000-0000-0000-0000-00000000beef" in the tenant/],
  ])('a bad --exemption-group exits 2 with one line: %j', async (argv, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('works as a real command: exit code and stderr', (done) => {
    execFile('npm', ['run', '-s', 'diagnose', '--', '--snapshot', EXAMPLE, '--user', 'ghost@fabrikam.com', '--platform', 'android'], { cwd: ROOT }, (error, stdout, stderr) => {
      expect(error?.code).toBe(2);
      expect(stderr.trim()).toBe('diagnose: unknown user: user "ghost@fabrikam.com" not found');
      done();
    });
  }, 30_000);
});

// Remedies on the demo tenant (fixtures/demo-tenant.json), read through the loopback Graph server
// with What If answered by the emulator, at the demo's clock.
describe('npm run diagnose: remedies on the demo tenant', () => {
  const DEMO = join(ROOT, 'fixtures', 'demo-tenant.json');
  const EXEMPTIONS = 'c1aaac59-9bcf-5a26-9946-786bf30789fc';
  const POLICY = {
    pilot: 'fbd66153-6daa-54ac-bb80-677db8acec8c',
    finance: 'f6a34407-24cb-5a99-b22f-97e09063be5d',
  };
  const demo = async (user: string, ...flags: string[]) => {
    const r = await run(['--snapshot', DEMO, '--user', user, '--platform', 'android', '--at', '2026-10-05T14:00:00Z', ...flags]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out);
  };
  const remedy = (d: any, code: string) => {
    const found = d.remedies.find((x: any) => x.code === code);
    if (!found) throw new Error(`no ${code} remedy: ${JSON.stringify(d.remedies)}`);
    return found;
  };

  it('remedies are always an array, with exactly the contract fields', async () => {
    const marc = await demo('marc@contoso.com');
    expect(marc.remedies).toEqual([]);
    const lena = await demo('lena@contoso.com', '--exemption-group', EXEMPTIONS);
    expect(lena.remedies.length).toBeGreaterThan(0);
    for (const r of lena.remedies) expect(Object.keys(r)).toEqual(['code', 'for', 'clears', 'remaining', 'policyIdsRemaining', 'why']);
  });

  it('Lena (the loop): a TAP does not clear it, the pilot accepts only a passkey in Authenticator; the exemption group is excluded, so an exemption does', async () => {
    const d = await demo('lena@contoso.com', '--exemption-group', EXEMPTIONS);
    expect(remedy(d, 'temporary-access-pass')).toEqual({
      code: 'temporary-access-pass',
      for: 'helpdesk',
      clears: false,
      remaining: ['ca-auth-strength-loop'],
      policyIdsRemaining: [POLICY.pilot],
      why: "A Temporary Access Pass (multi-use, 60 minutes) will not help: 'Passkey pilot: passkey in Authenticator everywhere' accepts only a passkey in Microsoft Authenticator.",
    });
    expect(remedy(d, 'temporary-exemption')).toMatchObject({ for: 'helpdesk', clears: true, remaining: [], policyIdsRemaining: [] });
    expect(d.remedies.map((r: any) => r.code)).toEqual(['temporary-access-pass', 'temporary-exemption']);
  });

  it('Omid (Register security info from a compliant device): the exemption does not clear it, a compliant phone does', async () => {
    const d = await demo('omid@contoso.com', '--exemption-group', EXEMPTIONS);
    expect(remedy(d, 'temporary-exemption')).toMatchObject({ clears: false, remaining: ['ca-register-security-info'], policyIdsRemaining: [POLICY.finance] });
    expect(remedy(d, 'temporary-exemption').why).toBe(
      "An exemption through 'Passkey exemptions' will not help: 'Finance: register security info from compliant devices' does not exclude that group.",
    );
    expect(remedy(d, 'require-compliant-device')).toMatchObject({ for: 'admin', clears: true, remaining: [], policyIdsRemaining: [] });
    expect(remedy(d, 'temporary-access-pass')).toMatchObject({ clears: false, remaining: ['ca-register-security-info'] });
  });

  it('Uma (a guest): no TAP can be issued', async () => {
    const d = await demo('uma_fabrikam.com#EXT#@contoso.onmicrosoft.com');
    expect(remedy(d, 'temporary-access-pass')).toMatchObject({ for: 'helpdesk', clears: false, remaining: ['tap-unavailable-for-guest'], policyIdsRemaining: [] });
    expect(remedy(d, 'temporary-access-pass').why).toMatch(/Uma Okafor \(guest\) is a guest/);
  });

  it('Tom (TAP expired, split mobile/desktop policies): a new TAP clears it', async () => {
    const d = await demo('tom@contoso.com');
    expect(d.findings.filter((f: any) => f.blocking).map((f: any) => f.code)).toEqual(['ca-auth-strength-loop', 'tap-expired']);
    expect(remedy(d, 'temporary-access-pass')).toEqual({
      code: 'temporary-access-pass',
      for: 'helpdesk',
      clears: true,
      remaining: [],
      policyIdsRemaining: [],
      why: "A Temporary Access Pass (multi-use, 60 minutes) satisfies 'Wave 1 mobile: TAP or passkey'; nothing else blocks the registration.",
    });
  });

  it('Raj (passkey in the personal profile, now in the work profile): registering in each profile clears it', async () => {
    const d = await demo('raj@contoso.com', '--android-profile', 'work', '--passkey-profile', 'personal');
    expect(remedy(d, 'register-in-each-profile')).toMatchObject({ for: 'user', clears: true, remaining: [], policyIdsRemaining: [] });
    expect(remedy(d, 'temporary-access-pass')).toMatchObject({ clears: false, remaining: ['android-profile-mismatch'] });
  });

  it('the exemption group is read with the groups it is nested in: a policy excluding a parent group is lifted', async () => {
    const snapshot = JSON.parse(readFileSync(DEMO, 'utf8'));
    const parent = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    snapshot.groups.push({ id: parent, displayName: 'CA exclusions', members: [EXEMPTIONS] });
    const pilot = snapshot.conditionalAccessPolicies.find((p: any) => p.id === POLICY.pilot);
    pilot.conditions.users.excludeGroups = [parent];
    const file = join(mkdtempSync(join(tmpdir(), 'pksb-remedies-')), 'nested.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const r = await run(['--snapshot', file, '--user', 'lena@contoso.com', '--platform', 'android', '--at', '2026-10-05T14:00:00Z', '--exemption-group', EXEMPTIONS]);
    expect(r.code).toBe(0);
    expect(remedy(JSON.parse(r.out), 'temporary-exemption')).toMatchObject({ clears: true, remaining: [] });
  });

  it('--format text lists the remedies with what each leaves', async () => {
    const r = await run(['--snapshot', DEMO, '--user', 'omid@contoso.com', '--platform', 'android', '--at', '2026-10-05T14:00:00Z', '--exemption-group', EXEMPTIONS, '--format', 'text']);
    expect(r.out).toMatch(/Remedies/);
    expect(r.out).toMatch(/helpdesk temporary-exemption\s+does not clear \(remaining: ca-register-security-info\)/);
    expect(r.out).toMatch(/admin\s+require-compliant-device\s+CLEARS/);
    expect(r.out).toMatch(/does not exclude that group/);
  });
});
