// Observed sign-ins (contract: diagnosis.md, "Observed sign-ins"): which of the user's sign-ins
// say something about this registration, how they compare with the prediction, and whether a
// failure the user just had has reached the log yet. Pure: the caller passes the sign-ins and the
// times; nothing here reads a clock.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { AUTHENTICATOR_APP_ID, MY_SIGN_INS_APP_ID, REGISTER_SECURITY_INFO_ACTION, type SignInFact } from './facts';

/** Failed sign-ins of this long before `at` count. */
export const SIGN_IN_WINDOW_MS = 24 * 60 * 60_000;

/** When the bot looks again for a failure the user reports that is not in the log yet (minutes after the report). */
export const SIGN_IN_RELOOK_MINUTES: readonly number[] = [5, 15];

/** How the sign-ins compare with the prediction (contract: `observed.agreement`). */
export type Agreement = 'agrees' | 'observed-only' | 'predicted-only' | 'no-failure-seen';

/** One sign-in as the contract's `observed.signIns` lists it. */
export interface ObservedSignIn {
  id: string;
  createdDateTime: string;
  appId: string;
  errorCode: number;
  correlationId: string;
  failedPolicyIds: string[];
  reportOnlyFailedPolicyIds: string[];
}

export interface Observed {
  signIns: ObservedSignIn[];
  agreement: Agreement;
}

/** The sign-ins the engine is given, and the Correlation ID (or Request ID) the user pasted, if any. */
export interface SignInObservation {
  signIns: SignInFact[];
  correlationId?: string;
  /**
   * When the user was last changed for this registration (a TAP issued, an exemption added): a
   * failure from before it says nothing about the user as they are now, so only the sign-in the
   * user named by its id is kept from before it. ISO time.
   */
  since?: string;
}

const failed = (s: SignInFact) => s.errorCode !== 0;
const time = (s: SignInFact) => Date.parse(s.createdDateTime);
const lower = (v: string | undefined) => (v ?? '').toLowerCase();

/** Does this policy target the "Register security information" user action? */
export function targetsRegisterSecurityInfo(policy: ConditionalAccessPolicy | undefined): boolean {
  return (policy?.conditions?.applications?.includeUserActions ?? []).some((a) => a.toLowerCase() === REGISTER_SECURITY_INFO_ACTION);
}

/** Does `correlationId` (as the user pasted it) name this sign-in, by its correlation id or its id (the Request ID)? */
export function matchesCorrelation(signIn: SignInFact, correlationId: string | undefined): boolean {
  if (!correlationId) return false;
  const id = correlationId.trim().toLowerCase();
  return lower(signIn.correlationId) === id || lower(signIn.id) === id;
}

/**
 * The sign-ins that say something about this registration, newest first: the failed ones of the
 * 24 hours before `at` to Microsoft Authenticator or to the "Register security information" user
 * action (My Sign-ins, or a failed policy that targets the user action), and the one the user
 * named by its Correlation ID or Request ID, whatever its app.
 */
export function relevantSignIns(
  signIns: readonly SignInFact[],
  at: Date,
  policiesById: ReadonlyMap<string, ConditionalAccessPolicy>,
  correlationId?: string,
  since?: string,
): SignInFact[] {
  const end = at.getTime();
  const changed = since ? Date.parse(since) : NaN;
  const start = Number.isFinite(changed) ? Math.max(end - SIGN_IN_WINDOW_MS, changed) : end - SIGN_IN_WINDOW_MS;
  const seen = new Set<string>();
  const out: SignInFact[] = [];
  for (const s of signIns) {
    const t = time(s);
    const inWindow = Number.isFinite(t) && t >= start && t <= end;
    const app = lower(s.appId);
    const registration =
      app === AUTHENTICATOR_APP_ID ||
      app === MY_SIGN_INS_APP_ID ||
      s.policies.some((p) => p.result === 'failure' && targetsRegisterSecurityInfo(policiesById.get(p.id)));
    const relevant = (failed(s) && inWindow && registration) || matchesCorrelation(s, correlationId);
    if (!relevant || seen.has(s.id)) continue;
    seen.add(s.id);
    out.push(s);
  }
  return out.sort((a, b) => time(b) - time(a) || a.id.localeCompare(b.id));
}

/** Policy ids whose result is `failure` in a failed sign-in among these. */
export function failedPolicyIds(signIns: readonly SignInFact[]): Set<string> {
  return new Set(signIns.filter(failed).flatMap((s) => s.policies.filter((p) => p.result === 'failure').map((p) => p.id)));
}

