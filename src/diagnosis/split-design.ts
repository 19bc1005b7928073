// The seed page's split design, recognised in a tenant: a mobile policy (Android and iOS, All
// resources) whose grant accepts a Temporary Access Pass and a passkey in Microsoft Authenticator,
// usually with a desktop policy (All resources, excluding Android and iOS) for the same users.
// Shared by the engine, the tenant audit and the cards, so that none of them proposes building
// what the tenant already has. Pure: policies in, answers out.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import type { Presentable } from './credentials';
import { AUTHENTICATOR_AAGUID } from './facts';
import { evaluateGrant } from './grant';
import type { PreparedTenant } from './prepare';

const TAP_FACTORS = ['temporaryAccessPassOneTime', 'temporaryAccessPassMultiUse'];

const BARE: Presentable = {
  factors: new Set(),
  fido2: [],
  tap: { state: 'none', method: null, start: null, end: null, oneTime: false },
  compliantDeviceName: null,
  methodLabels: [],
  unusableFido2: [],
};

/** Does a policy's grant accept both a TAP alone and a passkey in Authenticator alone (the mobile strength)? */
export function acceptsTapAndPasskey(p: ConditionalAccessPolicy, tenant: PreparedTenant): boolean {
  const passkey = (aaGuid: string): Presentable => ({ ...BARE, factors: new Set(['fido2']), fido2: [{ aaGuid, label: 'passkey in Authenticator' }] });
  return (
    evaluateGrant(p, tenant, { ...BARE, factors: new Set(TAP_FACTORS) }).satisfied === true &&
    evaluateGrant(p, tenant, passkey(AUTHENTICATOR_AAGUID.android)).satisfied === true &&
    evaluateGrant(p, tenant, passkey(AUTHENTICATOR_AAGUID.iOS)).satisfied === true
  );
}

const platforms = (p: ConditionalAccessPolicy, key: 'includePlatforms' | 'excludePlatforms') =>
  ((p.conditions?.platforms?.[key] ?? []) as string[]).map((x) => x.toLowerCase());
const allResources = (p: ConditionalAccessPolicy) => (p.conditions?.applications?.includeApplications ?? []).includes('All');

/** Includes only Android and/or iOS. */
export function isMobileOnly(p: ConditionalAccessPolicy): boolean {
  const include = platforms(p, 'includePlatforms');
  return include.length > 0 && include.every((x) => x === 'android' || x === 'ios');
}

/** All resources, excluding Android and iOS. */
export function isDesktopOnly(p: ConditionalAccessPolicy): boolean {
  const exclude = platforms(p, 'excludePlatforms');
  return exclude.includes('android') && exclude.includes('ios') && allResources(p);
}

/** Same included users, groups and roles. */
export function sameUsers(a: ConditionalAccessPolicy, b: ConditionalAccessPolicy): boolean {
  const key = (p: ConditionalAccessPolicy) => {
    const u = p.conditions?.users;
    const s = (x: string[] | null | undefined) => [...(x ?? [])].sort().join(',');
    return `${s(u?.includeUsers)}|${s(u?.includeGroups)}|${s(u?.includeRoles)}`;
  };
  return key(a) === key(b);
}

/** The mobile half of the split design (whatever its state): All resources, Android/iOS only, accepts a TAP and a passkey in Authenticator. */
export function isSplitMobilePolicy(p: ConditionalAccessPolicy, tenant: PreparedTenant): boolean {
  return allResources(p) && isMobileOnly(p) && acceptsTapAndPasskey(p, tenant);
}

/** One split design of the tenant: its enforced mobile policy, and the desktop policy for the same users when there is one. */
export interface SplitDesignPolicies {
  mobile: ConditionalAccessPolicy;
  desktop?: ConditionalAccessPolicy;
}

const designs = new WeakMap<PreparedTenant, readonly SplitDesignPolicies[]>();

/** The tenant's enforced split designs (found once per prepared tenant: every diagnosis card asks). */
export function splitDesigns(tenant: PreparedTenant): readonly SplitDesignPolicies[] {
  let found = designs.get(tenant);
  if (!found) designs.set(tenant, (found = findSplitDesigns(tenant)));
  return found;
}

function findSplitDesigns(tenant: PreparedTenant): SplitDesignPolicies[] {
  const enforced = tenant.policies.filter((p) => p.state === 'enabled');
  return enforced
    .filter((p) => isSplitMobilePolicy(p, tenant))
    .map((mobile) => {
      const desktop = enforced.find((p) => p !== mobile && isDesktopOnly(p) && sameUsers(p, mobile) && !!p.grantControls?.authenticationStrength);
      return desktop ? { mobile, desktop } : { mobile };
    });
}
