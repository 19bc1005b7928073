// npm run bench -- export: npm run export-tenant on a generated tenant (300 policies, 2,000 groups,
// 50,000 users, 40 % with an Intune-managed phone) served by the loopback Graph server with 100 ms
// of emulated Graph latency per request. The same tenant is then exported the old way
// (--per-user, without latency to save time) and `npm run audit` (its JSON) compared on both.
// The last line: `export: N Graph requests for 50,000 users, T s, audit identical: yes|no`, where
// N counts HTTP requests to Graph (a $batch once, as the server's request log does); the line
// before it gives Graph's own count (each request inside a $batch), which its throttling uses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { auditTenant } from '../src/audit';
import { runExportTenant } from '../src/cli/export-tenant';
import { createGraphClient, StaticTokenCredential } from '../src/graph';
import { startGraphEmulator } from '../src/graph-emulator';
import { validateSnapshot, type TenantSnapshot } from '../src/snapshot';
import { generateTenant } from './generate-tenant';

const AT = new Date('2026-10-05T14:00:00Z');
const LATENCY_MS = 100;

interface ExportRun {
  snapshot: TenantSnapshot;
  http: number;
  seconds: number;
  summary: string;
}

async function exportThrough(tenant: TenantSnapshot, dir: string, name: string, latencyMs: number, args: string[]): Promise<ExportRun> {
  const emulator = await startGraphEmulator(tenant, { latencyMs });
  try {
    const client = createGraphClient({ credential: new StaticTokenCredential('bench-token'), baseUrl: emulator.baseUrl, timeoutMs: 120_000, maxRetries: 6 });
    const file = join(dir, `${name}.json`);
    const err: string[] = [];
    const t0 = performance.now();
    const code = await runExportTenant(['--out', file, ...args], () => {}, (line) => err.push(line), { client, progressEvery: 10_000 });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`export ${name} failed: ${err.join(' | ')}`);
    return { snapshot: validateSnapshot(JSON.parse(readFileSync(file, 'utf8'))), http: emulator.requests.length, seconds, summary: err[err.length - 1] };
  } finally {
    await emulator.close();
  }
}

export async function exportBench(): Promise<void> {
  const tenant = validateSnapshot(generateTenant({ policies: 300, groups: 2000, users: 50_000, nestingDepth: 3, phones: 0.4, directRoleHolders: 20 }));
  const passkeys = tenant.users.filter((u) => u.authenticationMethods.some((m) => m['@odata.type'] === '#microsoft.graph.fido2AuthenticationMethod')).length;
  const dir = mkdtempSync(join(tmpdir(), 'pksb-export-bench-'));
  try {
    const scalable = await exportThrough(tenant, dir, 'scalable', LATENCY_MS, ['--concurrency', '8']);
    console.log(`scalable export (default), ${LATENCY_MS} ms Graph latency, concurrency 8: ${scalable.summary}`);
    const t0 = performance.now();
    const perUser = await exportThrough(tenant, dir, 'per-user', 0, ['--per-user', '--concurrency', '16']);
    console.log(`per-user export (--per-user), no latency, concurrency 16: ${perUser.http} HTTP requests, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const a = JSON.stringify(auditTenant(scalable.snapshot, { at: AT }));
    const b = JSON.stringify(auditTenant(perUser.snapshot, { at: AT }));
    console.log(`users with a passkey (their methods read one by one by the scalable export): ${passkeys.toLocaleString('en-US')}`);
    console.log(`export: ${scalable.http.toLocaleString('en-US')} Graph requests for ${tenant.users.length.toLocaleString('en-US')} users, ${scalable.seconds.toFixed(1)} s, audit identical: ${a === b ? 'yes' : 'no'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
