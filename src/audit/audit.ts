// Passkey readiness of a whole tenant: for every enabled or report-only Conditional Access
// policy and the authentication methods policy, what stops passkey registration in Microsoft
// Authenticator, and for whom.
//
// The engine (src/diagnosis) answers for one user. Asking it 300 policies × 50,000 users × 2
// platforms times would take minutes, so the audit splits each question along what it depends on:
//  - who a policy covers (users, groups through nesting, roles, guest types; exclusions win) is
//    set arithmetic over per-group member lists built once (DirectoryIndex) — the same rules as
//    the engine's user conditions, checked against applicability() user by user in the tests;
//  - whether its other conditions cover the Authenticator sign-in / Register security info on a
//    platform does not depend on the user, except a filter for devices, which the engine decides
//    from the user's Intune-managed phone (phoneAttributes()): users are bucketed by the values
//    their phone gives the attributes the tenant's device filters read (a handful of distinct
//    tuples), and the engine's applicability() is asked once per policy, event, platform and
//    tuple, with the user conditions set to All users;
//  - whether a user can satisfy the grant depends only on what they can present on that phone:
//    users are bucketed by the engine's presentable() (factors, passkey AAGUIDs, compliant
//    phone) and evaluateGrant() runs once per policy and bucket;
//  - the passkey method settings depend only on which FIDO2 targets a user matches:
//    methodPolicyIssues() runs once per bucket of matching targets.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { applicability, FilterRuleError, parseRule, phoneAttributes, type Applicability, type DeviceAttributes, type SignInEvent } from '../diagnosis';
import { isTargeted, presentable, tapStatus, type Presentable } from '../diagnosis/credentials';
import { AUTHENTICATOR_AAGUID, type PasskeyProfile, type Platform, type RegistrationContext } from '../diagnosis/facts';
import type { Tri } from '../diagnosis/filter-rule';
import { evaluateGrant, type ControlKind, type GrantResult } from '../diagnosis/grant';
import { methodPolicyIssues, type MethodIssue } from '../diagnosis/method-policy';
import { prepareTenant, prepareUser, roleName, type PreparedTenant, type PreparedUser } from '../diagnosis/prepare';
import { isDesktopOnly, isMobileOnly, isSplitMobilePolicy, sameUsers } from '../diagnosis/split-design';
import type { FindingCode } from '../diagnosis/result';
import type { TenantSnapshot } from '../graph-emulator/snapshot';
import { tenantFactsOfSnapshot } from '../graph-emulator/snapshot-facts';
import { DirectoryIndex, hasAuthenticatorPasskey } from './directory';
import { caFixes, methodFixes, splitProposal, tapFixes } from './fixes';
import { acceptsTapAndPasskey, caRef, count, MIN_TAP_LIFETIME_MINUTES, NOTHING, plural, REPORT_ONLY, requirementOf, stateText, TAP_MULTI, TAP_ONE, withFactors } from './util';
import {
  AUDIT_SCHEMA,
  CATEGORY_ORDER,
  CATEGORY_TITLES,
  SEVERITY_ORDER,
  type AuditCategory,
  type AuditFinding,
  type AuditReport,
  type OutcomeCounts,
  type PlatformOutcome,
  type PolicyRef,
  type Severity,
  type SplitDesign,
} from './report';

export type UserOutcome = 'ok' | 'needTap' | 'blocked' | 'unknown';

/** Test and debugging hooks: see every per-user answer the audit counted. */
export interface AuditTrace {
  conditionalAccess?(policyId: string, event: SignInEvent, platform: Platform, userIndex: number, outcome: UserOutcome, applies: Tri): void;
  methodPolicy?(userIndex: number, platform: Platform, codes: MethodIssue['code'][]): void;
}

export interface AuditOptions {
  /** Platforms to check (default both). */
  platforms?: Platform[];
  /** When TAP windows are read ("holds a valid TAP now"); default the current time. */
  at?: Date;
  trace?: AuditTrace;
}

export const ALL_PLATFORMS: readonly Platform[] = ['android', 'iOS'];
const EVENTS: readonly SignInEvent[] = ['authenticator-sign-in', 'register-security-info'];
const NO_TAP: Presentable['tap'] = NOTHING.tap;
const SAMPLE_USERS = 5;

/** Why a user cannot be given a Temporary Access Pass. */
export type TapGap = 'disabled' | 'guest' | 'excluded' | 'not-targeted';

/** What a bucket of users (same presentable credentials) gets from one grant. */
type BucketOutcome = { kind: 'ok' } | { kind: 'unknown' } | { kind: 'blocked'; why: string } | { kind: 'tap'; oneTime: boolean; multiUse: boolean };

const PROBE_USER: PreparedUser = prepareUser({
  user: { id: 'audit-probe', userPrincipalName: 'audit-probe', userType: 'Member' },
  groupIds: [],
  roleTemplateIds: [],
  methods: [],
  managedDevices: [],
});

/**
 * Users whose phone gives the same values to every attribute the tenant's filters for devices
 * read: the engine decides any of those filters the same way for all of them.
 */
export interface DeviceClass {
  /** The attributes as the engine sees them (the lookup of the class's first user). */
  device: DeviceAttributes;
  /** The user has no Intune-managed phone of this platform (every attribute null). */
  unmanaged: boolean;
  /** The attribute values, for evidence: "isCompliant true, deviceOwnership Company". */
  values: string;
}

/** True when the policy has a filter for devices (the only condition the phone decides). */
export function hasDeviceFilter(policy: ConditionalAccessPolicy): boolean {
  return !!policy.conditions?.devices?.deviceFilter?.rule;
}

/** Per-user facts the audit needs, computed once. */
export class AuditModel {
  readonly index: DirectoryIndex;
  readonly tenant: PreparedTenant;
  readonly prepared: PreparedUser[];
  readonly hasPasskey: Uint8Array;
  readonly validTap: Uint8Array;
  readonly tapGap: (TapGap | null)[];
  /** platform -> bucket id per user; bucket ids index `buckets[platform]`. */
  readonly bucketOf = new Map<Platform, Int32Array>();
  readonly buckets = new Map<Platform, Presentable[]>();
  /** platform -> device class per user; class ids index `deviceClasses[platform]`. */
  readonly deviceClassOf = new Map<Platform, Int32Array>();
  readonly deviceClasses = new Map<Platform, DeviceClass[]>();
  /** The attributes the tenant's filters for devices read (as the rules spell them). */
  readonly deviceAttributeNames: readonly string[];
  private readonly conditionsCache = new Map<ConditionalAccessPolicy, Map<string, Applicability>>();
  private readonly guestsByType = new Map<string, number[]>();
  private readonly mark: Uint8Array;
  private readonly reachCache = new Map<ConditionalAccessPolicy, Int32Array>();

