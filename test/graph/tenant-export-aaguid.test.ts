// The scalable tenant export and the AAGUID of a passkey in Microsoft Authenticator: the activity
// report says `passKeyDeviceBoundAuthenticator` but not on which platform (iOS and Android
// Authenticator have different AAGUIDs), and the engine uses the platform — a passkey is usable
// only on its own platform, and a strength may allow one of the two AAGUIDs only. These users are
// read one by one, and the audit of the export is the per-user export's. Also: the bench's
// counting relay counts Graph requests as Graph's throttling does (each inside a $batch).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTenant } from '../../bench/generate-tenant';
import { startCountingRelay } from '../../bench/graph-request-count';
import { auditTenant } from '../../src/audit';
import { runExportTenant } from '../../src/cli/export-tenant';
import { AUTHENTICATOR_AAGUID, type Platform } from '../../src/diagnosis';
import { createGraphClient, StaticTokenCredential } from '../../src/graph';
import { exportTenantScalable, pagedReader } from '../../src/graph/tenant-export';
import { batchGet, type RequestTally } from '../../src/graph/tenant-export-batch';
import { loadSnapshotFile, validateSnapshot, type SnapshotUser, type TenantSnapshot } from '../../src/snapshot';
import { clientFor, emulators, TOKEN } from './helpers';

