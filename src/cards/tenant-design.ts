// What the cards need to know about the tenant beyond one user's diagnosis: whether it already
// has the guide's split design (a mobile policy that accepts a Temporary Access Pass and a passkey
// in Authenticator, usually with a desktop policy for the same users), so that no card proposes
// building what is already there. Pure: tenant facts in, names out.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { acceptsTapAndPasskey } from '../audit/util';
import type { TenantFacts } from '../diagnosis';
import { prepareTenant } from '../diagnosis/prepare';

/** One split design in the tenant, by policy display name. */
export interface SplitDesignRef {
  mobile: string;
  desktop?: string;
}

/** What the advice may take into account about the tenant. */
export interface TenantContext {
  /** The guide's split design, where the tenant has it (enforced policies only). */
  splitDesigns: SplitDesignRef[];
}

const platforms = (p: ConditionalAccessPolicy, key: 'includePlatforms' | 'excludePlatforms') =>
  ((p.conditions?.platforms?.[key] ?? []) as string[]).map((x) => x.toLowerCase());
const allResources = (p: ConditionalAccessPolicy) => (p.conditions?.applications?.includeApplications ?? []).includes('All');
const mobileOnly = (p: ConditionalAccessPolicy) => {
  const include = platforms(p, 'includePlatforms');
  return include.length > 0 && include.every((x) => x === 'android' || x === 'ios');
};
const desktopOnly = (p: ConditionalAccessPolicy) => {
  const exclude = platforms(p, 'excludePlatforms');
  return exclude.includes('android') && exclude.includes('ios');
};
const usersKey = (p: ConditionalAccessPolicy) => {
  const u = p.conditions?.users;
  const s = (x: string[] | null | undefined) => [...(x ?? [])].sort().join(',');
  return `${s(u?.includeUsers)}|${s(u?.includeGroups)}|${s(u?.includeRoles)}`;
};

/** The enforced split designs of the tenant: mobile policies on All resources that accept a TAP and a passkey in Authenticator. */
export function splitDesignsOf(facts: TenantFacts): SplitDesignRef[] {
  const tenant = prepareTenant(facts);
  const enforced = tenant.policies.filter((p) => p.state === 'enabled' && allResources(p));
  return enforced
    .filter((p) => mobileOnly(p) && acceptsTapAndPasskey(p, tenant))
    .map((mobile) => {
      const desktop = enforced.find((p) => p !== mobile && desktopOnly(p) && usersKey(p) === usersKey(mobile) && !!p.grantControls?.authenticationStrength);
      return { mobile: mobile.displayName ?? mobile.id ?? '', ...(desktop ? { desktop: desktop.displayName ?? desktop.id ?? '' } : {}) };
    });
}