  constructor(
    readonly snapshot: TenantSnapshot,
    readonly platforms: readonly Platform[],
    readonly at: Date,
  ) {
    this.index = new DirectoryIndex(snapshot);
    this.tenant = prepareTenant(tenantFactsOfSnapshot(snapshot));
    const n = this.index.size;
    this.mark = new Uint8Array(n);
    this.prepared = new Array(n);
    this.hasPasskey = new Uint8Array(n);
    this.validTap = new Uint8Array(n);
    this.tapGap = new Array(n);
    const keys = new Map<Platform, Map<string, number>>();
    const deviceKeys = new Map<Platform, Map<string, number>>();
    for (const p of platforms) {
      this.bucketOf.set(p, new Int32Array(n));
      this.buckets.set(p, []);
      keys.set(p, new Map());
      this.deviceClassOf.set(p, new Int32Array(n));
      this.deviceClasses.set(p, []);
      deviceKeys.set(p, new Map());
    }
    this.deviceAttributeNames = deviceFilterAttributes(this.tenant.policies);
    const byPhone = this.deviceAttributeNames.length > 0;
    const tap = this.tenant.tap;
    const tapOn = tap?.state === 'enabled';
    for (let i = 0; i < n; i++) {
      const user = prepareUser(this.index.userFacts(i));
      this.prepared[i] = user;
      this.hasPasskey[i] = hasAuthenticatorPasskey(this.index.users[i]) ? 1 : 0;
      if (user.guestType) {
        const list = this.guestsByType.get(user.guestType) ?? [];
        list.push(i);
        this.guestsByType.set(user.guestType, list);
      }
      const tapNow = tapStatus(user, at);
      this.validTap[i] = tapNow.state === 'valid' ? 1 : 0;
      this.tapGap[i] = !tapOn ? 'disabled' : user.isGuest ? 'guest' : isTargeted(tap, user) ? null : isExcluded(tap?.excludeTargets, user) ? 'excluded' : 'not-targeted';
      for (const p of platforms) {
        const own = ownCredentials(presentable(this.tenant, user, { platform: p, at }));
        const key = bucketKey(own);
        const known = keys.get(p)!;
        let b = known.get(key);
        if (b === undefined) {
          b = known.size;
          known.set(key, b);
          this.buckets.get(p)!.push(own);
        }
        this.bucketOf.get(p)![i] = b;
        if (byPhone) this.deviceClassOf.get(p)![i] = this.deviceClassId(p, phoneAttributes(user.facts.managedDevices, p), deviceKeys.get(p)!);
      }
    }
    // Without filters for devices (or users), one class: the phone decides nothing.
    for (const p of platforms) if (this.deviceClasses.get(p)!.length === 0) this.deviceClassId(p, phoneAttributes([], p), deviceKeys.get(p)!);
  }

  /** The class of a phone: the values it gives the attributes the device filters read. */
  private deviceClassId(platform: Platform, device: DeviceAttributes, known: Map<string, number>): number {
    const values = this.deviceAttributeNames.map((name) => device.lookup(name));
    const key = values.map((v) => (v === undefined ? '?' : JSON.stringify(v))).join('|');
    let id = known.get(key);
    if (id === undefined) {
      const classes = this.deviceClasses.get(platform)!;
      id = classes.length;
      known.set(key, id);
      const os = platform === 'iOS' ? 'iOS' : 'Android';
      // Microsoft's rule for a device it does not know: the operating system is null too.
      const unmanaged = device.lookup('device.operatingSystem') === null;
      const shown = this.deviceAttributeNames.map((name, k) => `${name.replace(/^device\./i, '')} ${values[k] === undefined ? 'unknown' : String(values[k])}`).join(', ');
      const text = unmanaged ? `no Intune-managed ${os} phone, so every device attribute is null` : `an Intune-managed ${os} phone with ${shown}`;
      classes.push({ device: { lookup: device.lookup, source: `users with ${text}` }, unmanaged, values: text });
    }
    return id;
  }

  /**
   * Indexes of the users a policy's user conditions cover, as the engine's usersClause decides:
   * includes (All, ids, GuestsOrExternalUsers, groups through nesting, roles, guest types) minus
   * exclusions (which always win).
   */
  reach(policy: ConditionalAccessPolicy): Int32Array {
    const hit = this.reachCache.get(policy);
    if (hit) return hit;
    const u = policy.conditions?.users;
    const mark = this.mark;
    mark.fill(0);
    const set = (list: Iterable<number>, v: 0 | 1) => {
      for (const i of list) mark[i] = v;
    };
    const ids = (list: string[]) => list.map((id) => this.index.userIndex.get(id)).filter((i): i is number => i !== undefined);
    const guests = (types: string | undefined) =>
      (types ?? '').split(',').map((t) => t.trim()).filter(Boolean).flatMap((t) => this.guestsByType.get(t) ?? []);
    const allGuests = () => [...this.guestsByType.values()].flat();
    if (u) {
      const include = u.includeUsers ?? [];
      if (include.includes('All')) mark.fill(1);
      else {
        set(ids(include), 1);
        if (include.includes('GuestsOrExternalUsers')) set(allGuests(), 1);
        for (const g of u.includeGroups ?? []) set(this.index.groupUsers(g), 1);
        for (const r of u.includeRoles ?? []) set(this.index.roleUsers(r), 1);
        set(guests(u.includeGuestsOrExternalUsers?.guestOrExternalUserTypes), 1);
      }
      const exclude = u.excludeUsers ?? [];
      set(ids(exclude), 0);
      if (exclude.includes('GuestsOrExternalUsers')) set(allGuests(), 0);
      for (const g of u.excludeGroups ?? []) set(this.index.groupUsers(g), 0);
      for (const r of u.excludeRoles ?? []) set(this.index.roleUsers(r), 0);
      set(guests(u.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes), 0);
    }
    let count = 0;
    for (let i = 0; i < mark.length; i++) count += mark[i];
    const out = new Int32Array(count);
    for (let i = 0, k = 0; i < mark.length; i++) if (mark[i]) out[k++] = i;
    this.reachCache.set(policy, out);
    return out;
  }

