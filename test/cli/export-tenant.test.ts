// npm run export-tenant: reads a tenant through the real Graph client (here: the loopback Graph
// emulator serving a snapshot) and writes a snapshot that audits and diagnoses exactly like the
// tenant it came from.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateTenant } from '../../bench/generate-tenant';
import { auditTenant, type AuditReport } from '../../src/audit';
import { runExportTenant, type ExportTenantOptions } from '../../src/cli/export-tenant';
import { diagnose, type Platform } from '../../src/diagnosis';
import { createGraphClient, StaticTokenCredential } from '../../src/graph';
import { batchGet, type RequestTally } from '../../src/graph/tenant-export-batch';
import { methodsFromReport, settles } from '../../src/graph/tenant-export-methods';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { GraphEmulator, GraphEmulatorOptions } from '../../src/graph-emulator';
import { loadSnapshotFile, validateSnapshot, type TenantSnapshot } from '../../src/snapshot';
import { tenantFactsOfSnapshot } from '../../src/snapshot';
import { clientFor, emulators, TOKEN } from '../graph/helpers';
import { IDS, contoso } from '../graph-emulator/helpers';
import { userFactsOf } from '../helpers/snapshot-facts';

const ROOT = resolve(__dirname, '..', '..');
const DEMO = join(ROOT, 'fixtures', 'demo-tenant.json');
const AT = new Date('2026-10-05T14:00:00Z'); // the demo clock: marc's TAP is valid, tom's has expired
const PLATFORMS: Platform[] = ['android', 'iOS'];

