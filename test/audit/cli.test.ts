import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runAudit } from '../../src/cli/audit';

const ROOT = resolve(__dirname, '..', '..');
const DEMO = join(ROOT, 'fixtures', 'demo-tenant.json');
const AT = ['--at', '2026-10-05T14:00:00Z'];

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runAudit(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pksb-audit-'));

  it('prints readable text by default', () => {
    const r = run(['--snapshot', DEMO, ...AT]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Passkey readiness audit — Contoso \(demo\)/);
    expect(r.out).toMatch(/\[BLOCKING\] Registration loop — "Passkey pilot: passkey in Authenticator everywhere" \(enabled\)/);
    expect(r.out).toMatch(/\[REPORT-ONLY\] .* — "All users: MFA \(report-only\)" \(report-only\)/);
    expect(r.out).toContain('Desktop policy "Require a passkey in Authenticator to access a desktop OS (Passkey pilot)"');
    expect(r.out).toContain('Split design already in place');
    expect(r.out).not.toContain('Old pilot: block unmanaged mobile (disabled)');
  });

  it('prints the report as JSON with --format json', () => {
    const r = run(['--snapshot', DEMO, ...AT, '--format', 'json', '--platform', 'android']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.schema).toBe('passkey-readiness-audit/1');
    expect(report.platforms).toEqual(['android']);
    expect(report.findings.find((f: any) => f.policy.name === 'Passkey pilot: passkey in Authenticator everywhere').usersBlocked).toBe(1);
  });

  it('writes the HTML report to --out and says so in one line', () => {
    const file = join(dir, 'audit.html');
    const r = run(['--snapshot', DEMO, ...AT, '--format', 'html', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Wrote the html audit of Contoso (demo) to ${file}: 10 findings (7 blocking), 7 users blocked.`);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('accepts iOS in any case', () => {
    expect(run(['--snapshot', DEMO, '--platform', 'ios', '--format', 'json']).code).toBe(0);
  });

  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"tenant": {"id": "t"}, "users": [{"id": 5}]}');
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ nope');

  it.each([
    [['--snapshot', broken], /audit: .*broken\.json: users\[0\]\.id/],
    [['--snapshot', notJson], /audit: .*not\.json: invalid JSON/],
    [['--snapshot', join(dir, 'missing.json')], /audit: cannot read snapshot file .*missing\.json: no such file/],
    [['--format', 'json'], /--snapshot FILE is required/],
    [['--snapshot', DEMO, '--format', 'pdf'], /--format must be text, json or html, got "pdf"/],
    [['--snapshot', DEMO, '--platform', 'windows'], /--platform must be android, iOS or both, got "windows"/],
    [['--snapshot', DEMO, '--at', 'yesterday'], /--at must be an ISO time/],
    [['--snapshot', DEMO, '--colour', 'blue'], /Unknown option '--colour'/],
    [['--snapshot', DEMO, '--out', join(dir, 'no', 'such', 'dir', 'a.html')], /cannot write .*a\.html: no such directory/],
  ])('exits 2 with one line naming the bad input: %j', (argv, message) => {
    const r = run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('runs as the npm script does (ts-node), exit code and all', async () => {
    const bin = join(ROOT, 'node_modules', '.bin', 'ts-node');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(bin, ['--transpile-only', join(ROOT, 'src', 'cli', 'audit.ts'), '--snapshot', join(dir, 'missing.json')], { cwd: ROOT }, (e, stdout, stderr) =>
        done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^audit: cannot read snapshot file .*missing\.json: no such file\n$/) });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.audit).toBe('ts-node --transpile-only src/cli/audit.ts');
  }, 30_000);
});