  /**
   * The policy's conditions other than users, for one event on one platform and the phones of one
   * device class (the engine, once per class; a policy without a filter for devices, once).
   */
  conditions(policy: ConditionalAccessPolicy, event: SignInEvent, platform: Platform, deviceClass = 0): Applicability {
    if (!policy.conditions?.users) return { applies: false, matched: [], unknowns: [] };
    const cls = hasDeviceFilter(policy) ? deviceClass : 0;
    let cache = this.conditionsCache.get(policy);
    if (!cache) this.conditionsCache.set(policy, (cache = new Map()));
    const key = `${event}|${platform}|${cls}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const probe: ConditionalAccessPolicy = {
      ...policy,
      conditions: { ...policy.conditions, users: { includeUsers: ['All'], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] } },
    };
    const a = applicability(probe, event, this.tenant, PROBE_USER, this.context(platform), this.deviceClasses.get(platform)![cls].device);
    const out = { ...a, matched: a.matched.filter((m) => !m.startsWith('users:')) };
    cache.set(key, out);
    return out;
  }

  /** The policy's conditions other than users for user `i` (their phone's device class). */
  userConditions(policy: ConditionalAccessPolicy, event: SignInEvent, platform: Platform, i: number): Applicability {
    return this.conditions(policy, event, platform, this.deviceClassOf.get(platform)![i]);
  }

  /** The policy's conditions for every device class of the platform (index = class id). */
  classConditions(policy: ConditionalAccessPolicy, event: SignInEvent, platform: Platform): Applicability[] {
    if (!hasDeviceFilter(policy)) return [this.conditions(policy, event, platform)];
    return this.deviceClasses.get(platform)!.map((_, c) => this.conditions(policy, event, platform, c));
  }

  context(platform: Platform): RegistrationContext {
    return { platform, at: this.at };
  }

  upn(i: number): string {
    return this.prepared[i].upn;
  }
}

/** What the user can present by themselves: registered methods and a compliant phone, no TAP. */
function ownCredentials(p: Presentable): Presentable {
  return {
    factors: new Set([...p.factors].filter((f) => f !== TAP_ONE && f !== TAP_MULTI)),
    fido2: p.fido2,
    tap: NO_TAP,
    compliantDeviceName: p.compliantDeviceName,
    methodLabels: p.methodLabels.filter((l) => !l.startsWith('Temporary Access Pass')),
    unusableFido2: p.unusableFido2,
  };
}

/** Every attribute the filters for devices of these policies read (a rule that does not parse reads none). */
function deviceFilterAttributes(policies: readonly ConditionalAccessPolicy[]): string[] {
  const names = new Map<string, string>();
  for (const policy of policies) {
    const rule = policy.conditions?.devices?.deviceFilter?.rule;
    if (!rule) continue;
    try {
      for (const a of parseRule(rule).attributes) if (!names.has(a.toLowerCase())) names.set(a.toLowerCase(), a);
    } catch (e) {
      if (!(e instanceof FilterRuleError)) throw e;
    }
  }
  return [...names.values()];
}

function bucketKey(p: Presentable): string {
  return `${[...p.factors].sort().join(',')}|${p.fido2.map((k) => k.aaGuid).sort().join(',')}|${p.compliantDeviceName ? 'compliant' : ''}`;
}

function isExcluded(targets: unknown[] | null | undefined, user: PreparedUser): boolean {
  return ((targets ?? []) as { id?: string }[]).some((t) => t.id === 'all_users' || t.id === user.id || user.groupIds.has(t.id ?? ''));
}

const EMPTY = NOTHING;

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

const WORST: Record<UserOutcome, number> = { ok: 0, needTap: 1, unknown: 2, blocked: 3 };
const zero = (): OutcomeCounts => ({ blocked: 0, needTap: 0, unknown: 0, ok: 0 });

export function auditTenant(snapshot: TenantSnapshot, options: AuditOptions = {}): AuditReport {
  const platforms = options.platforms?.length ? [...new Set(options.platforms)] : [...ALL_PLATFORMS];
  const at = options.at ?? new Date();
  const model = new AuditModel(snapshot, platforms, at);
  return new Auditor(model, options.trace).run();
}

class Auditor {
  private readonly findings: AuditFinding[] = [];
  private readonly noImpact: AuditReport['noImpact'] = [];
  private readonly n: number;
  /** Enforced findings: users blocked by at least one, users who need a TAP for at least one. */
  private readonly blockedAny: Uint8Array;
  private readonly needTapAny: Uint8Array;
  /** Users a TAP would get through an enforced policy (whether or not they can have one). */
  private readonly tapWouldHelp: Uint8Array;
  /** Policy names behind tapWouldHelp, for the TAP findings' evidence. */
  private readonly tapPolicies = new Set<string>();
  /** Users blocked because the TAP policy issues only one-time passes and the grant takes only multi-use ones. */
  private readonly tapKindBlocked: Uint8Array;
  /** Enforced policies whose TAP-needing users could not have one, by reason. */
  private readonly gapPolicyNames = new Map<TapGap | 'one-time-only', Set<string>>();
  /**
   * Split-design mobile policies (the seed's correct design): users who need a TAP there and
   * cannot have one, by policy id. They are counted as needing a TAP in that policy's finding and
   * as blocked by the TAP findings ("Guests cannot get a Temporary Access Pass", ...), not twice.
   */
  private readonly splitTapGaps = new Map<string, number>();

  private gapPolicies(gap: TapGap | 'one-time-only'): Set<string> {
    let set = this.gapPolicyNames.get(gap);
    if (!set) this.gapPolicyNames.set(gap, (set = new Set()));
    return set;
  }

  private policyList(names: Iterable<string>): string {
    const all = [...names];
    return all.slice(0, 5).map((n) => `"${n}"`).join(', ') + (all.length > 5 ? `, and ${all.length - 5} more` : '');
  }

  constructor(
    private readonly m: AuditModel,
    private readonly trace?: AuditTrace,
  ) {
    this.n = m.index.size;
    this.blockedAny = new Uint8Array(this.n);
    this.needTapAny = new Uint8Array(this.n);
    this.tapWouldHelp = new Uint8Array(this.n);
    this.tapKindBlocked = new Uint8Array(this.n);
  }

  run(): AuditReport {
    const { m } = this;
    const all = m.snapshot.conditionalAccessPolicies;
    for (const policy of m.tenant.policies) this.conditionalAccess(policy);
    this.methodPolicy();
    this.tapPolicy();
    const designs = this.designs();

    this.findings.sort(
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
    return {
      schema: AUDIT_SCHEMA,
      tenant: { id: m.snapshot.tenant.id, ...(m.snapshot.tenant.displayName ? { displayName: m.snapshot.tenant.displayName } : {}) },
      at: m.at.toISOString(),
      platforms: [...m.platforms],
      totals: {
        users: this.n,
        guests: m.prepared.filter((u) => u.isGuest).length,
        withAuthenticatorPasskey: count(m.hasPasskey),
        policies: {
          total: all.length,
          checked: m.tenant.policies.length,
          reportOnly: m.tenant.policies.filter((p) => p.state === REPORT_ONLY).length,
          disabledSkipped: all.length - m.tenant.policies.length,
        },
        usersBlocked: count(this.blockedAny),
        usersNeedingTap: count(this.needTapAny),
      },
      findings: this.findings,
      designs,
      noImpact: this.noImpact,
    };
  }

  // ---- Conditional Access -------------------------------------------------------------------

  private conditionalAccess(policy: ConditionalAccessPolicy): void {
    const { m } = this;
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
      const finding = this.caFinding(policy, ref, event, kind, reached, conditions);
      if (!finding) {
        reasonNoImpact = `its filter for devices matches none of the phones of the ${plural(reached.length, 'user')} it covers (decided by each user's Intune-managed phone)`;
        continue;
      }
      impact = true;
      this.findings.push(finding);
    }
    if (!impact) this.noImpact.push({ id: ref.id, name: ref.name, state: ref.state, reason: reasonNoImpact });
  }

  private caFinding(
    policy: ConditionalAccessPolicy,
    ref: PolicyRef,
    event: SignInEvent,
    kind: NonNullable<ReturnType<typeof categorise>>,
    reached: Int32Array,
    conditions: Map<Platform, Applicability[]>,
  ): AuditFinding | null {
    const { m } = this;
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

    const gapCounts = new Map<TapGap | 'one-time-only', number>();
    // The split design's mobile policy works as designed: a user it stops without a TAP needs a
    // TAP; when they cannot have one, that is the TAP policy's finding, not this policy's.
    const splitMobile = kind.category === 'tap-accepted' && isSplitMobilePolicy(policy, m.tenant);
    let tapGapUsers = 0;
    for (const i of reached) {
      let worst: UserOutcome = 'ok';
      // Over the platforms where the policy certainly applies: what the tenant-wide totals count.
      let certain: UserOutcome = 'ok';
      let gapOf: TapGap | 'one-time-only' | null = null;
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
            this.tapWouldHelp[i] = 1;
            this.tapPolicies.add(ref.name);
          }
          if (gap === null) outcome = 'needTap';
          else if (splitMobile) {
            outcome = 'needTap';
            gapOf = gap;
            if (enforced) {
              if (gap === 'one-time-only') this.tapKindBlocked[i] = 1;
              this.gapPolicies(gap).add(ref.name);
            }
          } else {
            outcome = 'blocked';
            gapOf = gap;
            if (enforced) {
              if (gap === 'one-time-only') this.tapKindBlocked[i] = 1;
              this.gapPolicies(gap).add(ref.name);
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
          this.trace?.conditionalAccess?.(ref.id, event, p, i, 'blocked', a);
          continue;
        }
        if (a === true && WORST[outcome] > WORST[certain]) certain = outcome;
        this.trace?.conditionalAccess?.(ref.id, event, p, i, outcome, a);
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
        if (certain === 'blocked') this.blockedAny[i] = 1;
        if (certain === 'needTap') this.needTapAny[i] = 1;
      }
    }

    if (applies + mayApply === 0) return null;
    const anyYes = applies > 0;
    for (const p of m.platforms) {
      const s = seen.get(p)!;
      byPlatform[p]!.applies = s.yes ? 'yes' : s.maybe ? 'maybe' : 'no';
    }
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
    const filter = policy.conditions?.devices?.deviceFilter;
    const deviceLine = byDevice
      ? `Filter for devices (${filter?.mode}) "${filter?.rule}", decided by each user's Intune-managed phone: ${m.platforms
          .map((p) => {
            const classOf = m.deviceClassOf.get(p)!;
            const perClass = new Map<number, number>();
            for (const i of reached) perClass.set(classOf[i], (perClass.get(classOf[i]) ?? 0) + 1);
            const parts = [...perClass]
              .sort(([a], [b]) => a - b)
              .map(([c, users]) => {
                const a = conditions.get(p)![c].applies;
                return `${a === true ? 'applies to' : a === 'unknown' ? 'may apply to' : 'does not apply to'} ${plural(users, 'user')} with ${m.deviceClasses.get(p)![c].values}`;
              });
            return `on ${p === 'iOS' ? 'iOS' : 'Android'} it ${parts.join('; it ')}`;
          })
          .join('; ')}.`
      : '';
    const scope = scopeOf(policy, m);
    const resources = matched.find((x) => x.startsWith('resources: ') || x.startsWith('user action: '));
    const platformsText = matched.find((x) => x.startsWith('platforms: '))?.slice('platforms: '.length) ?? 'any platform';
    const tapLine =
      total.needTap > 0
        ? `${count(total.needTap, 'user', 'gets', 'get')} through only with a Temporary Access Pass${withValidTap ? ` (${withValidTap} ${withValidTap === 1 ? 'holds' : 'hold'} one valid at ${fmtAt(m.at)})` : ''}.`
        : '';
    const tapGaps = tapGapText(gapCounts);
    const evidence = [
      `"${ref.name}" (${stateText(ref.state)}) ${anyYes ? 'applies' : 'may apply'} to ${event === 'register-security-info' ? 'the "Register security information" user action' : 'the Microsoft Authenticator sign-in'} on ${covered.join(' and ')}${resources ? ` — ${resources.replace(/^resources: /, '')}` : ''}; platforms: ${platformsText}.`,
      ...(unknowns.length ? [`It may apply: ${unknowns.join('; ')}.`] : []),
      ...(deviceLine ? [deviceLine] : []),
      `Grant: ${bare.summary}${bare.acceptsTap ? ' — a Temporary Access Pass satisfies it' : ' — a Temporary Access Pass does not satisfy it'}.`,
      `Users: ${scope.includes.join(', ') || 'nobody'}${scope.excludes.length ? `; excluding ${scope.excludes.join(', ')}` : ''}.`,
      ...[...whyBlocked].map((w) => `Blocked users: ${w}.`),
      ...(blockedWithPasskey
        ? [`${count(blockedWithPasskey, 'blocked user', 'already has', 'already have')} a passkey in Authenticator, but on the other platform: it cannot be used to sign in to Authenticator on the phone where they are blocked.`]
        : []),
      ...(splitMobile
        ? [
            `Working as designed: this is the mobile half of the guide's split design (Android and iOS, All resources, accepts a Temporary Access Pass or a passkey in Microsoft Authenticator), so it causes no registration loop; users without a passkey sign in to Authenticator with a TAP and register.`,
          ]
        : []),
      ...(tapLine ? [tapLine] : []),
      ...(tapGaps && !splitMobile ? [tapGaps] : []),
      ...(tapGaps && splitMobile
        ? [`${tapGaps.replace(/\.$/, '')}: that is the Temporary Access Pass policy's gap, and those users are counted as blocked in its finding (e.g. "Guests cannot get a Temporary Access Pass"), not here.`]
        : []),
      ...(samples.blocked.length ? [`For example blocked: ${samples.blocked.map((i) => m.upn(i)).join(', ')}${total.blocked > samples.blocked.length ? ', …' : ''}.`] : []),
      ...(samples.needTap.length ? [`For example needing a TAP: ${samples.needTap.map((i) => m.upn(i)).join(', ')}${total.needTap > samples.needTap.length ? ', …' : ''}.`] : []),
      ...(policy.state === REPORT_ONLY ? ['Report-only: it blocks nobody today, but would once turned on.'] : []),
    ];
    const title = category === 'tap-accepted' && isMobileOnly(policy) ? 'Mobile policy accepts a TAP (split design)' : CATEGORY_TITLES[category];
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
      reach: { users: applies + mayApply, applies, mayApply, withAuthenticatorPasskey: withPasskey },
      outcome: { ...total, withValidTap },
      byPlatform,
      usersBlocked: total.blocked,
      usersAtRisk: 0,
      evidence,
      fixes: [],
      sampleUsers: [...samples.blocked, ...samples.needTap].slice(0, SAMPLE_USERS).map((i) => m.upn(i)),
    };
    if (category === 'registration-loop') finding.proposal = splitProposal(policy, finding, m, this.rsiPolicies());
    if (tapGapUsers) this.splitTapGaps.set(ref.id, tapGapUsers);
    finding.fixes = caFixes(finding, policy, m, bare, { tapGapUsers, splitMobile });
    return finding;
  }

  private rsiCache: ConditionalAccessPolicy[] | null = null;
  /** Enabled and report-only policies on the Register security information user action. */
  rsiPolicies(): ConditionalAccessPolicy[] {
    this.rsiCache ??= this.m.tenant.policies.filter((p) => this.m.platforms.some((pl) => this.m.classConditions(p, 'register-security-info', pl).some((a) => a.applies !== false)));
    return this.rsiCache;
  }

  // ---- Authentication methods policy: passkey (FIDO2) ----------------------------------------

  private methodPolicy(): void {
    const { m } = this;
    const fido2 = m.tenant.fido2;
    const configRef: PolicyRef = { kind: 'authenticationMethod', id: fido2?.id ?? 'Fido2', name: 'Passkey (FIDO2) settings', state: fido2?.state ?? 'missing' };
    const includes = fido2?.includeTargets ?? [];
    const excludes = (fido2?.excludeTargets ?? []) as { id?: string }[];
    const profiles = fido2?.passkeyProfiles ?? [];
    const targetIds = [...new Set([...includes.map((t) => t.id ?? ''), ...excludes.map((t) => t.id ?? '')])];

    // Bucket users by the FIDO2 targets they match; the engine answers once per bucket and platform.
    interface Bucket {
      users: number[];
      excludedBy: string[];
      profiles: PasskeyProfile[];
      codes: Map<Platform, MethodIssue['code'][]>;
    }
    const buckets = new Map<string, Bucket>();
    for (let i = 0; i < this.n; i++) {
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
      if (this.trace?.methodPolicy) for (const p of m.platforms) this.trace.methodPolicy(i, p, b.codes.get(p)!);
    }
    const list = [...buckets.values()];
    const has = (b: Bucket, code: MethodIssue['code'], p?: Platform) => (p ? [p] : m.platforms).some((pl) => b.codes.get(pl)!.includes(code));

    const push = (
      id: string,
      code: FindingCode,
      ref: PolicyRef,
      inScope: Bucket[],
      blockedOn: (b: Bucket, p: Platform) => boolean,
      requirement: string,
      evidence: string[],
      title: string,
      scopeIncludes?: string[],
    ) => {
      const byPlatform: Partial<Record<Platform, PlatformOutcome>> = {};
      let users = 0;
      let withPasskey = 0;
      let blocked = 0;
      const samples: number[] = [];
      for (const p of m.platforms) byPlatform[p] = { applies: 'yes', ...zero() };
      for (const b of inScope) {
        users += b.users.length;
        const on = m.platforms.filter((p) => blockedOn(b, p));
        for (const p of m.platforms) byPlatform[p]![on.includes(p) ? 'blocked' : 'ok'] += b.users.length;
        for (const i of b.users) {
          if (m.hasPasskey[i]) withPasskey++;
          if (on.length) {
            blocked++;
            this.blockedAny[i] = 1;
            if (samples.length < SAMPLE_USERS) samples.push(i);
          }
        }
      }
      if (users === 0 && ref.kind !== 'passkeyProfile') return;
      const finding: AuditFinding = {
        id,
        category: 'passkey-method',
        code,
        severity: blocked > 0 ? 'blocking' : 'latent',
        title,
        policy: ref,
        requirement,
        scope: { allUsers: false, includes: scopeIncludes ?? includes.map((t) => targetName(t.id ?? '', m)), excludes: excludes.map((t) => targetName(t.id ?? '', m)) },
        reach: { users, applies: users, mayApply: 0, withAuthenticatorPasskey: withPasskey },
        outcome: { blocked, needTap: 0, unknown: 0, ok: users - blocked, withValidTap: 0 },
        byPlatform,
        usersBlocked: blocked,
        usersAtRisk: 0,
        evidence: [...evidence, ...(samples.length ? [`For example: ${samples.map((i) => m.upn(i)).join(', ')}${blocked > samples.length ? ', …' : ''}.`] : [])],
        fixes: [],
        sampleUsers: samples.map((i) => m.upn(i)),
      };
      finding.fixes = methodFixes(finding);
      this.findings.push(finding);
    };

    if (!fido2 || fido2.state !== 'enabled') {
      push(
        'passkey-method:disabled',
        'passkey-method-disabled',
        configRef,
        list,
        () => true,
        'passkey (FIDO2) method enabled',
        [fido2 ? 'Passkey (FIDO2) is disabled in the authentication methods policy: nobody can register a passkey in Microsoft Authenticator.' : 'The authentication methods policy has no passkey (FIDO2) configuration.'],
        'Passkeys (FIDO2) are turned off',
      );
      return;
    }

    for (const target of excludes) {
      const id = target.id ?? '';
      const inScope = list.filter((b) => b.excludedBy.includes(id));
      push(
        `passkey-method:excluded:${id}`,
        'passkey-method-disabled',
        configRef,
        inScope,
        (b, p) => b.codes.get(p)!.includes('passkey-method-disabled'),
        `not excluded through ${targetName(id, m)}`,
        [`Passkey (FIDO2) is enabled, but its exclude targets list ${targetName(id, m)}: its members cannot register a passkey in Microsoft Authenticator (exclusions win over includes).`],
        `Passkeys excluded for ${targetName(id, m)}`,
      );
    }

    const untargeted = list.filter((b) => b.excludedBy.length === 0 && has(b, 'passkey-method-disabled'));
    push(
      'passkey-method:not-targeted',
      'passkey-method-disabled',
      configRef,
      untargeted,
      (b, p) => b.codes.get(p)!.includes('passkey-method-disabled'),
      'included in the passkey (FIDO2) targets',
      [`Passkey (FIDO2) is enabled only for ${includes.map((t) => targetName(t.id ?? '', m)).join(', ') || 'nobody'}; these users are in none of them.`],
      'Passkeys not enabled for some users',
    );

    const selfService = list.filter((b) => has(b, 'passkey-self-service-disabled'));
    push(
      'passkey-method:self-service',
      'passkey-self-service-disabled',
      configRef,
      selfService,
      (b, p) => b.codes.get(p)!.includes('passkey-self-service-disabled'),
      'self-service set up allowed',
      ['Self-service registration of passkeys is not allowed ("Allow self-service set up" is No): users cannot add a passkey in Authenticator themselves.'],
      'Passkey self-service set up is off',
    );

    const blocksAuthenticator = (b: Bucket, p: Platform) =>
      b.codes.get(p)!.some((c) => c === 'authenticator-aaguid-blocked' || c === 'passkey-profile-excludes-authenticator');
    if (profiles.length === 0) {
      const restricted = list.filter((b) => m.platforms.some((p) => blocksAuthenticator(b, p)));
      const r = fido2.keyRestrictions;
      push(
        'passkey-method:key-restrictions',
        'authenticator-aaguid-blocked',
        configRef,
        restricted,
        blocksAuthenticator,
        `key restrictions allow Microsoft Authenticator (${AUTHENTICATOR_AAGUID.iOS}, ${AUTHENTICATOR_AAGUID.android})`,
        [`Key restrictions are enforced (${r?.enforcementType === 'allow' ? 'allow only' : 'block'} ${(r?.aaGuids ?? []).join(', ') || 'an empty list'}) and do not let Microsoft Authenticator in on ${m.platforms.filter((p) => restricted.some((b) => blocksAuthenticator(b, p))).join(' and ')}.`],
        'Key restrictions block Microsoft Authenticator',
      );
    } else {
      for (const profile of profiles) {
        const problem = profileProblem(profile, m.platforms);
        if (!problem) continue;
        const inScope = list.filter((b) => b.excludedBy.length === 0 && b.profiles.includes(profile) && !has(b, 'passkey-method-disabled'));
        push(
          `passkey-method:profile:${profile.id}`,
          problem.code,
          { kind: 'passkeyProfile', id: profile.id, name: profile.name ?? profile.id, state: 'enabled' },
          inScope,
          blocksAuthenticator,
          problem.requirement,
          [
            `Passkey profile "${profile.name ?? profile.id}" ${problem.text}.`,
            'A registration is allowed when at least one profile a user is in scope of allows it: users with another profile that lets Authenticator in are not blocked.',
          ],
          `Passkey profile "${profile.name ?? profile.id}" excludes Microsoft Authenticator`,
          includes
            .filter((t) => (t.allowedPasskeyProfiles?.length ? t.allowedPasskeyProfiles : [fido2.defaultPasskeyProfile ?? profiles[0].id]).includes(profile.id))
            .map((t) => targetName(t.id ?? '', m)),
        );
      }
    }
  }

  // ---- Temporary Access Pass ----------------------------------------------------------------

  private tapPolicy(): void {
    const { m } = this;
    const tap = m.tenant.tap;
    const ref: PolicyRef = { kind: 'authenticationMethod', id: tap?.id ?? 'TemporaryAccessPass', name: 'Temporary Access Pass settings', state: tap?.state ?? 'missing' };
    const needers: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.tapWouldHelp[i]) needers.push(i);
    const because = needers.length ? ` ${count(needers.length, 'user', 'needs', 'need')} one to get through ${this.policyList(this.tapPolicies)}.` : '';
    const behind = (...gaps: (TapGap | 'one-time-only')[]) => this.policyList(new Set(gaps.flatMap((g) => [...this.gapPolicies(g)])));

    let behindFix = '';
    const push = (id: string, code: FindingCode, severity: Severity, users: number[], blocked: boolean, title: string, requirement: string, evidence: string[]) => {
      const byPlatform: Partial<Record<Platform, PlatformOutcome>> = {};
      for (const p of m.platforms) byPlatform[p] = { applies: 'yes', ...zero(), [blocked ? 'blocked' : 'needTap']: users.length };
      if (blocked) for (const i of users) this.blockedAny[i] = 1;
      const finding: AuditFinding = {
        id,
        category: 'tap-policy',
        code,
        severity,
        title,
        policy: ref,
        requirement,
        scope: { allUsers: false, includes: (tap?.includeTargets ?? []).map((t) => targetName(t.id ?? '', m)), excludes: ((tap?.excludeTargets ?? []) as { id?: string }[]).map((t) => targetName(t.id ?? '', m)) },
        reach: { users: users.length, applies: users.length, mayApply: 0, withAuthenticatorPasskey: users.filter((i) => m.hasPasskey[i]).length },
        outcome: { blocked: blocked ? users.length : 0, needTap: blocked ? 0 : users.length, unknown: 0, ok: 0, withValidTap: users.filter((i) => m.validTap[i]).length },
        byPlatform,
        usersBlocked: blocked ? users.length : 0,
        usersAtRisk: blocked ? 0 : users.length,
        evidence: [...evidence, ...(users.length ? [`For example: ${users.slice(0, SAMPLE_USERS).map((i) => m.upn(i)).join(', ')}${users.length > SAMPLE_USERS ? ', …' : ''}.`] : [])],
        fixes: [],
        sampleUsers: users.slice(0, SAMPLE_USERS).map((i) => m.upn(i)),
      };
      finding.fixes = tapFixes(finding, behindFix);
      this.findings.push(finding);
    };

    if (!tap || tap.state !== 'enabled') {
      behindFix = behind('disabled');
      push('tap-policy:disabled', 'tap-method-disabled', needers.length ? 'blocking' : 'latent', needers, true, 'Temporary Access Pass is turned off', 'Temporary Access Pass method enabled', [
        `The Temporary Access Pass method is ${tap ? 'disabled' : 'missing'} in the authentication methods policy, so nobody can be given a pass.${needers.length ? ` ${count(needers.length, 'user', 'needs', 'need')} one to get through ${behindFix}.` : ''}`,
      ]);
      return;
    }
    const gap = (g: TapGap) => needers.filter((i) => m.tapGap[i] === g);
    const guests = gap('guest');
    if (guests.length) {
      behindFix = behind('guest');
      push('tap-policy:guests', 'tap-unavailable-for-guest', 'blocking', guests, true, 'Guests cannot get a Temporary Access Pass', 'a way in for guests other than a TAP', [
        `A Temporary Access Pass cannot be issued to a guest (userType Guest), and ${count(guests.length, 'guest', 'needs', 'need')} one to get through ${behindFix}.`,
      ]);
    }
    const untargeted = [...gap('not-targeted'), ...gap('excluded')].sort((a, b) => a - b);
    if (untargeted.length) {
      const excluded = gap('excluded').length;
      behindFix = behind('not-targeted', 'excluded');
      push('tap-policy:not-targeted', 'tap-method-disabled', 'blocking', untargeted, true, 'Temporary Access Pass does not target users who need it', 'the TAP method targets every user who needs a pass', [
        `The Temporary Access Pass method targets ${(tap.includeTargets ?? []).map((t) => targetName(t.id ?? '', m)).join(', ') || 'nobody'}${excluded ? ` and excludes ${((tap.excludeTargets ?? []) as { id?: string }[]).map((t) => targetName(t.id ?? '', m)).join(', ')} (${excluded} of these users)` : ''}; ${plural(untargeted.length, 'user')} who need a pass to get through ${behindFix} cannot be given one.`,
      ]);
    }
    const kindBlocked: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.tapKindBlocked[i]) kindBlocked.push(i);
    if (kindBlocked.length) {
      behindFix = behind('one-time-only');
      push('tap-policy:one-time-only', 'tap-method-disabled', 'blocking', kindBlocked, true, 'Only one-time passes, but the policy needs a multi-use one', 'multi-use passes allowed', [
        `The TAP policy makes every pass one-time (isUsableOnce), but ${behindFix} accept only a multi-use Temporary Access Pass.`,
      ]);
    }
    const issuable = needers.filter((i) => m.tapGap[i] === null && !this.tapKindBlocked[i]);
    const max = Number(tap.maximumLifetimeInMinutes ?? tap.defaultLifetimeInMinutes ?? 60);
    behindFix = this.policyList(this.tapPolicies);
    if (max < MIN_TAP_LIFETIME_MINUTES) {
      push('tap-policy:lifetime', 'tap-method-disabled', 'risk', issuable, false, 'Temporary Access Pass lifetime too short', `a maximum lifetime of at least ${MIN_TAP_LIFETIME_MINUTES} minutes`, [
        `The longest pass the policy allows is ${max} minutes (maximumLifetimeInMinutes). Signing in to Authenticator, meeting the Register security information policy and creating the passkey often take longer, and the window has to be agreed with the user first.${because}`,
      ]);
    }
    if (tap.isUsableOnce === true) {
      push('tap-policy:one-time', 'tap-method-disabled', 'risk', issuable, false, 'Every Temporary Access Pass is one-time', 'multi-use passes, or users who finish within 10 minutes', [
        'The TAP policy makes every pass one-time (isUsableOnce): after the first sign-in it is spent, and a user who registers a passkey with a one-time pass has to finish within 10 minutes of signing in. Anyone who needs more time, or a second sign-in (Authenticator, then security info), has to ask for a new pass.' +
          because,
      ]);
    }
  }

  // ---- The seed's split design, where the tenant already has it ------------------------------

  private designs(): SplitDesign[] {
    const { m } = this;
    const out: SplitDesign[] = [];
    const mobileFindings = this.findings.filter((f) => f.category === 'tap-accepted' && f.title.startsWith('Mobile policy'));
    for (const f of mobileFindings) {
      const mobile = m.tenant.policies.find((p) => p.id === f.policy.id)!;
      const desktop = m.tenant.policies.find((p) => p !== mobile && isDesktopOnly(p) && sameUsers(p, mobile) && !!p.grantControls?.authenticationStrength);
      const reached = m.reach(mobile);
      const rsi = this.rsiPolicies()
        .filter((p) => overlaps(m.reach(p), reached))
        .map((p) => ({ id: p.id ?? '', name: p.displayName ?? p.id ?? '', requirement: requirementOf(p, m.tenant), acceptsTapAndAuthenticatorPasskey: acceptsTapAndPasskey(p, m.tenant) }));
      const groups = (mobile.conditions?.users?.includeGroups ?? []).map((g) => m.index.groupName(g));
      const gaps = this.splitTapGaps.get(f.policy.id) ?? 0;
      const blocked = f.outcome.blocked + gaps;
      const notes = [
        desktop
          ? `Desktop half: "${desktop.displayName}" requires ${requirementOf(desktop, m.tenant)} everywhere except Android and iOS.`
          : 'No matching desktop policy (All resources, excluding Android and iOS, same users) was found; the desktop half of the design may be missing.',
        `Mobile half: "${f.policy.name}" accepts a Temporary Access Pass, so ${plural(f.outcome.needTap - gaps, 'user')} without a passkey can sign in to Authenticator with one and register: no loop.`,
        ...(blocked ? [`${count(blocked, 'user', 'cannot get a TAP (a guest, or not targeted by the TAP method) and is', 'cannot get a TAP (guests, or not targeted by the TAP method) and are')} still blocked.`] : []),
        rsi.length === 0
          ? 'No Register security information policy reaches these users, so nothing has to match the mobile strength.'
          : rsi.every((r) => r.acceptsTapAndAuthenticatorPasskey)
            ? 'The Register security information policies that reach these users accept a TAP and a passkey in Authenticator, matching the mobile policy.'
            : `Register security information policies that do not match the mobile strength: ${rsi.filter((r) => !r.acceptsTapAndAuthenticatorPasskey).map((r) => `"${r.name}" (${r.requirement})`).join(', ')}.`,
      ];
      out.push({
        desktop: desktop ? caRef(desktop) : null,
        mobile: f.policy,
        groups,
        users: f.reach.users,
        needTap: f.outcome.needTap - gaps,
        blocked,
        registerSecurityInfo: rsi,
        notes,
      });
    }
    return out;
  }
}

