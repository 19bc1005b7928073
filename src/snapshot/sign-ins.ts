// A signIn resource (Graph v1.0) as the engine reads it (SignInFact): one conversion for a sign-in
// read through Graph (src/graph/sign-ins.ts) and one in a snapshot's `signIns` (the audit). Pure:
// no Graph client here.
import type { AppliedPolicyFact, SignInFact } from '../diagnosis/facts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * A signIn resource (Graph v1.0, as Graph returns it) as the engine reads it; null when it is
 * not one (no id or no createdDateTime). Missing parts read as nothing: no status is errorCode 0,
 * no appliedConditionalAccessPolicies is none (Graph leaves them out for callers without the
 * Conditional Access read permissions).
 */
export function parseSignIn(raw: unknown): SignInFact | null {
  if (!isObject(raw)) return null;
  const id = text(raw.id);
  const createdDateTime = text(raw.createdDateTime);
  if (!id || !createdDateTime || Number.isNaN(Date.parse(createdDateTime))) return null;
  const status = isObject(raw.status) ? raw.status : {};
  const errorCode = typeof status.errorCode === 'number' && Number.isFinite(status.errorCode) ? status.errorCode : Number(status.errorCode ?? 0) || 0;
  // "appliedConditionalAccessPolicy" is how an older version of the resource page spelled the list.
  const applied = Array.isArray(raw.appliedConditionalAccessPolicies)
    ? raw.appliedConditionalAccessPolicies
    : Array.isArray(raw.appliedConditionalAccessPolicy)
      ? raw.appliedConditionalAccessPolicy
      : [];
  const policies: AppliedPolicyFact[] = [];
  for (const p of applied) {
    if (!isObject(p) || !text(p.id)) continue;
    policies.push({
      id: p.id as string,
      ...(text(p.displayName) ? { displayName: p.displayName as string } : {}),
      result: text(p.result) ?? 'unknown',
      ...(Array.isArray(p.enforcedGrantControls) ? { enforcedGrantControls: p.enforcedGrantControls.filter((c): c is string => typeof c === 'string') } : {}),
    });
  }
  return {
    id,
    createdDateTime,
    ...(text(raw.userId) ? { userId: raw.userId as string } : {}),
    ...(text(raw.appId) ? { appId: raw.appId as string } : {}),
    ...(text(raw.appDisplayName) ? { appDisplayName: raw.appDisplayName as string } : {}),
    ...(text(raw.correlationId) ? { correlationId: raw.correlationId as string } : {}),
    errorCode,
    ...(text(status.failureReason) ? { failureReason: status.failureReason as string } : {}),
    policies,
  };
}
