// The audit's sign-in impact (issue 13 §3): what the sign-in log shows of each Conditional Access
// policy over the last days before --at — the failed passkey-registration attempts and the users
// who made them, and for a report-only policy the attempts it would have blocked — in the numbers
// an admin reads in the text, JSON and HTML reports.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditTenant, renderHtml, renderText, type AuditReport } from '../../src/audit';
import { runAudit } from '../../src/cli/audit';
import { loadSnapshotFile, validateSnapshot } from '../../src/snapshot';
import { AT, MY_SIGN_INS, OUTLOOK, signIn, type Json } from '../fixtures/sign-ins';
import { demoJson } from './variants';

const DEMO = resolve(__dirname, '..', '..', 'fixtures', 'demo-tenant.json');
const DAY = 24 * 60;

const POLICY = {
  pilot: 'fbd66153-6daa-54ac-bb80-677db8acec8c', // Passkey pilot: passkey in Authenticator everywhere (enabled)
  wave1Mobile: '446f29e6-d5e1-5466-b410-9613a79f5a5a',
  finance: 'f6a34407-24cb-5a99-b22f-97e09063be5d', // on the "Register security information" user action
  reportOnly: '515eb4ce-43ff-595c-ac4d-c79608c1bb6d', // All users: MFA (report-only)
};
const PILOT = 'Passkey pilot: passkey in Authenticator everywhere';
const REPORT_ONLY = 'All users: MFA (report-only)';

const demo = demoJson();
const userId = (upn: string): string => demo.users.find((u: Json) => u.userPrincipalName === upn).id;

/** The demo tenant with these sign-ins instead of its own (none: the key left out). */
function tenant(signIns: Json[] | undefined) {
  const s = demoJson();
  delete s.signIns;
  if (signIns) s.signIns = signIns;
  return validateSnapshot(s);
}

const failure = (id: string, upn: string, minutesBefore: number, policy = POLICY.pilot, extra: Partial<Parameters<typeof signIn>[0]> = {}) =>
  signIn({ id, userId: userId(upn), minutesBefore, errorCode: 53003, policies: [[policy, 'failure']], ...extra });
const wouldFail = (id: string, upn: string, minutesBefore: number) =>
  signIn({ id, userId: userId(upn), minutesBefore, errorCode: 0, policies: [[POLICY.reportOnly, 'reportOnlyFailure', REPORT_ONLY], [POLICY.wave1Mobile, 'success']] });

const SIGN_INS = [
  // Passkey pilot: 3 failed attempts by 2 users in the window...
  failure('s-01', 'lena@contoso.com', 10),
  failure('s-02', 'lena@contoso.com', 2 * DAY),
  failure('s-03', 'raj@contoso.com', 6 * DAY),
  // ...one 8 days ago, outside the default window...
  failure('s-04', 'pia@contoso.com', 8 * DAY),
  // ...and one to Outlook, which is no registration attempt.
  failure('s-05', 'sofia@contoso.com', 30, POLICY.pilot, { appId: OUTLOOK }),
  // The report-only policy would have blocked 5 attempts by 4 users (the sign-ins themselves succeeded).
  wouldFail('s-06', 'tom@contoso.com', 60),
  wouldFail('s-07', 'tom@contoso.com', 3 * DAY),
  wouldFail('s-08', 'marc@contoso.com', 90),
  wouldFail('s-09', 'noor@contoso.com', 120),
  wouldFail('s-10', 'omid@contoso.com', 4 * DAY),
];

const policyOf = (r: AuditReport, id: string) => r.signIns!.policies.find((p) => p.policy.id === id);