// ---- helpers ------------------------------------------------------------------------------------

function fmtAt(d: Date): string {
  return d.toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ');
}

function scopeOf(policy: ConditionalAccessPolicy, m: AuditModel): { allUsers: boolean; includes: string[]; excludes: string[] } {
  const u = policy.conditions?.users;
  const users = (ids: string[]) =>
    ids.map((id) => (id === 'GuestsOrExternalUsers' ? 'guests and external users' : m.index.userIndex.has(id) ? `user ${m.upn(m.index.userIndex.get(id)!)}` : `user ${id}`));
  const groups = (ids: string[]) => ids.map((g) => `group "${m.index.groupName(g)}" (${plural(m.index.groupUsers(g).length, 'user')})`);
  const roles = (ids: string[]) => ids.map((r) => `role ${roleName(r)} (${plural(m.index.roleUsers(r).length, 'user')})`);
  const guests = (t: string | undefined) => (t ? [`guest types ${t}`] : []);
  const include = u?.includeUsers ?? [];
  const allUsers = include.includes('All');
  return {
    allUsers,
    includes: [
      ...(allUsers ? ['all users'] : users(include.filter((x) => x !== 'All' && x !== 'None'))),
      ...groups(u?.includeGroups ?? []),
      ...roles(u?.includeRoles ?? []),
      ...guests(u?.includeGuestsOrExternalUsers?.guestOrExternalUserTypes),
    ],
    excludes: [...users(u?.excludeUsers ?? []), ...groups(u?.excludeGroups ?? []), ...roles(u?.excludeRoles ?? []), ...guests(u?.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes)],
  };
}

