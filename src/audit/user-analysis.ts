// Per-user analysis: for one Conditional Access policy, what each user it reaches gets on each
// platform (ok, needs a TAP, blocked, unknown), counted from the buckets of the model; the
// passkey method settings per bucket of users matching the same FIDO2 targets; and the
// tenant-wide marks the totals and the Temporary Access Pass findings are made from.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import {
  evaluateGrant,
  methodPolicyIssues,
  type Applicability,
  type MethodIssue,
  type PasskeyProfile,
  type Platform,
  type PreparedTenant,
  type Presentable,
  type SignInEvent,
  type Tri,
} from '../diagnosis';
import { hasDeviceFilter, type AuditModel, type AuditTrace, type UserOutcome } from './model';
import type { OutcomeCounts, PlatformOutcome, PolicyRef } from './report';
import type { AuditTally, TapObstacle } from './tally';
import { TAP_MULTI, TAP_ONE, withFactors } from './util';

/** Users named in a finding's evidence and sampleUsers. */
export const SAMPLE_USERS = 5;

export const zero = (): OutcomeCounts => ({ blocked: 0, needTap: 0, unknown: 0, ok: 0 });
const WORST: Record<UserOutcome, number> = { ok: 0, needTap: 1, unknown: 2, blocked: 3 };

/** What a bucket of users (same presentable credentials) gets from one grant. */
type BucketOutcome = { kind: 'ok' } | { kind: 'unknown' } | { kind: 'blocked'; why: string } | { kind: 'tap'; oneTime: boolean; multiUse: boolean };

function bucketOutcome(policy: ConditionalAccessPolicy, tenant: PreparedTenant, p: Presentable): BucketOutcome {
  const g = evaluateGrant(policy, tenant, p);
  if (g.satisfied === true) return { kind: 'ok' };
  if (g.satisfied === 'unknown') return { kind: 'unknown' };
  if (!g.acceptsTap) return { kind: 'blocked', why: [...new Set(g.failing.map((c) => c.why))].join('; ') };
  return {
    kind: 'tap',
    oneTime: evaluateGrant(policy, tenant, withFactors(p, TAP_ONE)).satisfied === true,
    multiUse: evaluateGrant(policy, tenant, withFactors(p, TAP_MULTI)).satisfied === true,
  };
}

/** The users one policy reaches for one event, counted (outcomes: the worst over the platforms, per user). */
export interface PolicyUsers {
  /** Users it certainly applies to on some platform, and users it only may apply to. */
  applies: number;
  mayApply: number;
  total: OutcomeCounts;
  byPlatform: Partial<Record<Platform, PlatformOutcome>>;
  /** Per platform: whether its conditions certainly / maybe applied to a counted user, and the device classes they had. */
  seen: Map<Platform, { yes: boolean; maybe: boolean; used: Set<number> }>;
  withPasskey: number;
  withValidTap: number;
  blockedWithPasskey: number;
  /** Up to three reasons the grant gave for blocked users. */
  whyBlocked: Set<string>;
  samples: { blocked: number[]; needTap: number[] };
  /** Users a TAP would get through who cannot have one, by reason. */
  gapCounts: Map<TapObstacle, number>;
  /** On the split design's mobile policy: users who need a TAP and cannot have one. */
  tapGapUsers: number;
}

/**
 * Every user `reached` (by the user conditions) against the policy's other conditions (per
 * device class) and its grant (per bucket), on every platform where it applies; marks the tally
 * for enforced policies. `splitMobile`: the split design's mobile policy works as designed — a
 * user it stops without a TAP needs a TAP; when they cannot have one, that is the TAP policy's
 * finding, not this policy's.
 */
