// The audit as readable text (the default output of npm run audit).
import type { AuditFinding, AuditReport, PlatformOutcome, PolicySignIns, Severity, SignInImpact } from './report';
import { plural } from './util';

const LABEL: Record<Severity, string> = {
  blocking: 'BLOCKING',
  'may-block': 'MAY BLOCK',
  'report-only': 'REPORT-ONLY',
  'needs-tap': 'NEEDS TAP',
  risk: 'RISK',
  latent: 'LATENT',
  info: 'INFO',
};
const PLATFORM: Record<string, string> = { android: 'Android', iOS: 'iOS' };
const NO_IMPACT_LISTED = 25;

export function stateLabel(state: string): string {
  return state === 'enabledForReportingButNotEnforced' ? 'report-only' : state;
}

export function outcomeLine(o: { blocked: number; needTap: number; unknown: number; ok: number }): string {
  return [`blocked ${o.blocked}`, `need a TAP ${o.needTap}`, ...(o.unknown ? [`unknown ${o.unknown}`] : []), `ok ${o.ok}`].join(' · ');
}

export function platformLine(byPlatform: AuditFinding['byPlatform']): string {
  return Object.entries(byPlatform)
    .map(([p, o]) => `${PLATFORM[p] ?? p}: ${(o as PlatformOutcome).applies === 'no' ? 'does not apply' : `${(o as PlatformOutcome).applies === 'maybe' ? 'may apply; ' : ''}${outcomeLine(o as PlatformOutcome)}`}`)
    .join('  |  ');
}

export function summaryLines(r: AuditReport): string[] {
  const t = r.totals;
  return [
    `Users: ${plural(t.users, 'user')} (${plural(t.guests, 'guest')}); ${t.withAuthenticatorPasskey.toLocaleString('en-US')} already ${t.withAuthenticatorPasskey === 1 ? 'has' : 'have'} a passkey in Microsoft Authenticator.`,
    `Conditional Access: ${t.policies.checked} of ${t.policies.total.toLocaleString('en-US')} ${t.policies.total === 1 ? 'policy' : 'policies'} checked (enabled or report-only; ${t.policies.reportOnly} report-only); ${t.policies.disabledSkipped} disabled skipped.`,
    `${plural(t.usersBlocked, 'user')} blocked by at least one enforced finding; ${plural(t.usersNeedingTap, 'user')} can register only with a Temporary Access Pass.`,
  ];
}

const when = (iso: string) => iso.replace(/:\d\d(\.\d+)?Z$/, 'Z').replace('T', ' ');
const days = (n: number) => `last ${plural(n, 'day')}`;
const REPORT_ONLY_STATE = 'enabledForReportingButNotEnforced';

/** "2 failed attempts by 1 user" / "5 reportOnlyFailure by 4 users (would have blocked them if enforced)" */
function policyCounts(c: { failedAttempts: number; failedUsers: number; reportOnlyFailures: number; reportOnlyUsers: number }, reportOnly: boolean): string {
  const parts = [
    ...(c.failedAttempts || !reportOnly ? [c.failedAttempts ? `${plural(c.failedAttempts, 'failed registration attempt')} by ${plural(c.failedUsers, 'user')}` : 'no failed registration attempt'] : []),
    ...(c.reportOnlyFailures || reportOnly
      ? [
          c.reportOnlyFailures
            ? `${c.reportOnlyFailures.toLocaleString('en-US')} reportOnlyFailure by ${plural(c.reportOnlyUsers, 'user')} (registration attempts it would have blocked if enforced)`
            : 'no reportOnlyFailure (it would have blocked no registration attempt)',
        ]
      : []),
  ];
  return parts.join('; ');
}

/** One policy's line in the sign-in section. */
export function policySignInLine(p: PolicySignIns): string {
  const details = [...(p.errorCodes.length ? [`error ${p.errorCodes.join(', ')}`] : []), `last ${when(p.lastAttempt)}`, ...(p.sampleUsers.length ? [p.sampleUsers.join(', ')] : [])];
  return `"${p.policy.name}" (${p.policy.state === 'missing' ? 'no longer in the tenant' : stateLabel(p.policy.state)}): ${policyCounts(p, p.policy.state === REPORT_ONLY_STATE)} — ${details.join('; ')}`;
}