describe('sign-in impact in the audit', () => {
  const report = auditTenant(tenant(SIGN_INS), { at: AT });
  const text = renderText(report);

  it('counts, per policy, the failed registration attempts of the last 7 days and the distinct users', () => {
    expect(policyOf(report, POLICY.pilot)).toMatchObject({ failedAttempts: 3, failedUsers: 2, reportOnlyFailures: 0, errorCodes: [53003], sampleUsers: ['lena@contoso.com', 'raj@contoso.com'] });
    expect(text).toContain(`- "${PILOT}" (enabled): 3 failed registration attempts by 2 users — error 53003; last 2026-10-05 13:50Z; lena@contoso.com, raj@contoso.com`);
  });

  it('counts, for a report-only policy, the attempts it would have blocked (reportOnlyFailure) and their users', () => {
    expect(policyOf(report, POLICY.reportOnly)).toMatchObject({ failedAttempts: 0, reportOnlyFailures: 5, reportOnlyUsers: 4 });
    expect(text).toContain(`- "${REPORT_ONLY}" (report-only): 5 reportOnlyFailure by 4 users (registration attempts it would have blocked if enforced)`);
  });

  it('says how many registration attempts the window held, and leaves out other apps and older sign-ins', () => {
    expect(report.signIns).toMatchObject({ readable: true, days: 7, from: '2026-09-28T14:00:00.000Z', to: '2026-10-05T14:00:00.000Z', registrationAttempts: 8, failedAttempts: 3, usersWithFailures: 2 });
    expect(text).toContain('Sign-ins, last 7 days (2026-09-28 14:00Z to 2026-10-05 14:00Z): 8 passkey registration attempts (Microsoft Authenticator or security info registration), 3 failed, by 2 users.');
  });

  it("puts the policy's numbers on its findings, zeros where the log shows nothing", () => {
    const pilot = report.findings.find((f) => f.policy.id === POLICY.pilot)!;
    expect(pilot.signIns).toEqual({ days: 7, failedAttempts: 3, failedUsers: 2, reportOnlyFailures: 0, reportOnlyUsers: 0 });
    const reportOnly = report.findings.find((f) => f.policy.id === POLICY.reportOnly)!;
    expect(reportOnly.signIns).toEqual({ days: 7, failedAttempts: 0, failedUsers: 0, reportOnlyFailures: 5, reportOnlyUsers: 4 });
    const quiet = report.findings.find((f) => f.policy.name === 'Admins: phishing-resistant MFA')!;
    expect(quiet.signIns).toMatchObject({ failedAttempts: 0, reportOnlyFailures: 0 });
    expect(text).toContain('  Sign-ins, last 7 days: 3 failed registration attempts by 2 users\n');
    expect(text).toContain('  Sign-ins, last 7 days: 5 reportOnlyFailure by 4 users (registration attempts it would have blocked if enforced)\n');
    expect(report.findings.filter((f) => f.policy.kind !== 'conditionalAccess').every((f) => f.signIns === undefined)).toBe(true);
  });

  it('counts a sign-in older than the window once the window is widened (--sign-in-days), and none after --at', () => {
    const wide = auditTenant(tenant(SIGN_INS), { at: AT, signInDays: 10 });
    expect(policyOf(wide, POLICY.pilot)).toMatchObject({ failedAttempts: 4, failedUsers: 3 });
    const earlier = auditTenant(tenant(SIGN_INS), { at: new Date(AT.getTime() - 2 * DAY * 60_000), signInDays: 1 });
    // The day from 3 to 2 days before AT, both ends included: s-02 (its end) and s-07 (its start); s-01, later, is not counted.
    expect(policyOf(earlier, POLICY.pilot)).toMatchObject({ failedAttempts: 1, failedUsers: 1, sampleUsers: ['lena@contoso.com'] });
    expect(policyOf(earlier, POLICY.reportOnly)).toMatchObject({ reportOnlyFailures: 1, reportOnlyUsers: 1, sampleUsers: ['tom@contoso.com'] });
    expect(earlier.signIns).toMatchObject({ registrationAttempts: 2 });
  });

  it('recognises the security-info registration flow: My Sign-ins, or a failed policy on the user action', () => {
    const r = auditTenant(
      tenant([
        failure('r-1', 'pia@contoso.com', 15, POLICY.finance, { appId: MY_SIGN_INS }),
        failure('r-2', 'raj@contoso.com', 25, POLICY.finance, { appId: '00000003-0000-0000-c000-000000000000' }),
        failure('r-3', 'sofia@contoso.com', 35, POLICY.pilot, { appId: OUTLOOK }),
      ]),
      { at: AT },
    );
    expect(policyOf(r, POLICY.finance)).toMatchObject({ failedAttempts: 2, failedUsers: 2 });
    expect(policyOf(r, POLICY.pilot)).toBeUndefined();
    expect(r.signIns).toMatchObject({ registrationAttempts: 2, failedAttempts: 2 });
  });

  it('names a policy the tenant no longer has by the name the sign-in gives it', () => {
    const r = auditTenant(tenant([failure('g-1', 'lena@contoso.com', 5, 'aaaaaaaa-0000-4000-8000-00000000dead', { policies: [['aaaaaaaa-0000-4000-8000-00000000dead', 'failure', 'Old block']] })]), { at: AT });
    expect(r.signIns!.policies).toEqual([expect.objectContaining({ policy: { kind: 'conditionalAccess', id: 'aaaaaaaa-0000-4000-8000-00000000dead', name: 'Old block', state: 'missing' }, failedAttempts: 1 })]);
    expect(renderText(r)).toContain('- "Old block" (no longer in the tenant): 1 failed registration attempt by 1 user');
  });

  it('says when the window held no registration attempt at all', () => {
    const r = auditTenant(tenant([]), { at: AT });
    expect(r.signIns).toMatchObject({ readable: true, registrationAttempts: 0, policies: [] });
    expect(renderText(r)).toContain('Sign-ins, last 7 days (2026-09-28 14:00Z to 2026-10-05 14:00Z): no passkey registration attempt (Microsoft Authenticator or security info registration).');
  });

  it('shows the same numbers in the HTML report', () => {
    const html = renderHtml(report);
    expect(html).toContain('<h2>Sign-ins, last 7 days</h2>');
    expect(html).toMatch(/<tr><td>Passkey pilot: passkey in Authenticator everywhere<\/td><td>enabled<\/td><td>3<\/td><td>2<\/td><td>0<\/td><td>0<\/td><td>53003<\/td>/);
    expect(html).toMatch(/<tr><td>All users: MFA \(report-only\)<\/td><td>report-only<\/td><td>0<\/td><td>0<\/td><td>5<\/td><td>4<\/td>/);
    expect(html).toContain('<p class="observed"><strong>Sign-ins, last 7 days:</strong> 3 failed registration attempts by 2 users</p>');
  });
});