const AT = new Date('2026-10-05T14:00:00Z');
const FIDO2 = '#microsoft.graph.fido2AuthenticationMethod';
const dir = mkdtempSync(join(tmpdir(), 'pksb-export-aaguid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { start } = emulators();

const passkeyOf = (u: SnapshotUser) => u.authenticationMethods.find((m) => m['@odata.type'] === FIDO2) as { aaGuid?: string } | undefined;

/** A generated tenant whose passkey strength allows only the iOS Authenticator AAGUID. */
function iosOnlyTenant(): TenantSnapshot {
  const tenant = generateTenant({ policies: 30, groups: 60, users: 400, nestingDepth: 3, phones: 0.4 });
  const strength = tenant.authenticationStrengthPolicies[0];
  strength.displayName = 'Passkey in Authenticator on iOS';
  strength.combinationConfigurations[0].allowedAAGUIDs = [AUTHENTICATOR_AAGUID.iOS];
  return validateSnapshot(tenant);
}

/** The tenant with every Authenticator passkey moved to the other platform (what a guess would get wrong). */
function platformsSwapped(snapshot: TenantSnapshot): TenantSnapshot {
  const copy = structuredClone(snapshot);
  for (const user of copy.users) {
    const key = passkeyOf(user);
    if (key) key.aaGuid = key.aaGuid === AUTHENTICATOR_AAGUID.iOS ? AUTHENTICATOR_AAGUID.android : AUTHENTICATOR_AAGUID.iOS;
  }
  return copy;
}

async function perUserExport(tenant: TenantSnapshot): Promise<TenantSnapshot> {
  const emulator = await start(tenant);
  const file = join(dir, `per-user-${Date.now()}.json`);
  const err: string[] = [];
  const code = await runExportTenant(['--out', file, '--per-user'], () => {}, (line) => err.push(line), { client: clientFor(emulator), progressEvery: 10_000 });
  expect({ code, last: err.slice(-1)[0] }).toEqual({ code: 0, last: expect.stringMatching(/^export-tenant: wrote /) });
  return loadSnapshotFile(file);
}

describe('scalable export: passkeys in Authenticator', () => {
  it('a strength allowing only the iOS Authenticator AAGUID: every passkey user is read one by one, keeps their own AAGUID, and the audit is the per-user export\'s', async () => {
    const tenant = iosOnlyTenant();
    const passkeyUsers = tenant.users.filter((u) => passkeyOf(u));
    const platforms = new Set(passkeyUsers.map((u) => passkeyOf(u)!.aaGuid));
    expect(platforms).toEqual(new Set([AUTHENTICATOR_AAGUID.iOS, AUTHENTICATOR_AAGUID.android]));

    const emulator = await start(tenant);
    const { snapshot, stats } = await exportTenantScalable(clientFor(emulator), { concurrency: 4, progress: () => {}, warn: () => {} });
    expect(stats.reportForbidden).toBe(false);
    expect(stats.methodReads).toBe(passkeyUsers.length);
    const exported = validateSnapshot(JSON.parse(JSON.stringify(snapshot)));
    for (const user of passkeyUsers) expect(passkeyOf(exported.users.find((u) => u.id === user.id)!)?.aaGuid).toBe(passkeyOf(user)!.aaGuid);

    const audit = auditTenant(exported, { at: AT });
    expect(audit).toEqual(auditTenant(await perUserExport(tenant), { at: AT }));
    // The platforms matter here: a snapshot that guessed them would audit differently.
    expect(auditTenant(platformsSwapped(exported), { at: AT })).not.toEqual(audit);
  }, 120_000);

  it('with both Authenticator AAGUIDs allowed (the bench\'s tenant) the platform still decides each passkey user\'s outcome, so none can be settled from the report', () => {
    // The engine counts a passkey only on its own platform: for every passkey user some policy's
    // outcome on some platform changes when the passkey is on the other one. If this stops being
    // true, the export may settle passKeyDeviceBoundAuthenticator from the report.
    const tenant = validateSnapshot(generateTenant({ policies: 30, groups: 60, users: 400, nestingDepth: 3, phones: 0.4 }));
    const outcomes = (snapshot: TenantSnapshot) => {
      const per = snapshot.users.map(() => [] as string[]);
      auditTenant(snapshot, { at: AT, trace: { conditionalAccess: (policy, event, platform: Platform, i, outcome) => per[i].push(`${policy} ${event} ${platform} ${outcome}`) } });
      return per.map((lines) => lines.sort().join('\n'));
    };
    const before = outcomes(tenant);
    const after = outcomes(platformsSwapped(tenant));
    const passkeyIndexes = tenant.users.flatMap((u, i) => (passkeyOf(u) ? [i] : []));
    expect(passkeyIndexes.length).toBeGreaterThan(50);
    expect(passkeyIndexes.filter((i) => before[i] === after[i])).toEqual([]);
    // Users without a passkey are untouched by the swap.
    expect(tenant.users.flatMap((u, i) => (!passkeyOf(u) && before[i] !== after[i] ? [u.userPrincipalName] : []))).toEqual([]);
  }, 60_000);
});

describe('the bench\'s Graph request count', () => {
  it('counts each request inside a $batch and every page, as the export\'s own tally does, by kind', async () => {
    const tenant = validateSnapshot(generateTenant({ policies: 3, groups: 6, users: 30 }));
    const emulator = await start(tenant, { pageSize: 10 });
    const relay = await startCountingRelay(emulator.url);
    try {
      const client = createGraphClient({ credential: new StaticTokenCredential(TOKEN), baseUrl: relay.baseUrl, timeoutMs: 15_000, maxRetries: 3, retryDelaySeconds: 0 });
      const tally: RequestTally = { http: 0, graph: 0, innerRetries: 0 };
      const users = await pagedReader(client, tally)<{ id: string }>('/users?$select=id');
      expect(users).toHaveLength(30);
      const answers = await batchGet(client, users.slice(0, 3).map((u) => ({ id: u.id, url: `/users/${u.id}/authentication/methods` })), tally);
      expect([...answers.values()].map((a) => a.status)).toEqual([200, 200, 200]);
      // 3 pages of users (the next links went through the relay too) + 1 $batch holding 3 requests.
      expect({ http: relay.count.http, graph: relay.count.graph }).toEqual({ http: 4, graph: 6 });
      expect({ http: relay.count.http, graph: relay.count.graph }).toEqual({ http: tally.http, graph: tally.graph });
      expect(relay.count.http).toBe(emulator.requests.length);
      expect(Object.fromEntries(relay.count.byKind)).toEqual({ 'GET /users': 3, 'GET /users/{id}/authentication/methods (in $batch)': 3 });
    } finally {
      await relay.close();
    }
  });
});
