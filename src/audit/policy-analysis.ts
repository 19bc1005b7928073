// Per-policy analysis of Conditional Access: what kind of obstacle each enabled or report-only
// policy is for the Microsoft Authenticator sign-in and the Register security information action
// (from its grant alone), whom it reaches and what they get (counted in user-analysis.ts), its
// severity, its fixes; and the guide's split design where the tenant already has it.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import {
  evaluateGrant,
  isDesktopOnly,
  isMobileOnly,
  isSplitMobilePolicy,
  sameUsers,
  type Applicability,
  type ControlKind,
  type FindingCode,
  type GrantResult,
  type Platform,
  type PreparedTenant,
  type SignInEvent,
} from '../diagnosis';
import { caFixes, splitProposal } from './fixes';
import { EVENTS, hasDeviceFilter } from './model';
import { CATEGORY_TITLES, TITLE_DATA, type AuditCategory, type AuditFinding, type PolicyRef, type Severity, type SplitDesign } from './report';
import type { AuditRun } from './tally';
import { countPolicyUsers, SAMPLE_USERS } from './user-analysis';
import { acceptsTapAndPasskey, caRef, NOTHING, plural, REPORT_ONLY, requirementOf, TAP_MULTI, TAP_ONE, withFactors } from './util';
import { caEvidence, deviceFilterLine, designNotes, scopeOf } from './wording';

const EMPTY = NOTHING;

/**
 * What kind of obstacle a policy is for the Authenticator sign-in / Register security info, from
 * its grant alone (a user with nothing registered): null when its grant stops nobody.
 */
export function categorise(event: SignInEvent, policy: ConditionalAccessPolicy, tenant: PreparedTenant): { category: AuditCategory; code: FindingCode; bare: GrantResult } | null {
  const bare = evaluateGrant(policy, tenant, EMPTY);
  if (bare.satisfied === true) return null;
  if (event === 'register-security-info') return { category: 'register-security-info', code: 'ca-register-security-info', bare };
  const failing = new Set<ControlKind>(bare.failing.map((c) => c.kind));
  // The code diagnose() gives a user with nothing to present (its classify()).
  const code: FindingCode = failing.has('appProtection')
    ? 'ca-approved-client-app'
    : failing.has('block')
      ? 'ca-other-conditions'
      : failing.has('strength')
        ? 'ca-auth-strength-loop'
        : 'ca-other-conditions';
  if (failing.has('appProtection')) return { category: 'approved-client-app', code, bare };
  if (failing.has('block')) return { category: 'other-conditions', code, bare };
  if (bare.acceptsTap) return { category: 'tap-accepted', code, bare };
  const withTap = evaluateGrant(policy, tenant, withFactors(EMPTY, TAP_ONE, TAP_MULTI));
  if (withTap.failing.some((c) => c.kind === 'strength' || c.kind === 'mfa')) return { category: 'registration-loop', code, bare };
  return { category: 'other-conditions', code, bare };
}

/** Enabled and report-only policies on the Register security information user action. */
export function rsiPolicies(run: AuditRun): ConditionalAccessPolicy[] {
  const { m } = run;
  run.rsi ??= m.tenant.policies.filter((p) => m.platforms.some((pl) => m.classConditions(p, 'register-security-info', pl).some((a) => a.applies !== false)));
  return run.rsi;
}

/** One policy, both events: its findings go to run.findings, or it goes to run.noImpact with the reason. */
export function analyseConditionalAccess(run: AuditRun, policy: ConditionalAccessPolicy): void {
  const { m } = run;
  const ref = caRef(policy);
  let impact = false;
  let reasonNoImpact = `does not apply to the Microsoft Authenticator sign-in or to Register security information on ${m.platforms.join(' or ')}`;
  for (const event of EVENTS) {
    // Per platform, the conditions for each device class (one entry without a filter for devices).
    const conditions = new Map<Platform, Applicability[]>();
    for (const p of m.platforms) conditions.set(p, m.classConditions(policy, event, p));
    const applicable = m.platforms.filter((p) => conditions.get(p)!.some((a) => a.applies !== false));
    if (applicable.length === 0) {
      // Everything but the filter for devices covers it: no user's phone matches the filter.
      if (m.platforms.some((p) => conditions.get(p)!.every((a) => a.notMet === 'devices'))) {
        reasonNoImpact = "its filter for devices matches none of the phones of the tenant's users (decided by each user's Intune-managed phone)";
      }
      continue;
    }
    const kind = categorise(event, policy, m.tenant);
    if (!kind) {
      reasonNoImpact = 'its grant controls stop nobody (no grant control Microsoft Authenticator cannot meet)';
      continue;
    }
    const reached = m.reach(policy);
    if (reached.length === 0) {
      reasonNoImpact = 'its user conditions cover nobody in the tenant (after exclusions)';
      continue;
    }
    const finding = caFinding(run, policy, ref, event, kind, reached, conditions);
    if (!finding) {
      reasonNoImpact = `its filter for devices matches none of the phones of the ${plural(reached.length, 'user')} it covers (decided by each user's Intune-managed phone)`;
      continue;
    }
    impact = true;
    run.findings.push(finding);
  }
  if (!impact) run.noImpact.push({ id: ref.id, name: ref.name, state: ref.state, reason: reasonNoImpact });
}

