// Small pieces shared by the audit and its fixes.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { evaluateGrant, type PreparedTenant, type Presentable } from '../diagnosis';
import type { PolicyRef } from './report';

export const TAP_ONE = 'temporaryAccessPassOneTime';
export const TAP_MULTI = 'temporaryAccessPassMultiUse';
export const REPORT_ONLY = 'enabledForReportingButNotEnforced';
/** Shorter than this, a TAP may run out before sign-in + Register security info + passkey creation are done. */
export const MIN_TAP_LIFETIME_MINUTES = 60;

/** Someone with nothing registered and no compliant phone. */
export const NOTHING: Presentable = {
  factors: new Set(),
  fido2: [],
  tap: { state: 'none', method: null, start: null, end: null, oneTime: false },
  compliantDeviceName: null,
  methodLabels: [],
  unusableFido2: [],
};

export const withFactors = (p: Presentable, ...f: string[]): Presentable => ({ ...p, factors: new Set([...p.factors, ...f]) });

export function caRef(p: ConditionalAccessPolicy): PolicyRef {
  return { kind: 'conditionalAccess', id: p.id ?? '', name: p.displayName ?? p.id ?? '', state: p.state ?? 'enabled' };
}

export function stateText(state: string): string {
  return state === REPORT_ONLY ? 'report-only' : state;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "1 user needs", "2 users need": `plural` with the verb agreeing. */
export function count(n: number, word: string, singularVerb: string, pluralVerb: string): string {
  return `${plural(n, word)} ${n === 1 ? singularVerb : pluralVerb}`;
}

/** The grant's controls as a list, without the "require one of:" lead. */
export function requirementOf(p: ConditionalAccessPolicy, tenant: PreparedTenant): string {
  return evaluateGrant(p, tenant, NOTHING).summary.replace(/^require (one|all) of: /, '');
}

/** Does a policy's grant accept both a TAP alone and a passkey in Authenticator alone (the mobile strength)? */
export { acceptsTapAndPasskey } from '../diagnosis';