export function countPolicyUsers(
  m: AuditModel,
  tally: AuditTally,
  trace: AuditTrace | undefined,
  policy: ConditionalAccessPolicy,
  ref: PolicyRef,
  event: SignInEvent,
  reached: Int32Array,
  conditions: Map<Platform, Applicability[]>,
  splitMobile: boolean,
): PolicyUsers {
  const enforced = policy.state === 'enabled';
  const oneTimeOnly = m.tenant.tap?.isUsableOnce === true;
  const byDevice = hasDeviceFilter(policy);
  const byPlatform: Partial<Record<Platform, PlatformOutcome>> = {};
  const outcomeCaches = new Map<Platform, (BucketOutcome | undefined)[]>();
  const active = m.platforms.filter((p) => conditions.get(p)!.some((a) => a.applies !== false));
  for (const p of m.platforms) {
    byPlatform[p] = { applies: 'no', ...zero() };
    outcomeCaches.set(p, []);
  }
  // What each platform's conditions were for the users counted: yes / maybe seen, and which
  // device classes (for the evidence). Everything the per-user loop reads, looked up once.
  const seen = new Map<Platform, { yes: boolean; maybe: boolean; used: Set<number> }>(m.platforms.map((p) => [p, { yes: false, maybe: false, used: new Set<number>() }]));
  const lanes = active.map((p) => ({
    p,
    classes: conditions.get(p)!,
    classOf: byDevice ? m.deviceClassOf.get(p)! : null,
    seen: seen.get(p)!,
    bucketOf: m.bucketOf.get(p)!,
    buckets: m.buckets.get(p)!,
    cache: outcomeCaches.get(p)!,
    counts: byPlatform[p]!,
  }));
  let applies = 0;
  let mayApply = 0;
  const total = zero();
  let withPasskey = 0;
  let withValidTap = 0;
  let blockedWithPasskey = 0;
  const whyBlocked = new Set<string>();
  const samples: { blocked: number[]; needTap: number[] } = { blocked: [], needTap: [] };
  const gapCounts = new Map<TapObstacle, number>();
  let tapGapUsers = 0;
  for (const i of reached) {
    let worst: UserOutcome = 'ok';
    // Over the platforms where the policy certainly applies: what the tenant-wide totals count.
    let certain: UserOutcome = 'ok';
    let gapOf: TapObstacle | null = null;
    let userApplies: Tri = false;
    for (const { p, classes, classOf, seen: s, bucketOf, buckets, cache, counts } of lanes) {
      const cls = classOf ? classOf[i] : 0;
      const a = classes[cls].applies;
      if (a === false) continue;
      if (classOf) s.used.add(cls);
      if (a === true) s.yes = userApplies = true;
      else {
        s.maybe = true;
        if (userApplies === false) userApplies = 'unknown';
      }
      const bucket = bucketOf[i];
      let b = cache[bucket];
      if (!b) cache[bucket] = b = bucketOutcome(policy, m.tenant, buckets[bucket]);
      let outcome: UserOutcome;
      if (b.kind === 'tap') {
        const kindOk = b.oneTime || (b.multiUse && !oneTimeOnly);
        const gap = m.tapGap[i] ?? (kindOk ? null : 'one-time-only');
        if (enforced) {
          tally.tapWouldHelp[i] = 1;
          tally.tapPolicies.add(ref.name);
        }
        if (gap === null) outcome = 'needTap';
        else {
          outcome = splitMobile ? 'needTap' : 'blocked';
          gapOf = gap;
          if (enforced) {
            if (gap === 'one-time-only') tally.tapKindBlocked[i] = 1;
            tally.gapPolicies(gap).add(ref.name);
          }
        }
      } else {
        outcome = b.kind;
        if (b.kind === 'blocked' && whyBlocked.size < 3) whyBlocked.add(b.why);
      }
      counts[outcome]++;
      if (WORST[outcome] > WORST[worst]) worst = outcome;
      // The engine's answer (for the parity trace) stays "blocked" for a user who cannot have a TAP.
      if (splitMobile && gapOf && outcome === 'needTap') {
        trace?.conditionalAccess?.(ref.id, event, p, i, 'blocked', a);
        continue;
      }
      if (a === true && WORST[outcome] > WORST[certain]) certain = outcome;
      trace?.conditionalAccess?.(ref.id, event, p, i, outcome, a);
    }
    // Not covered on any platform (its filter for devices does not match the user's phone).
    if (userApplies === false) continue;
    if (userApplies === true) applies++;
    else mayApply++;
    if (m.hasPasskey[i]) withPasskey++;
    total[worst]++;
    if (gapOf) gapCounts.set(gapOf, (gapCounts.get(gapOf) ?? 0) + 1);
    if (gapOf && splitMobile) tapGapUsers++;
    if (worst === 'needTap' && m.validTap[i]) withValidTap++;
    if (worst === 'blocked' && m.hasPasskey[i]) blockedWithPasskey++;
    if (worst === 'blocked' && samples.blocked.length < SAMPLE_USERS) samples.blocked.push(i);
    if (worst === 'needTap' && samples.needTap.length < SAMPLE_USERS) samples.needTap.push(i);
    if (enforced) {
      if (certain === 'blocked') tally.blockedAny[i] = 1;
      if (certain === 'needTap') tally.needTapAny[i] = 1;
    }
  }
  for (const p of m.platforms) {
    const s = seen.get(p)!;
    byPlatform[p]!.applies = s.yes ? 'yes' : s.maybe ? 'maybe' : 'no';
  }
  return { applies, mayApply, total, byPlatform, seen, withPasskey, withValidTap, blockedWithPasskey, whyBlocked, samples, gapCounts, tapGapUsers };
}