/** The sign-in section's first line: the window and what it held, or that the log could not be read. */
export function signInHeadline(s: SignInImpact): string {
  if (!s.readable) {
    return 'Sign-ins: not readable — the snapshot has no sign-ins (reading them needs AuditLog.Read.All and an Entra ID P1 licence), so every number here is a prediction from the policies alone.';
  }
  const head = `Sign-ins, ${days(s.days)} (${when(s.from)} to ${when(s.to)}):`;
  if (s.registrationAttempts === 0) return `${head} no passkey registration attempt (Microsoft Authenticator or security info registration).`;
  return `${head} ${plural(s.registrationAttempts, 'passkey registration attempt')} (Microsoft Authenticator or security info registration), ${s.failedAttempts.toLocaleString('en-US')} failed${s.failedAttempts ? `, by ${plural(s.usersWithFailures, 'user')}` : ''}.`;
}

/** A Conditional Access finding's line: its policy in the sign-in log (null when the log was not read). */
export function findingSignInText(f: AuditFinding): string | null {
  if (!f.signIns) return null;
  return `Sign-ins, ${days(f.signIns.days)}: ${policyCounts(f.signIns, f.policy.state === REPORT_ONLY_STATE)}`;
}

export function renderText(r: AuditReport): string {
  const out: string[] = [];
  out.push(`Passkey readiness audit — ${r.tenant.displayName ?? r.tenant.id}`);
  out.push(`Tenant ${r.tenant.id} · platforms ${r.platforms.map((p) => PLATFORM[p]).join(' and ')} · TAP windows read at ${r.at}`);
  out.push('', ...summaryLines(r));
  if (r.signIns) {
    out.push('', signInHeadline(r.signIns));
    for (const p of r.signIns.policies) out.push(`  - ${policySignInLine(p)}`);
  }

  out.push('', `Findings (${r.findings.length})`);
  for (const f of r.findings) {
    out.push('', `[${LABEL[f.severity]}] ${f.title} — "${f.policy.name}" (${stateLabel(f.policy.state)})`);
    out.push(`  ${f.policy.kind === 'conditionalAccess' ? 'policy' : f.policy.kind === 'passkeyProfile' ? 'passkey profile' : 'method settings'} ${f.policy.id} · code ${f.code}`);
    out.push(`  Requires: ${f.requirement}`);
    if (f.scope.includes.length || f.scope.excludes.length) out.push(`  Users: ${f.scope.includes.join(', ') || 'nobody'}${f.scope.excludes.length ? `; excluding ${f.scope.excludes.join(', ')}` : ''}`);
    out.push(
      `  Reaches ${plural(f.reach.users, 'user')} (applies ${f.reach.applies}, may apply ${f.reach.mayApply}); ${f.reach.withAuthenticatorPasskey} already ${f.reach.withAuthenticatorPasskey === 1 ? 'has' : 'have'} a passkey in Authenticator`,
    );
    out.push(`  Outcome: ${outcomeLine(f.outcome)}${f.usersAtRisk ? ` · at risk ${f.usersAtRisk}` : ''}`);
    out.push(`  By platform: ${platformLine(f.byPlatform)}`);
    const observed = findingSignInText(f);
    if (observed) out.push(`  ${observed}`);
    for (const e of f.evidence) out.push(`  - ${e}`);
    for (const fix of f.fixes) {
      out.push(`  Fix (${fix.for}): ${fix.title} [${fix.code}]`);
      fix.steps.forEach((s, i) => out.push(`    ${fix.steps.length > 1 ? `${i + 1}. ` : ''}${s}`));
    }
    if (f.proposal) out.push('  The proposed policies as Graph request bodies (report-only) are in --format json, findings[].proposal.');
  }

  if (r.designs.length) {
    out.push('', 'Split design already in place');
    for (const d of r.designs) {
      out.push('', `  ${d.groups.join(', ') || 'users'}: ${d.desktop ? `desktop "${d.desktop.name}" + ` : ''}mobile "${d.mobile.name}" — ${plural(d.users, 'user')}, ${d.needTap} need a TAP, ${d.blocked} blocked`);
      for (const n of d.notes) out.push(`  - ${n}`);
    }
  }

  if (r.noImpact.length) {
    out.push('', `Checked, nothing that stops registration (${r.noImpact.length})`);
    for (const p of r.noImpact.slice(0, NO_IMPACT_LISTED)) out.push(`  - "${p.name}" (${stateLabel(p.state)}): ${p.reason}`);
    if (r.noImpact.length > NO_IMPACT_LISTED) out.push(`  … and ${r.noImpact.length - NO_IMPACT_LISTED} more (all of them in --format json, noImpact).`);
  }
  out.push('', 'Fixes follow Microsoft Learn, "Support passkeys in Microsoft Authenticator in your Microsoft Entra ID tenant".');
  return out.join('\n');
}
