// What actually happened: the passkey-registration attempts in the snapshot's sign-in log (GET
// /auditLogs/signIns, v1.0; AuditLog.Read.All and an Entra ID P1 licence) over the audit's window,
// per Conditional Access policy — the failed attempts it caused and the users who made them, and
// for a report-only policy the attempts it would have blocked (`reportOnlyFailure`): the impact an
// admin needs before enforcing it. Pure: the caller passes the time.
//
// A registration attempt is recognised as the diagnosis recognises one (relevantSignIns): a
// sign-in to Microsoft Authenticator or to My Sign-ins (the security-info registration flow), or
// one in which a policy on the "Register security information" user action failed (or, report-only,
// would have).
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { AUTHENTICATOR_APP_ID, MY_SIGN_INS_APP_ID, targetsRegisterSecurityInfo, type SignInFact } from '../diagnosis';
import { parseSignIn, type TenantSnapshot } from '../snapshot';
import type { FindingSignIns, PolicySignIns, SignInImpact } from './report';
import { caRef } from './util';

/** The audit counts the sign-ins of this many days before `at` unless told otherwise (--sign-in-days). */
export const DEFAULT_SIGN_IN_DAYS = 7;
/** Entra keeps sign-ins 30 days (P1/P2): a longer window cannot hold more. */
export const MAX_SIGN_IN_DAYS = 30;
const DAY_MS = 24 * 60 * 60_000;
const SAMPLE_USERS = 5;

/** Is this sign-in an attempt at passkey registration (Authenticator, or the security-info registration flow)? */
export function isRegistrationAttempt(s: SignInFact, policiesById: ReadonlyMap<string, ConditionalAccessPolicy>): boolean {
  const app = (s.appId ?? '').toLowerCase();
  return (
    app === AUTHENTICATOR_APP_ID ||
    app === MY_SIGN_INS_APP_ID ||
    s.policies.some((p) => (p.result === 'failure' || p.result === 'reportOnlyFailure') && targetsRegisterSecurityInfo(policiesById.get(p.id)))
  );
}

interface Tally {
  name: string;
  failed: number;
  failedUsers: Set<string>;
  reportOnly: number;
  reportOnlyUsers: Set<string>;
  errorCodes: Set<number>;
  last: number;
  samples: string[];
}

/**
 * The sign-in impact over the `days` days before `at` (both ends included). Without `signIns` in
 * the snapshot the log was not readable: `readable` false and nothing counted.
 */
export function signInImpact(snapshot: TenantSnapshot, at: Date, days = DEFAULT_SIGN_IN_DAYS): SignInImpact {
  const end = at.getTime();
  const start = end - days * DAY_MS;
  const window = { days, from: new Date(start).toISOString(), to: at.toISOString() };
  const empty = { registrationAttempts: 0, failedAttempts: 0, usersWithFailures: 0, policies: [] };
  if (!snapshot.signIns) return { readable: false, ...window, ...empty };

  const policiesById = new Map(snapshot.conditionalAccessPolicies.map((p) => [p.id, p as ConditionalAccessPolicy]));
  const upnById = new Map(snapshot.users.map((u) => [u.id.toLowerCase(), u.userPrincipalName ?? u.id]));
  const byPolicy = new Map<string, Tally>();
  const failingUsers = new Set<string>();
  let attempts = 0;
  let failed = 0;
  for (const raw of snapshot.signIns) {
    const t = Date.parse(raw.createdDateTime);
    if (!Number.isFinite(t) || t < start || t > end) continue;
    const s = parseSignIn(raw); // the conversion a sign-in read through Graph goes through
    if (!s) continue;
    if (!isRegistrationAttempt(s, policiesById)) continue;
    attempts++;
    const user = (s.userId ?? '').toLowerCase();
    const shown = upnById.get(user) ?? raw.userPrincipalName ?? s.userId ?? '';
    if (s.errorCode !== 0) {
      failed++;
      failingUsers.add(user);
    }
    for (const p of s.policies) {
      const blocked = p.result === 'failure' && s.errorCode !== 0;
      const wouldBlock = p.result === 'reportOnlyFailure';
      if (!blocked && !wouldBlock) continue;
      let e = byPolicy.get(p.id);
      if (!e) {
        e = { name: p.displayName ?? p.id, failed: 0, failedUsers: new Set(), reportOnly: 0, reportOnlyUsers: new Set(), errorCodes: new Set(), last: t, samples: [] };
        byPolicy.set(p.id, e);
      }
      if (blocked) {
        e.failed++;
        e.failedUsers.add(user);
        e.errorCodes.add(s.errorCode);
      } else {
        e.reportOnly++;
        e.reportOnlyUsers.add(user);
      }
      e.last = Math.max(e.last, t);
      if (e.samples.length < SAMPLE_USERS && !e.samples.includes(shown)) e.samples.push(shown);
    }
  }
  const policies: PolicySignIns[] = [...byPolicy].map(([id, e]) => {
    const known = policiesById.get(id);
    return {
      policy: known ? caRef(known) : { kind: 'conditionalAccess', id, name: e.name, state: 'missing' },
      failedAttempts: e.failed,
      failedUsers: e.failedUsers.size,
      reportOnlyFailures: e.reportOnly,
      reportOnlyUsers: e.reportOnlyUsers.size,
      errorCodes: [...e.errorCodes].sort((a, b) => a - b),
      lastAttempt: new Date(e.last).toISOString(),
      sampleUsers: [...e.samples].sort(),
    };
  });
  policies.sort(
    (a, b) => b.failedAttempts - a.failedAttempts || b.reportOnlyFailures - a.reportOnlyFailures || a.policy.name.localeCompare(b.policy.name) || a.policy.id.localeCompare(b.policy.id),
  );
  return { readable: true, ...window, registrationAttempts: attempts, failedAttempts: failed, usersWithFailures: failingUsers.size, policies };
}

/** A Conditional Access finding's numbers: its policy's entry, zeros when the log shows nothing of it. */
export function findingSignIns(impact: SignInImpact, policyId: string): FindingSignIns {
  const p = impact.policies.find((x) => x.policy.id === policyId);
  return {
    days: impact.days,
    failedAttempts: p?.failedAttempts ?? 0,
    failedUsers: p?.failedUsers ?? 0,
    reportOnlyFailures: p?.reportOnlyFailures ?? 0,
    reportOnlyUsers: p?.reportOnlyUsers ?? 0,
  };
}