function targetName(id: string, m: AuditModel): string {
  if (id === 'all_users') return 'all users';
  if (m.index.userIndex.has(id)) return `user ${m.upn(m.index.userIndex.get(id)!)}`;
  return `group "${m.index.groupName(id)}" (${plural(m.index.groupUsers(id).length, 'user')})`;
}

function tapGapText(counts: Map<TapGap | 'one-time-only', number>): string {
  if (counts.size === 0) return '';
  const text: Record<TapGap | 'one-time-only', string> = {
    disabled: 'the TAP method is off',
    guest: 'guests: a TAP cannot be issued to a guest',
    excluded: 'excluded from the TAP method',
    'not-targeted': 'not targeted by the TAP method',
    'one-time-only': 'the TAP policy issues only one-time passes, which this grant does not accept',
  };
  return `A Temporary Access Pass would get them through, but ${[...counts].map(([g, n]) => `${plural(n, 'user')} cannot have one (${text[g]})`).join('; ')}.`;
}

/** Profiles a user matching `targets` is in scope of (as the engine's settingsForUser). */
function profilesInScope(profiles: PasskeyProfile[], targets: { allowedPasskeyProfiles?: string[] }[], defaultProfile: string | null | undefined): PasskeyProfile[] {
  if (profiles.length === 0) return [];
  const ids = new Set<string>();
  for (const t of targets) for (const id of t.allowedPasskeyProfiles?.length ? t.allowedPasskeyProfiles : [defaultProfile ?? profiles[0].id]) ids.add(id);
  return profiles.filter((p) => ids.has(p.id));
}

