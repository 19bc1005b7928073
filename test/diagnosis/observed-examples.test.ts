// Example documents in the contract's format (description, args, expected, snapshot) for "may
// apply" and observed sign-ins, run through `npm run diagnose` — its runDiagnose in-process, and
// one as the real command — reading each snapshot through the loopback Graph server.
// `expected` keys, beyond the contract's blocking / present / policyIds / workarounds:
//   nonBlocking: code → the exact policies of its non-blocking finding
//   absent: codes that must not appear
//   evidence: code → text its evidence must contain
//   agreement: observed.agreement, or null when `observed` must be absent
//   observedSignIns: the exact ids in observed.signIns, newest first
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runDiagnose } from '../../src/cli/diagnose';

const ROOT = resolve(__dirname, '..', '..');
const dir = join(ROOT, 'test', 'fixtures', 'observed-examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, path: join(dir, f), ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));

const FLAGS: Record<string, string> = {
  user: '--user',
  platform: '--platform',
  at: '--at',
  androidProfile: '--android-profile',
  passkeyProfile: '--passkey-profile',
  osVersion: '--os-version',
  exemptionGroup: '--exemption-group',
  correlationId: '--correlation-id',
};

function argv(path: string, args: Record<string, unknown>): string[] {
  const out = ['--snapshot', path];
  for (const [key, value] of Object.entries(args)) {
    if (key === 'crossDevice' || key === 'bluetoothRestricted') {
      if (value) out.push(key === 'crossDevice' ? '--cross-device' : '--bluetooth-restricted');
    } else if (FLAGS[key] && value !== undefined) out.push(FLAGS[key], String(value));
  }
  return out;
}

describe.each(examples)('$file', (example) => {
  const { expected } = example;
  let result: any;
  beforeAll(async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDiagnose(argv(example.path, example.args), (s) => out.push(s), (s) => err.push(s));
    if (code !== 0) throw new Error(`diagnose exited ${code}: ${err.join('\n')}`);
    result = JSON.parse(out.join('\n'));
  });
  const policyCode = (c: string) => c.startsWith('ca-') || c.startsWith('passkey-') || c === 'authenticator-aaguid-blocked';

  it('reports exactly the expected blocking policy codes', () => {
    expect(result.findings.filter((f: any) => f.blocking && policyCode(f.code)).map((f: any) => f.code).sort()).toEqual([...expected.blocking].sort());
  });
  for (const code of expected.present ?? []) {
    it(`reports ${code}`, () => expect(result.findings.map((f: any) => f.code)).toContain(code));
  }
  for (const code of expected.absent ?? []) {
    it(`does not report ${code}`, () => expect(result.findings.map((f: any) => f.code)).not.toContain(code));
  }
  for (const [code, ids] of Object.entries(expected.policyIds ?? {})) {
    it(`names the policies behind ${code}`, () => expect(result.findings.find((f: any) => f.code === code && f.blocking)?.policyIds.sort()).toEqual([...(ids as string[])].sort()));
  }
  for (const [code, ids] of Object.entries(expected.nonBlocking ?? {})) {
    it(`mentions ${code} as not blocking, with its policies`, () => {
      expect(result.findings.find((f: any) => f.code === code && !f.blocking)?.policyIds.sort()).toEqual([...(ids as string[])].sort());
    });
  }
  for (const [code, text] of Object.entries(expected.evidence ?? {})) {
    it(`says "${text}" in the evidence of ${code}`, () => {
      expect(result.findings.filter((f: any) => f.code === code).flatMap((f: any) => f.evidence).join(' ')).toContain(text);
    });
  }
  for (const code of expected.workarounds ?? []) {
    it(`offers ${code}`, () => expect(result.workarounds.map((w: any) => w.code)).toContain(code));
  }
  if ('agreement' in expected) {
    it(expected.agreement === null ? 'has no observed (sign-ins cannot be read)' : `observed.agreement is ${expected.agreement}`, () => {
      if (expected.agreement === null) expect(result).not.toHaveProperty('observed');
      else expect(result.observed.agreement).toBe(expected.agreement);
    });
  }
  if (expected.observedSignIns) {
    it('lists the relevant sign-ins', () => expect(result.observed.signIns.map((s: any) => s.id)).toEqual(expected.observedSignIns));
  }
  it('puts observed (when present) between remedies and escalate, as the contract shows', () => {
    const keys = Object.keys(result);
    expect(keys).toEqual(result.observed ? ['user', 'context', 'findings', 'workarounds', 'remedies', 'observed', 'escalate'] : ['user', 'context', 'findings', 'workarounds', 'remedies', 'escalate']);
  });
});

it('works as the real command: npm run diagnose -- --correlation-id ...', (done) => {
  const example = examples.find((e) => e.file.startsWith('11-'))!;
  execFile('npm', ['run', '-s', 'diagnose', '--', ...argv(example.path, example.args)], { cwd: ROOT }, (error, stdout, stderr) => {
    expect(error).toBeNull();
    expect(stderr).toBe('');
    const d = JSON.parse(stdout);
    expect(d.observed.agreement).toBe('observed-only');
    expect(d.findings[0]).toMatchObject({ code: 'ca-other-conditions', blocking: true });
    done();
  });
}, 30_000);

it('refuses a --correlation-id that is not a GUID, in one line', async () => {
  const err: string[] = [];
  const code = await runDiagnose(['--snapshot', examples[0].path, '--user', 'lena@fabrikam.com', '--platform', 'android', '--correlation-id', 'not-an-id'], () => undefined, (s) => err.push(s));
  expect(code).toBe(2);
  expect(err).toEqual(['diagnose: --correlation-id must be the Correlation ID or Request ID from the error page (a GUID), got "not-an-id"']);
});
