// The audit's model of a whole tenant: per-user facts computed once, and the questions that do
// not depend on the user answered once per bucket of users that the engine would answer alike.
//  - who a policy covers (users, groups through nesting, roles, guest types; exclusions win) is
//    set arithmetic over per-group member lists built once (DirectoryIndex) — the same rules as
//    the engine's user conditions, checked against applicability() user by user in the tests;
//  - whether its other conditions cover the Authenticator sign-in / Register security info on a
//    platform does not depend on the user, except a filter for devices, which the engine decides
//    from the user's Intune-managed phone (phoneAttributes()): users are bucketed by the values
//    their phone gives the attributes the tenant's device filters read (a handful of distinct
//    tuples), and the engine's applicability() is asked once per policy, event, platform and
//    tuple, with the user conditions set to All users;
//  - what a user can present on a phone (factors, passkey AAGUIDs, compliant phone, no TAP):
//    users are bucketed by the engine's presentable(), so a grant is evaluated once per bucket.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import {
  applicability,
  FilterRuleError,
  isTargeted,
  parseRule,
  phoneAttributes,
  prepareTenant,
  prepareUser,
  presentable,
  tapStatus,
  type Applicability,
  type DeviceAttributes,
  type MethodIssue,
  type Platform,
  type PreparedTenant,
  type PreparedUser,
  type Presentable,
  type RegistrationContext,
  type SignInEvent,
  type Tri,
} from '../diagnosis';
import { tenantFactsOfSnapshot, type TenantSnapshot } from '../snapshot';
import { DirectoryIndex, hasAuthenticatorPasskey } from './directory';
import { NOTHING, TAP_MULTI, TAP_ONE } from './util';

export type UserOutcome = 'ok' | 'needTap' | 'blocked' | 'unknown';

/** Test and debugging hooks: see every per-user answer the audit counted. */
export interface AuditTrace {
  conditionalAccess?(policyId: string, event: SignInEvent, platform: Platform, userIndex: number, outcome: UserOutcome, applies: Tri): void;
  methodPolicy?(userIndex: number, platform: Platform, codes: MethodIssue['code'][]): void;
}

export const ALL_PLATFORMS: readonly Platform[] = ['android', 'iOS'];
/** The two sign-ins a registration in Authenticator goes through. */
export const EVENTS: readonly SignInEvent[] = ['authenticator-sign-in', 'register-security-info'];
const NO_TAP: Presentable['tap'] = NOTHING.tap;

/** Why a user cannot be given a Temporary Access Pass. */
export type TapGap = 'disabled' | 'guest' | 'excluded' | 'not-targeted';

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