/**
 * Compares the policies that failed in the relevant sign-ins with the blocking policies predicted
 * before the sign-ins were considered: `no-failure-seen` when no relevant sign-in failed;
 * otherwise `agrees` (the same set), `observed-only` (an observed failure was not predicted) or
 * `predicted-only` (every observed failure was predicted, but a predicted blocker failed in none).
 */
export function agreementOf(predictedBlocking: ReadonlySet<string>, relevant: readonly SignInFact[]): Agreement {
  if (!relevant.some(failed)) return 'no-failure-seen';
  const observed = failedPolicyIds(relevant);
  if ([...observed].some((id) => !predictedBlocking.has(id))) return 'observed-only';
  if ([...predictedBlocking].some((id) => !observed.has(id))) return 'predicted-only';
  return 'agrees';
}

export function toObservedSignIn(s: SignInFact): ObservedSignIn {
  return {
    id: s.id,
    createdDateTime: s.createdDateTime,
    appId: s.appId ?? '',
    errorCode: s.errorCode,
    correlationId: s.correlationId ?? '',
    failedPolicyIds: s.policies.filter((p) => p.result === 'failure').map((p) => p.id),
    reportOnlyFailedPolicyIds: s.policies.filter((p) => p.result === 'reportOnlyFailure').map((p) => p.id),
  };
}

/** "your attempt at 13:52 UTC on 2026-10-05 to Microsoft Authenticator, error 53003" */
export function attemptText(s: SignInFact): string {
  const d = new Date(s.createdDateTime);
  const when = Number.isNaN(d.getTime()) ? s.createdDateTime : `${d.toISOString().slice(11, 16)} UTC on ${d.toISOString().slice(0, 10)}`;
  const app = lower(s.appId) === AUTHENTICATOR_APP_ID ? 'Microsoft Authenticator' : s.appDisplayName || s.appId || 'an app';
  return `your attempt at ${when} to ${app}, error ${s.errorCode}`;
}

/** "(sign-in 66ea54eb-…, correlation id d79f5bee-…)" */
export function signInRef(s: SignInFact): string {
  return `(sign-in ${s.id}${s.correlationId ? `, correlation id ${s.correlationId}` : ''})`;
}

/** Whether the bot should look at the sign-in log again for a failure the user just reported. */
export interface SignInRelook {
  /**
   * True when sign-ins can be read but the failure is not in the log yet: no failed relevant
   * sign-in at or after `reportedAt` (less a minute, for clock skew), or, when the user gave a
   * Correlation ID, no sign-in with it.
   */
  notSeenYet: boolean;
  /** When to look again: the first of `reportedAt` + 5 and + 15 minutes still after `now`; null when there is no point. */
  lookAgainAt: Date | null;
  /** Why, in a short clause (for logs and the ticket). */
  reason: string;
}

/**
 * Pure helper for the bot's scheduled re-look: sign-ins take minutes to reach the log, so a
 * failure the user reports "just now" may not be there yet. `observed` is the diagnosis's
 * `observed` (undefined when sign-ins cannot be read: then looking again does not help).
 */
export function signInRelook(
  observed: Observed | undefined,
  reportedAt: Date,
  now: Date,
  options: { correlationId?: string; relookMinutes?: readonly number[] } = {},
): SignInRelook {
  if (!observed) return { notSeenYet: false, lookAgainAt: null, reason: 'sign-ins cannot be read (no permission or licence)' };
  const since = reportedAt.getTime() - 60_000;
  const id = options.correlationId?.trim().toLowerCase();
  const seen = id
    ? observed.signIns.some((s) => s.correlationId.toLowerCase() === id || s.id.toLowerCase() === id)
    : observed.signIns.some((s) => s.errorCode !== 0 && Date.parse(s.createdDateTime) >= since);
  if (seen) return { notSeenYet: false, lookAgainAt: null, reason: id ? 'the sign-in with that Correlation ID is in the log' : 'a failed sign-in since the report is in the log' };
  const next = (options.relookMinutes ?? SIGN_IN_RELOOK_MINUTES)
    .map((m) => new Date(reportedAt.getTime() + m * 60_000))
    .find((t) => t.getTime() > now.getTime());
  return {
    notSeenYet: true,
    lookAgainAt: next ?? null,
    reason: next
      ? `${id ? 'the sign-in with that Correlation ID' : 'the reported failure'} is not in the log yet; sign-ins take minutes to arrive`
      : `${id ? 'the sign-in with that Correlation ID' : 'no failed sign-in'} reached the log in the ${Math.max(...(options.relookMinutes ?? SIGN_IN_RELOOK_MINUTES))} minutes after the report`,
  };
}