/** Users who match the same passkey (FIDO2) targets: the engine answers once per bucket and platform. */
export interface MethodBucket {
  users: number[];
  excludedBy: string[];
  profiles: PasskeyProfile[];
  codes: Map<Platform, MethodIssue['code'][]>;
}

/** Every user in the bucket of the FIDO2 targets (includes and excludes) they match, with the engine's issues for it. */
export function methodBuckets(m: AuditModel, trace: AuditTrace | undefined): MethodBucket[] {
  const fido2 = m.tenant.fido2;
  const includes = fido2?.includeTargets ?? [];
  const excludes = (fido2?.excludeTargets ?? []) as { id?: string }[];
  const profiles = fido2?.passkeyProfiles ?? [];
  const targetIds = [...new Set([...includes.map((t) => t.id ?? ''), ...excludes.map((t) => t.id ?? '')])];
  const buckets = new Map<string, MethodBucket>();
  for (let i = 0; i < m.index.size; i++) {
    const user = m.prepared[i];
    const matches = (id: string) => id === 'all_users' || id === user.id || user.groupIds.has(id);
    const key = targetIds.filter(matches).join('|');
    let b = buckets.get(key);
    if (!b) {
      const matchedIncludes = includes.filter((t) => matches(t.id ?? ''));
      b = {
        users: [],
        excludedBy: excludes.filter((t) => matches(t.id ?? '')).map((t) => t.id ?? ''),
        profiles: profilesInScope(profiles, matchedIncludes, fido2?.defaultPasskeyProfile),
        codes: new Map(m.platforms.map((p) => [p, methodPolicyIssues(m.tenant, user, m.context(p)).map((x) => x.code)])),
      };
      buckets.set(key, b);
    }
    b.users.push(i);
    if (trace?.methodPolicy) for (const p of m.platforms) trace.methodPolicy(i, p, b.codes.get(p)!);
  }
  return [...buckets.values()];
}

/** Profiles a user matching `targets` is in scope of (as the engine's settingsForUser). */
export function profilesInScope(profiles: PasskeyProfile[], targets: { allowedPasskeyProfiles?: string[] }[], defaultProfile: string | null | undefined): PasskeyProfile[] {
  if (profiles.length === 0) return [];
  const ids = new Set<string>();
  for (const t of targets) for (const id of t.allowedPasskeyProfiles?.length ? t.allowedPasskeyProfiles : [defaultProfile ?? profiles[0].id]) ids.add(id);
  return profiles.filter((p) => ids.has(p.id));
}
