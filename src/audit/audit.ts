// Passkey readiness of a whole tenant: for every enabled or report-only Conditional Access
// policy and the authentication methods policy, what stops passkey registration in Microsoft
// Authenticator, and for whom.
//
// The engine (src/diagnosis) answers for one user. Asking it 300 policies × 50,000 users × 2
// platforms times would take minutes, so the audit splits each question along what it depends on
// (model.ts says how): who a policy covers is set arithmetic over the directory, its other
// conditions are asked once per policy, event, platform and kind of phone, a grant once per
// bucket of users who can present the same credentials, the passkey method settings once per
// bucket of users matching the same targets. The pieces:
//  - model.ts           the tenant's users, their buckets and device classes, reach and conditions;
//  - user-analysis.ts   per user: what each gets from one policy, the passkey method buckets;
//  - policy-analysis.ts per Conditional Access policy: its category, severity, finding, split design;
//  - method-analysis.ts the passkey (FIDO2) and Temporary Access Pass method settings;
//  - sign-ins.ts        what actually happened: registration attempts per policy in the sign-in log;
//  - wording.ts         the evidence in words; fixes.ts the fixes; report.ts the result's shape.
import type { Platform } from '../diagnosis';
import type { TenantSnapshot } from '../snapshot';
import { analyseMethodPolicy, analyseTapPolicy } from './method-analysis';
import { ALL_PLATFORMS, AuditModel, type AuditTrace } from './model';
import { analyseConditionalAccess, splitDesignsOf } from './policy-analysis';
import { AUDIT_SCHEMA, CATEGORY_ORDER, SEVERITY_ORDER, type AuditReport } from './report';
import { AuditTally, type AuditRun } from './tally';
import { DEFAULT_SIGN_IN_DAYS, findingSignIns, signInImpact } from './sign-ins';
import { REPORT_ONLY } from './util';

export interface AuditOptions {
  /** Platforms to check (default both). */
  platforms?: Platform[];
  /** When TAP windows are read ("holds a valid TAP now") and the sign-in window ends; default the current time. */
  at?: Date;
  /** Sign-ins of this many days before `at` are counted (default 7). */
  signInDays?: number;
  trace?: AuditTrace;
}

export function auditTenant(snapshot: TenantSnapshot, options: AuditOptions = {}): AuditReport {
  const platforms = options.platforms?.length ? [...new Set(options.platforms)] : [...ALL_PLATFORMS];
  const at = options.at ?? new Date();
  const m = new AuditModel(snapshot, platforms, at);
  const run: AuditRun = { m, tally: new AuditTally(m.index.size), ...(options.trace ? { trace: options.trace } : {}), findings: [], noImpact: [] };
  for (const policy of m.tenant.policies) analyseConditionalAccess(run, policy);
  analyseMethodPolicy(run);
  analyseTapPolicy(run);
  const designs = splitDesignsOf(run);
  // What actually happened, beside the prediction: each Conditional Access finding gets its policy's numbers.
  const signIns = signInImpact(snapshot, at, options.signInDays ?? DEFAULT_SIGN_IN_DAYS);
  if (signIns.readable) for (const f of run.findings) if (f.policy.kind === 'conditionalAccess') f.signIns = findingSignIns(signIns, f.policy.id);

  const findings = run.findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      b.usersBlocked - a.usersBlocked ||
      CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
      b.outcome.needTap - a.outcome.needTap ||
      b.usersAtRisk - a.usersAtRisk ||
      a.policy.name.localeCompare(b.policy.name) ||
      a.id.localeCompare(b.id),
  );
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  const all = snapshot.conditionalAccessPolicies;
  return {
    schema: AUDIT_SCHEMA,
    tenant: { id: snapshot.tenant.id, ...(snapshot.tenant.displayName ? { displayName: snapshot.tenant.displayName } : {}) },
    at: at.toISOString(),
    platforms: [...m.platforms],
    totals: {
      users: m.index.size,
      guests: m.prepared.filter((u) => u.isGuest).length,
      withAuthenticatorPasskey: count(m.hasPasskey),
      policies: {
        total: all.length,
        checked: m.tenant.policies.length,
        reportOnly: m.tenant.policies.filter((p) => p.state === REPORT_ONLY).length,
        disabledSkipped: all.length - m.tenant.policies.length,
      },
      usersBlocked: count(run.tally.blockedAny),
      usersNeedingTap: count(run.tally.needTapAny),
    },
    findings,
    designs,
    noImpact: run.noImpact,
    signIns,
  };
}
