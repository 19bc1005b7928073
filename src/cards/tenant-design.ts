// What the cards need to know about the tenant beyond one user's diagnosis: whether it already
// has the guide's split design (a mobile policy that accepts a Temporary Access Pass and a passkey
// in Authenticator, usually with a desktop policy for the same users), so that no card proposes
// building what is already there. Pure: tenant facts in, names out. The detection itself lives in
// the diagnosis core (src/diagnosis/split-design.ts), shared with the engine and the audit.
import type { TenantFacts } from '../diagnosis';
import { prepareTenant } from '../diagnosis/prepare';
import { splitDesigns } from '../diagnosis/split-design';

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

/** The enforced split designs of the tenant: mobile policies on All resources that accept a TAP and a passkey in Authenticator. */
export function splitDesignsOf(facts: TenantFacts): SplitDesignRef[] {
  return splitDesigns(prepareTenant(facts)).map(({ mobile, desktop }) => ({
    mobile: mobile.displayName ?? mobile.id ?? '',
    ...(desktop ? { desktop: desktop.displayName ?? desktop.id ?? '' } : {}),
  }));
}