describe('a snapshot without sign-ins', () => {
  const report = auditTenant(tenant(undefined), { at: AT });

  it('says the sign-ins were not readable and why, and counts nothing', () => {
    expect(report.signIns).toEqual({ readable: false, days: 7, from: '2026-09-28T14:00:00.000Z', to: '2026-10-05T14:00:00.000Z', registrationAttempts: 0, failedAttempts: 0, usersWithFailures: 0, policies: [] });
    const text = renderText(report);
    expect(text).toContain('Sign-ins: not readable — the snapshot has no sign-ins (reading them needs AuditLog.Read.All and an Entra ID P1 licence), so every number here is a prediction from the policies alone.');
    expect(text).not.toContain('Sign-ins, last');
    expect(report.findings.every((f) => f.signIns === undefined)).toBe(true);
    expect(renderHtml(report)).toContain('<h2>Sign-ins</h2><div class="card"><p>Not readable — the snapshot has no sign-ins (reading them needs AuditLog.Read.All and an Entra ID P1 licence)');
  });

  it('reports everything else exactly as with sign-ins', () => {
    const withSignIns = auditTenant(tenant(SIGN_INS), { at: AT });
    const strip = (r: AuditReport) => ({ ...r, signIns: undefined, findings: r.findings.map((f) => ({ ...f, signIns: undefined })) });
    expect(strip(report)).toEqual(strip(withSignIns));
  });
});

describe('the demo tenant (its own sign-ins)', () => {
  it('shows the failures its personas had', () => {
    const r = auditTenant(loadSnapshotFile(DEMO), { at: AT });
    expect(r.signIns).toMatchObject({ readable: true, registrationAttempts: 5, failedAttempts: 4, usersWithFailures: 3 });
    expect(r.signIns!.policies.map((p) => [p.policy.name, p.failedAttempts, p.failedUsers, p.sampleUsers])).toEqual([
      [PILOT, 2, 1, ['lena@contoso.com']],
      ['Privileged admins: block sign-ins outside trusted locations', 1, 1, ['vic@contoso.com']],
      ['Wave 1 mobile: TAP or passkey', 1, 1, ['tom@contoso.com']],
    ]);
    // The location policy the audit can only say "may block" of did block Vic.
    const offsite = r.findings.find((f) => f.policy.name === 'Privileged admins: block sign-ins outside trusted locations')!;
    expect(offsite.severity).toBe('may-block');
    expect(offsite.signIns).toMatchObject({ failedAttempts: 1, failedUsers: 1 });
  });
});

describe('npm run audit --sign-in-days', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pksb-audit-signins-'));
  const file = join(dir, 'tenant.json');
  writeFileSync(file, JSON.stringify({ ...demoJson(), signIns: SIGN_INS }));
  const run = (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runAudit(argv, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('counts back N days from --at', () => {
    const r = run(['--snapshot', file, '--at', AT.toISOString(), '--sign-in-days', '10', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.signIns).toMatchObject({ days: 10, from: '2026-09-25T14:00:00.000Z' });
    expect(report.signIns.policies[0]).toMatchObject({ policy: { name: PILOT }, failedAttempts: 4, failedUsers: 3 });
  });

  it('defaults to 7 days', () => {
    expect(JSON.parse(run(['--snapshot', file, '--at', AT.toISOString(), '--format', 'json']).out).signIns.days).toBe(7);
  });

  it.each(['0', '31', '2.5', 'week'])('refuses --sign-in-days %s with one line', (days) => {
    const r = run(['--snapshot', file, '--sign-in-days', days]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`audit: --sign-in-days must be a whole number of days from 1 to 30 (Entra keeps sign-ins 30 days), got "${days}"`);
    expect(r.out).toBe('');
  });
});
