// npm run bench -- audit: the tenant audit (npm run audit) on the generated tenant (300 policies,
// 2,000 groups, 50,000 users). Each format runs twice in a fresh process: once exactly as the npm
// script does (ts-node on src/cli/audit.ts: the wall time a user waits), once through this file's
// child mode, which runs the same steps with a clock around each and reports the peak RSS.
// Target: under 10 s wall time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateTenant, type TenantSize } from './generate-tenant';

const ROOT = resolve(__dirname, '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');
const FORMATS = ['text', 'json', 'html'] as const;
const TARGET_MS = 10_000;

interface ChildResult {
  loadMs: number;
  auditMs: number;
  renderMs: number;
  maxRssMb: number;
  findings: number;
  usersBlocked: number;
}

function run(args: string[]): Promise<{ ms: number; stdout: string; stderr: string; code: number | null }> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(TS_NODE, ['--transpile-only', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ ms: performance.now() - t0, stdout, stderr, code }));
  });
}

export async function auditBench(size: TenantSize = { policies: 300, groups: 2000, users: 50_000, nestingDepth: 3 }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pksb-audit-bench-'));
  try {
    const snapshotFile = join(dir, 'tenant.json');
    writeFileSync(snapshotFile, JSON.stringify(generateTenant(size)));
    const tenant = `${size.policies} policies, ${size.groups.toLocaleString('en-US')} groups, ${size.users.toLocaleString('en-US')} users`;
    console.log('| tenant | format | `npm run audit` wall time | load + validate | audit | render + write | peak RSS | findings | target |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const format of FORMATS) {
      const out = join(dir, `audit.${format}`);
      const cli = await run([join(ROOT, 'src', 'cli', 'audit.ts'), '--snapshot', snapshotFile, '--format', format, '--out', out]);
      if (cli.code !== 0) throw new Error(`npm run audit failed (${cli.code}): ${cli.stderr}`);
      const child = await run([__filename, '--child', snapshotFile, format, out]);
      if (child.code !== 0) throw new Error(`audit bench child failed (${child.code}): ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop() as string) as ChildResult;
      console.log(
        `| ${tenant} | ${format} | ${(cli.ms / 1000).toFixed(2)} s | ${(r.loadMs / 1000).toFixed(2)} s | ${(r.auditMs / 1000).toFixed(2)} s | ${(r.renderMs / 1000).toFixed(2)} s | ${r.maxRssMb.toFixed(0)} MB | ${r.findings} (${r.usersBlocked.toLocaleString('en-US')} users blocked) | < ${TARGET_MS / 1000} s ${cli.ms < TARGET_MS ? '✓' : '✗'} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child mode: the CLI's steps, timed one by one, in a process of its own (so the RSS is the audit's). */
async function child(snapshotFile: string, format: 'text' | 'json' | 'html', out: string): Promise<void> {
  const { loadSnapshotFile } = await import('../src/snapshot');
  const { auditTenant } = await import('../src/audit');
  const { render } = await import('../src/cli/audit');
  let t = performance.now();
  const snapshot = loadSnapshotFile(snapshotFile);
  const loadMs = performance.now() - t;
  t = performance.now();
  const report = auditTenant(snapshot);
  const auditMs = performance.now() - t;
  t = performance.now();
  writeFileSync(out, render(report, format));
  const renderMs = performance.now() - t;
  const result: ChildResult = {
    loadMs,
    auditMs,
    renderMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    findings: report.findings.length,
    usersBlocked: report.totals.usersBlocked,
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  const [flag, snapshotFile, format, out] = process.argv.slice(2);
  const main = flag === '--child' ? child(snapshotFile, format as 'text' | 'json' | 'html', out) : auditBench();
  main.catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