function caFinding(
  run: AuditRun,
  policy: ConditionalAccessPolicy,
  ref: PolicyRef,
  event: SignInEvent,
  kind: NonNullable<ReturnType<typeof categorise>>,
  reached: Int32Array,
  conditions: Map<Platform, Applicability[]>,
): AuditFinding | null {
  const { m } = run;
  const byDevice = hasDeviceFilter(policy);
  const splitMobile = kind.category === 'tap-accepted' && isSplitMobilePolicy(policy, m.tenant);
  const users = countPolicyUsers(m, run.tally, run.trace, policy, ref, event, reached, conditions, splitMobile);
  const { applies, mayApply, total, byPlatform, seen, samples, tapGapUsers } = users;
  if (applies + mayApply === 0) return null;
  const anyYes = applies > 0;
  const covered = m.platforms.filter((p) => byPlatform[p]!.applies !== 'no');
  const used = (p: Platform) => (byDevice ? [...seen.get(p)!.used].sort((a, b) => a - b).map((c) => conditions.get(p)![c]) : conditions.get(p)!);

  const { category, code, bare } = kind;
  const severity: Severity =
    policy.state === REPORT_ONLY
      ? 'report-only'
      : total.blocked > 0
        ? anyYes
          ? 'blocking'
          : 'may-block'
        : total.needTap > 0
          ? 'needs-tap'
          : category === 'register-security-info' || category === 'tap-accepted'
            ? 'info'
            : 'latent';
  const matched = used(covered[0])[0].matched;
  const unknowns = [...new Set(covered.flatMap((p) => used(p).flatMap((a) => (a.applies === 'unknown' ? a.unknowns : []))))];
  const scope = scopeOf(policy, m);
  const resources = matched.find((x) => x.startsWith('resources: ') || x.startsWith('user action: '));
  const platformsText = matched.find((x) => x.startsWith('platforms: '))?.slice('platforms: '.length) ?? 'any platform';
  const evidence = caEvidence({
    m,
    policy,
    ref,
    event,
    users,
    covered,
    anyYes,
    unknowns,
    resources,
    platformsText,
    deviceLine: byDevice ? deviceFilterLine(policy, m, reached, conditions) : '',
    scope,
    bare,
    splitMobile,
  });
  const mobileTap = category === 'tap-accepted' && isMobileOnly(policy);
  const title = mobileTap ? 'Mobile policy accepts a TAP (split design)' : CATEGORY_TITLES[category];
  const finding: AuditFinding = {
    id: `${category}:${ref.id}`,
    category,
    code,
    severity,
    title,
    policy: ref,
    requirement: bare.summary.replace(/^require (one|all) of: /, ''),
    scope: { ...scope, resources: resources?.replace(/^(resources|user action): /, ''), platforms: platformsText },
    // Per user: certainly on some platform, or only maybe (without a filter for devices, all one or the other).
    reach: { users: applies + mayApply, applies, mayApply, withAuthenticatorPasskey: users.withPasskey },
    outcome: { ...total, withValidTap: users.withValidTap },
    byPlatform,
    usersBlocked: total.blocked,
    usersAtRisk: 0,
    evidence,
    fixes: [],
    sampleUsers: [...samples.blocked, ...samples.needTap].slice(0, SAMPLE_USERS).map((i) => m.upn(i)),
    [TITLE_DATA]: { code: mobileTap ? 'mobile-accepts-tap' : category },
  };
  if (category === 'registration-loop') finding.proposal = splitProposal(policy, finding, m, rsiPolicies(run));
  if (tapGapUsers) run.tally.splitTapGaps.set(ref.id, tapGapUsers);
  finding.fixes = caFixes(finding, policy, m, bare, { tapGapUsers, splitMobile });
  return finding;
}

// ---- The seed's split design, where the tenant already has it ---------------------------------

export function splitDesignsOf(run: AuditRun): SplitDesign[] {
  const { m } = run;
  const out: SplitDesign[] = [];
  const mobileFindings = run.findings.filter((f) => f.category === 'tap-accepted' && f.title.startsWith('Mobile policy'));
  for (const f of mobileFindings) {
    const mobile = m.tenant.policies.find((p) => p.id === f.policy.id)!;
    const desktop = m.tenant.policies.find((p) => p !== mobile && isDesktopOnly(p) && sameUsers(p, mobile) && !!p.grantControls?.authenticationStrength);
    const reached = m.reach(mobile);
    const rsi = rsiPolicies(run)
      .filter((p) => overlaps(m.reach(p), reached))
      .map((p) => ({ id: p.id ?? '', name: p.displayName ?? p.id ?? '', requirement: requirementOf(p, m.tenant), acceptsTapAndAuthenticatorPasskey: acceptsTapAndPasskey(p, m.tenant) }));
    const groups = (mobile.conditions?.users?.includeGroups ?? []).map((g) => m.index.groupName(g));
    const gaps = run.tally.splitTapGaps.get(f.policy.id) ?? 0;
    const blocked = f.outcome.blocked + gaps;
    out.push({
      desktop: desktop ? caRef(desktop) : null,
      mobile: f.policy,
      groups,
      users: f.reach.users,
      needTap: f.outcome.needTap - gaps,
      blocked,
      registerSecurityInfo: rsi,
      notes: designNotes(m, desktop, f, gaps, blocked, rsi),
    });
  }
  return out;
}

function overlaps(a: Int32Array, b: Int32Array): boolean {
  const set = new Set(a);
  return b.some((i) => set.has(i));
}
