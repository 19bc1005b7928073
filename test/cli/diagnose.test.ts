import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('works as a real command: exit code and stderr', (done) => {
    execFile('npm', ['run', '-s', 'diagnose', '--', '--snapshot', EXAMPLE, '--user', 'ghost@fabrikam.com', '--platform', 'android'], { cwd: ROOT }, (error, stdout, stderr) => {
      expect(error?.code).toBe(2);
      expect(stderr.trim()).toBe('diagnose: unknown user: user "ghost@fabrikam.com" not found');
      done();
    });
  }, 30_000);
});