function profileProblem(p: PasskeyProfile, platforms: readonly Platform[]): { code: FindingCode; text: string; requirement: string } | null {
  const types = (p.passkeyTypes ?? 'deviceBound,synced').split(',').map((t) => t.trim());
  if (!types.includes('deviceBound')) {
    return { code: 'passkey-profile-excludes-authenticator', text: `allows only ${types.join(', ')} passkeys; passkeys in Microsoft Authenticator are device-bound`, requirement: 'device-bound passkeys allowed' };
  }
  const r = p.keyRestrictions;
  if (!r?.isEnforced) return null;
  const listed = (a: string) => (r.aaGuids ?? []).some((x) => x.toLowerCase() === a);
  const blocked = platforms.filter((pl) => (r.enforcementType === 'allow' ? !listed(AUTHENTICATOR_AAGUID[pl]) : listed(AUTHENTICATOR_AAGUID[pl])));
  if (blocked.length === 0) return null;
  return {
    code: 'authenticator-aaguid-blocked',
    text: `enforces key restrictions (${r.enforcementType === 'allow' ? 'allow only' : 'block'} ${(r.aaGuids ?? []).join(', ') || 'an empty list'}) that keep out Microsoft Authenticator on ${blocked.join(' and ')} (${blocked.map((pl) => AUTHENTICATOR_AAGUID[pl]).join(', ')})`,
    requirement: `key restrictions allow Microsoft Authenticator (${blocked.map((pl) => AUTHENTICATOR_AAGUID[pl]).join(', ')})`,
  };
}

function overlaps(a: Int32Array, b: Int32Array): boolean {
  const set = new Set(a);
  return b.some((i) => set.has(i));
}