const dir = mkdtempSync(join(tmpdir(), 'pksb-export-tenant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { start } = emulators();
let files = 0;

async function run(argv: string[], options: ExportTenantOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExportTenant(argv, (s) => out.push(s), (s) => err.push(s), { root: ROOT, ...options });
  return { code, out, err };
}

/** Serves `snapshot`, exports it through the production client, and loads the file back. */
async function exportOf(snapshot: TenantSnapshot, emulatorOptions: GraphEmulatorOptions = {}, prepare?: (emulator: GraphEmulator) => void, args: string[] = []) {
  const emulator = await start(snapshot, emulatorOptions);
  prepare?.(emulator);
  const file = join(dir, `export-${++files}.json`);
  const result = await run(['--out', file, ...args], { client: clientFor(emulator), progressEvery: 1000 });
  expect(result.err.slice(-1)[0]).toMatch(/^export-tenant: wrote .*export-\d+\.json: \d+ users?, \d+ groups?, \d+ Conditional Access polic(y|ies) in \d+\.\d s/);
  expect(result.code).toBe(0);
  return { ...result, file, text: readFileSync(file, 'utf8'), exported: loadSnapshotFile(file), emulator };
}

/** What must survive the trip: per finding its counts, policy and affected users; and the totals. */
function essentials(report: AuditReport) {
  return {
    tenant: report.tenant,
    totals: report.totals,
    findings: report.findings
      .map((f) => ({ id: f.id, severity: f.severity, policy: f.policy, reach: f.reach, outcome: f.outcome, byPlatform: f.byPlatform, usersAtRisk: f.usersAtRisk, sampleUsers: f.sampleUsers, scope: f.scope }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    designs: report.designs,
    noImpact: report.noImpact,
  };
}

/** The tenant as an export without --sign-in-days sees it: the sign-in log left out. */
function withoutSignIns(snapshot: TenantSnapshot): TenantSnapshot {
  const { signIns: _signIns, ...rest } = snapshot;
  return rest;
}

function findingCodes(snapshot: TenantSnapshot, upn: string, platform: Platform): string[] {
  return diagnose(tenantFactsOfSnapshot(snapshot), userFactsOf(snapshot, upn), { platform, at: AT }).findings.map((f) => `${f.code} ${f.policies.map((r) => r.id).join(',')}`);
}

describe('npm run export-tenant', () => {
  it('--per-user round-trips the demo tenant: the export validates, audits the same and diagnoses every user the same', async () => {
    const original = loadSnapshotFile(DEMO);
    const { exported, text } = await exportOf(original, {}, undefined, ['--per-user']);
    expect(() => validateSnapshot(JSON.parse(text))).not.toThrow();

    expect(exported.tenant).toEqual(original.tenant);
    expect(exported.users.map((u) => u.userPrincipalName)).toEqual(original.users.map((u) => u.userPrincipalName));
    expect(exported.conditionalAccessPolicies).toEqual(original.conditionalAccessPolicies);
    expect(exported.authenticationMethodsPolicy).toEqual(original.authenticationMethodsPolicy);
    expect(exported.namedLocations).toEqual(original.namedLocations);
    expect(exported.servicePrincipals).toEqual(original.servicePrincipals);
    for (const user of original.users) {
      const copy = exported.users.find((u) => u.id === user.id)!;
      expect(copy.memberOf.sort()).toEqual([...user.memberOf].sort());
      expect(copy.managedDevices).toEqual(user.managedDevices);
      // Methods come back as stored, minus the (always null) TAP value field.
      expect(copy.authenticationMethods).toEqual(user.authenticationMethods.map(({ temporaryAccessPass: _tap, ...m }) => m));
    }

    // The demo tenant has no nested groups; its role held by the Help desk group comes out as its
    // member's own assignment, which evaluates the same: the whole report is identical.
    expect(original.roleAssignments.some((r) => original.groups.some((g) => g.id === r.principalId))).toBe(true);
    expect(exported.roleAssignments.every((r) => exported.users.some((u) => u.id === r.principalId))).toBe(true);
    const before = auditTenant(withoutSignIns(original), { at: AT });
    const after = auditTenant(exported, { at: AT });
    expect(after).toEqual(before);
    expect(after.findings.length).toBeGreaterThan(5);

    for (const user of original.users) {
      for (const platform of PLATFORMS) {
        expect([user.userPrincipalName, platform, findingCodes(exported, user.userPrincipalName, platform)]).toEqual([
          user.userPrincipalName,
          platform,
          findingCodes(original, user.userPrincipalName, platform),
        ]);
      }
    }
  });

  it('--per-user keeps nested groups: a policy on the outer group still reaches users of the inner one', async () => {
    // bob is in Payroll (written on the group side), Payroll is in Finance, Finance is in All staff;
    // the CA policy targets Finance; All staff holds Global Reader.
    const original = validateSnapshot(contoso());
    const { exported } = await exportOf(original, {}, undefined, ['--per-user']);
    const group = (id: string) => exported.groups.find((g) => g.id === id)!;
    expect(group(IDS.payroll).members).toEqual([IDS.bob]);
    expect(group(IDS.finance).members.sort()).toEqual([IDS.alice, IDS.payroll].sort());
    expect(group(IDS.allStaff).members).toEqual([IDS.finance]);
    expect(exported.users.find((u) => u.id === IDS.bob)!.memberOf).toEqual([IDS.payroll]);

    const bob = "bob.o'neil@contoso.com";
    expect(userFactsOf(exported, bob).groupIds.sort()).toEqual([IDS.payroll, IDS.finance, IDS.allStaff].sort());
    const codes = findingCodes(exported, bob, 'android');
    expect(codes.some((c) => c.endsWith(IDS.caPolicy))).toBe(true);
    for (const user of original.users) {
      for (const platform of PLATFORMS) expect(findingCodes(exported, user.userPrincipalName, platform)).toEqual(findingCodes(original, user.userPrincipalName, platform));
    }
    // The role held by All staff comes out as the users' own assignments (evaluates the same).
    expect(exported.roleAssignments).toEqual(
      expect.arrayContaining([
        { roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', principalId: IDS.bob },
        { roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', principalId: IDS.alice },
      ]),
    );
    expect(essentials(auditTenant(exported, { at: AT }))).toEqual(essentials(auditTenant(original, { at: AT })));
  });

  it('--per-user exports a 2,100-user tenant with nesting and group-held roles: paged /users, progress lines, the same audit counts', async () => {
    const original = validateSnapshot(generateTenant({ policies: 30, groups: 60, users: 2100, nestingDepth: 3 }));
    const { exported, err, emulator } = await exportOf(original, { pageSize: 50 }, undefined, ['--per-user']);
    expect(exported.users.map((u) => u.id)).toEqual(original.users.map((u) => u.id));
    expect(emulator.requests.filter((r) => r.path.startsWith('/v1.0/users?')).map((r) => r.path.includes('$skiptoken'))).toEqual([false, true, true]);
    expect(original.roleAssignments.some((r) => original.groups.some((g) => g.id === r.principalId))).toBe(true);
    expect(original.groups.some((g) => g.members.some((m) => original.groups.some((x) => x.id === m)))).toBe(true);
    expect(err.filter((line) => /^export-tenant: \d+ of 2100 users read/.test(line)).map((line) => line.split(' ')[1])).toEqual(['1000', '2000']);
    expect(essentials(auditTenant(exported, { at: AT }))).toEqual(essentials(auditTenant(original, { at: AT })));
  }, 300_000); // a bound, not a budget: 12 s on an idle 2-core machine, over 60 s on a busy one

  it('--per-user loses no user to small pages and to a 429 with Retry-After 0', async () => {
    const original = loadSnapshotFile(DEMO);
    const { exported, emulator } = await exportOf(original, { pageSize: 2 }, (emulator) => {
      emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: '/users?' });
      emulator.failNext(2, 429, { retryAfterSeconds: 0, pathContains: '/$batch' });
      emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: '/memberOf' });
    }, ['--per-user']);
    expect(emulator.requests.filter((r) => r.path.includes('$skiptoken')).length).toBeGreaterThan(5);
    // Each throttled request was sent again: the listing twice, 12 users' batches + 2.
    expect(emulator.requests.filter((r) => r.path.startsWith('/v1.0/users?')).length).toBe(2);
    expect(emulator.requests.filter((r) => r.path === '/v1.0/$batch').length).toBe(original.users.length + 2);
    expect(exported.users.map((u) => u.id)).toEqual(original.users.map((u) => u.id));
    expect(exported.users.map((u) => u.authenticationMethods.length)).toEqual(original.users.map((u) => u.authenticationMethods.length));
    expect(exported.conditionalAccessPolicies).toHaveLength(original.conditionalAccessPolicies.length);
    expect(essentials(auditTenant(exported, { at: AT }))).toEqual(essentials(auditTenant(original, { at: AT })));
  });

  // ---- the scalable export (the default) ----------------------------------------------------

  /** The same emulated tenant exported both ways: the audits must be identical. */
  async function bothWays(original: TenantSnapshot, emulatorOptions: GraphEmulatorOptions = {}, args: string[] = []) {
    const scalable = await exportOf(original, emulatorOptions, undefined, args);
    const scalableRequests = scalable.emulator.requests.length;
    const perUser = await exportOf(original, emulatorOptions, undefined, ['--per-user', ...args]);
    return { scalable, perUser, scalableRequests, perUserRequests: perUser.emulator.requests.length };
  }

  it('reads the demo tenant in a few requests and audits it exactly as the per-user export does', async () => {
    const original = loadSnapshotFile(DEMO);
    const { scalable, perUser, scalableRequests, perUserRequests } = await bothWays(original);
    expect(auditTenant(scalable.exported, { at: AT })).toEqual(auditTenant(perUser.exported, { at: AT }));
    expect(auditTenant(scalable.exported, { at: AT })).toEqual(auditTenant(withoutSignIns(original), { at: AT }));
    // Only the users the activity report cannot settle were read one by one: the TAP holders
    // (marc, tom) and the passkey holders (raj, sofia, vic, hana, ada); one $batch of 7.
    expect(scalable.err.slice(-1)[0]).toMatch(/\(7 users' methods read one by one; \d+ HTTP requests to Graph, \d+ Graph requests counting each in a \$batch\)$/);
    const paths = scalable.emulator.requests.map((r) => r.path.split('?')[0]);
    expect(paths.filter((p) => p === '/v1.0/$batch')).toHaveLength(3); // the roles the policies name, the named groups, the 7 users' methods
    expect(paths).toEqual(expect.arrayContaining(['/v1.0/reports/authenticationMethods/userRegistrationDetails', '/v1.0/deviceManagement/managedDevices']));
    expect(scalableRequests).toBeLessThan(perUserRequests);
    for (const user of original.users) {
      for (const platform of PLATFORMS) expect(findingCodes(scalable.exported, user.userPrincipalName, platform)).toEqual(findingCodes(original, user.userPrincipalName, platform));
    }
    // ada's Intune-managed phone came from the tenant-wide device list, given to her by userId.
    const ada = original.users.find((u) => u.userPrincipalName === 'ada@contoso.com')!;
    expect(scalable.exported.users.find((u) => u.id === ada.id)!.managedDevices).toEqual(ada.managedDevices);
  });

  it('a generated 2,100-user tenant: the same audit as the per-user export, in a bounded number of requests', async () => {
    const original = validateSnapshot(generateTenant({ policies: 30, groups: 60, users: 2100, nestingDepth: 3 }));
    const { scalable, perUser, scalableRequests } = await bothWays(original, { pageSize: 999 });
    expect(auditTenant(scalable.exported, { at: AT })).toEqual(auditTenant(perUser.exported, { at: AT }));
    // Group-held roles and nesting evaluate the same, flattened.
    expect(scalable.exported.roleAssignments.some((r) => scalable.exported.groups.some((g) => g.id === r.principalId))).toBe(true);
    const passkeyUsers = original.users.filter((u) => u.authenticationMethods.some((m) => m['@odata.type'] === '#microsoft.graph.fido2AuthenticationMethod')).length;
    const named = new Set(original.conditionalAccessPolicies.flatMap((p) => [...(p.conditions?.users?.includeGroups ?? []), ...(p.conditions?.users?.excludeGroups ?? [])])).size + 1;
    // Pages (users, report, 3 phone lists, policies...), the group list for names (one page), 20
    // groups' members a $batch, 20 users' methods a $batch.
    const bound = 3 * 2 + 3 + 10 + 1 + Math.ceil(named / 20) + Math.ceil(passkeyUsers / 20);
    expect(scalableRequests).toBeLessThanOrEqual(bound);
    expect(scalable.err.slice(-1)[0]).toContain(`(${passkeyUsers} users' methods read one by one;`);
  }, 300_000);

  it('honours a 429 with Retry-After on the report, a $batch and a page, and loses nothing', async () => {
    const original = loadSnapshotFile(DEMO);
    const { exported, emulator } = await exportOf(original, { pageSize: 2 }, (emulator) => {
      emulator.failNext(1, 429, { retryAfterSeconds: 1, pathContains: '/userRegistrationDetails' });
      emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: '/$batch' });
      emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: '$skiptoken' });
    });
    const report = emulator.requests.filter((r) => r.path.startsWith('/v1.0/reports/authenticationMethods/userRegistrationDetails?') && !r.path.includes('$skiptoken'));
    expect(report).toHaveLength(2); // sent again after the Retry-After
    expect(exported.users.map((u) => u.id)).toEqual(original.users.map((u) => u.id));
    expect(auditTenant(exported, { at: AT })).toEqual(auditTenant(withoutSignIns(original), { at: AT }));
  });

  it('--sign-in-days includes the registration sign-ins of the window, and audits as the per-user export with them', async () => {
    const original = loadSnapshotFile(DEMO);
    const now = () => AT;
    const scalable = await exportOf(original, {}, undefined, ['--sign-in-days', '7']);
    expect(scalable.exported.signIns).toEqual([]); // the log is readable; the demo's sign-ins are dated by the demo clock, none in the real last 7 days
    const emulator = await start(original);
    const file = join(dir, `export-${++files}.json`);
    const r = await run(['--out', file, '--sign-in-days', '7'], { client: clientFor(emulator), now });
    expect(r.code).toBe(0);
    const exported = loadSnapshotFile(file);
    const weekAgo = AT.getTime() - 7 * 86_400_000;
    const expected = original.signIns!.filter((s) => ['4813382a-8fa7-425e-ab75-3b753aab3abb', '19db86c3-b2b9-44cc-b339-36da233a3be2'].includes(s.appId ?? '') && Date.parse(s.createdDateTime) >= weekAgo);
    expect(expected.length).toBeGreaterThan(0);
    expect(exported.signIns!.map((s) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());
    expect(r.err.slice(-1)[0]).toContain(`${expected.length} sign-in`);
    const perUserFile = join(dir, `export-${++files}.json`);
    expect((await run(['--out', perUserFile, '--sign-in-days', '7', '--per-user'], { client: clientFor(emulator), now })).code).toBe(0);
    expect(auditTenant(exported, { at: AT })).toEqual(auditTenant(loadSnapshotFile(perUserFile), { at: AT }));
  });

  it('--sign-in-days without access to the sign-in log (403) warns and exports without sign-ins', async () => {
    const { exported, err } = await exportOf(validateSnapshot(contoso()), {}, undefined, ['--sign-in-days', '7']);
    expect(exported.signIns).toBeUndefined();
    expect(err).toContainEqual(expect.stringMatching(/^export-tenant: warning: the sign-in log cannot be read \(403: .*AuditLog\.Read\.All.*P1.*\); the export goes on without sign-ins$/));
  });

  it.each([
    [['--out', 'x.json', '--sign-in-days', '31'], /--sign-in-days must be a whole number from 0 to 30, got "31"/],
    [['--out', 'x.json', '--sign-in-days=-1'], /--sign-in-days must be a whole number from 0 to 30/],
  ])('bad --sign-in-days exits 2: %j', async (argv, message) => {
    const r = await run(argv, { client: createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: 'http://127.0.0.1:9' }) });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(message)]);
  });

  it('without the activity report (403) warns, reads every user\'s methods one by one, and audits the same', async () => {
    const original = loadSnapshotFile(DEMO);
    const emulator = await start(original);
    // Graph as a tenant without AuditLog.Read.All / Entra ID P1 answers it: the report refused, the rest served.
    const proxy = createHttpServer((req, res) => {
      if ((req.url ?? '').includes('/reports/authenticationMethods/userRegistrationDetails')) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: 'Neither tenant is B2C or tenant doesn\'t have premium license' } }));
        return;
      }
      const upstream = httpRequest(`${emulator.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolveListen) => proxy.listen(0, '127.0.0.1', resolveListen));
    try {
      const { port } = proxy.address() as { port: number };
      const client = createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: `http://127.0.0.1:${port}/v1.0`, maxRetries: 0, timeoutMs: 15_000 });
      const file = join(dir, `export-${++files}.json`);
      const r = await run(['--out', file], { client });
      expect(r.code).toBe(0);
      expect(r.err).toContainEqual(expect.stringMatching(/^export-tenant: warning: the authentication methods activity report cannot be read \(403: .*AuditLog\.Read\.All.*P1\/P2.*\); every user's methods are read one by one/));
      expect(r.err.slice(-1)[0]).toContain(`(${original.users.length} users' methods read one by one;`);
      expect(auditTenant(loadSnapshotFile(file), { at: AT })).toEqual(auditTenant(withoutSignIns(original), { at: AT }));
    } finally {
      await new Promise((closed) => proxy.close(closed));
    }
  });

  it('retries only the throttled requests inside a $batch, after the longest Retry-After they name (fake clock)', async () => {
    const sent: string[][] = [];
    const waits: number[] = [];
    let round = 0;
    // A stand-in for Graph's $batch endpoint: first u2 and u3 are throttled (Retry-After 2 and 5), then u3 once more (no header).
    const client = {
      api: () => ({
        post: async (body: { requests: { id: string }[] }) => {
          sent.push(body.requests.map((r) => r.id));
          round++;
          return {
            responses: body.requests.map(({ id }) => {
              if (round === 1 && id === 'u2') return { id, status: 429, headers: { 'Retry-After': '2' }, body: { error: { code: 'TooManyRequests' } } };
              if (round === 1 && id === 'u3') return { id, status: 429, headers: { 'retry-after': '5' }, body: {} };
              if (round === 2 && id === 'u3') return { id, status: 503, headers: {}, body: {} };
              return { id, status: 200, headers: {}, body: { value: [id] } };
            }),
          };
        },
      }),
    } as unknown as Client;
    const tally: RequestTally = { http: 0, graph: 0, innerRetries: 0 };
    const answers = await batchGet(client, ['u1', 'u2', 'u3'].map((id) => ({ id, url: `/users/${id}/authentication/methods` })), tally, {
      maxRetries: 3,
      defaultDelayMs: 1000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(sent).toEqual([['u1', 'u2', 'u3'], ['u2', 'u3'], ['u3']]);
    expect(waits).toEqual([5000, 1000]);
    expect([...answers.values()].map((a) => a.status)).toEqual([200, 200, 200]);
    expect(tally).toEqual({ http: 3, graph: 6, innerRetries: 3 });
  });

  it('a $batch answer asking to wait longer than allowed is not waited for: it comes back as the 429', async () => {
    const client = { api: () => ({ post: async () => ({ responses: [{ id: 'a', status: 429, headers: { 'Retry-After': '600' }, body: {} }] }) }) } as unknown as Client;
    const sleep = jest.fn(async () => {});
    const answers = await batchGet(client, [{ id: 'a', url: '/users/a/authentication/methods' }], { http: 0, graph: 0, innerRetries: 0 }, { maxRetryAfterSeconds: 120, sleep });
    expect(answers.get('a')!.status).toBe(429);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('the activity report settles phones, email and Authenticator; passkeys, TAPs and unknown values are read one by one', () => {
    const base = { smsSignInMatters: false };
    expect(settles({ id: 'u', methodsRegistered: ['mobilePhone', 'email', 'microsoftAuthenticatorPush'] }, base)).toBe(true);
    expect(settles({ id: 'u', methodsRegistered: [] }, base)).toBe(true);
    for (const value of ['passKeyDeviceBoundAuthenticator', 'passKeyDeviceBound', 'fido2SecurityKey', 'passKeySynced', 'temporaryAccessPass', 'hardwareOneTimePasscode', 'somethingNew']) {
      expect([value, settles({ id: 'u', methodsRegistered: ['mobilePhone', value] }, base)]).toEqual([value, false]);
    }
    expect(settles(undefined, base)).toBe(false); // not in the report
    expect(settles({ id: 'u', methodsRegistered: ['mobilePhone'] }, { smsSignInMatters: true })).toBe(false);
    expect(settles({ id: 'u', methodsRegistered: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'] }, base)).toBe(false);
    expect(methodsFromReport({ id: 'u', methodsRegistered: ['microsoftAuthenticatorPush', 'mobilePhone'] }).map((m) => [m['@odata.type'], (m as { phoneType?: string }).phoneType])).toEqual([
      ['#microsoft.graph.passwordAuthenticationMethod', undefined],
      ['#microsoft.graph.phoneAuthenticationMethod', 'mobile'],
      ['#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', undefined],
    ]);
  });

  it('never writes a Temporary Access Pass value, even when Graph returns one', async () => {
    const snapshot = contoso();
    const tap = snapshot.users.find((u: any) => u.id === IDS.dave).authenticationMethods.find((m: any) => m.id === IDS.daveTap);
    tap.temporaryAccessPass = 'Kx7!pQ2#vN9z';
    const { text, exported } = await exportOf(snapshot as TenantSnapshot);
    expect(text).not.toContain('Kx7!pQ2#vN9z');
    expect(text).not.toContain('"temporaryAccessPass"');
    // The method itself is kept: the diagnosis needs its window.
    expect(exported.users.find((u) => u.id === IDS.dave)!.authenticationMethods.find((m) => m.id === IDS.daveTap)).toMatchObject({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      lifetimeInMinutes: 60,
    });
  });

  it('--max-users exports only the first N users, with consistent groups', async () => {
    const { exported } = await exportOf(loadSnapshotFile(DEMO), {}, undefined, ['--max-users', '3']);
    expect(exported.users).toHaveLength(3);
    for (const g of exported.groups) for (const m of g.members) expect(exported.users.some((u) => u.id === m) || exported.groups.some((x) => x.id === m)).toBe(true);
  });

  it.each([
    [[], /^export-tenant: --out FILE is required/],
    [['--out'], /^export-tenant: Option '--out <value>' argument missing/],
    [['--out', 'x.json', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, got "0"/],
    [['--out', 'x.json', '--max-users', 'many'], /--max-users must be a whole number/],
    [['--out', 'x.json', '--colour', 'blue'], /Unknown option '--colour'/],
    [['--out', join('no', 'such', 'dir', 'x.json')], /cannot write .*x\.json: no such directory/],
  ])('bad usage exits 2 with one line: %j', async (argv, message) => {
    const r = await run(argv, { client: createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: 'http://127.0.0.1:9' }) });
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(message);
    expect(r.err[0]).not.toContain('\n');
  });

  it('offline (no credentials) says it needs the online configuration and where the demo snapshot is', async () => {
    const r = await run(['--out', join(dir, 'offline.json')], { env: {} });
    expect(r.code).toBe(2);
    expect(r.err).toEqual([expect.stringMatching(/^export-tenant: needs the online configuration .*offline there is nothing to export .*fixtures\/demo-tenant\.json$/)]);
    expect(existsSync(join(dir, 'offline.json'))).toBe(false);
  });

  it('an unreachable Graph exits 1 with one line, no token, and leaves an existing file alone', async () => {
    const port = await closedPort();
    const file = join(dir, 'kept.json');
    writeFileSync(file, '{"previous": true}');
    const client = createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0, timeoutMs: 15_000 }); // refused at once; the timeout must not win
    const r = await run(['--out', file], { client });
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^export-tenant: Graph GET \/\S+: Graph unreachable — .*ECONNREFUSED/)]);
    expect(r.err[0]).not.toContain(TOKEN);
    expect(readFileSync(file, 'utf8')).toBe('{"previous": true}');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
