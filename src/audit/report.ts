// The tenant audit's result: `npm run audit -- --format json` prints exactly this object.
//
// Stable JSON shape (schema "passkey-readiness-audit/1"; fields are only ever added):
//
// {
//   "schema": "passkey-readiness-audit/1",
//   "tenant": { "id": "GUID", "displayName": "Contoso" },
//   "at": "ISO time the TAP windows were read at",
//   "platforms": ["android", "iOS"],
//   "totals": {
//     "users": 12, "guests": 1, "withAuthenticatorPasskey": 4,
//     "policies": { "total": 8, "checked": 7, "reportOnly": 1, "disabledSkipped": 1 },
//     "usersBlocked": 7,        // blocked by at least one enforced finding that certainly applies (CA policy or method settings)
//     "usersNeedingTap": 2      // need a Temporary Access Pass (and can get one) for an enforced policy that certainly applies
//   },
//   "findings": [ {
//     "id": "registration-loop:GUID",              // unique: category:policyId, passkey-method:excluded:GROUP, passkey-method:profile:ID, tap-policy:guests, ...
//     "category": "registration-loop" | "approved-client-app" | "register-security-info" | "other-conditions"
//               | "tap-accepted" | "passkey-method" | "tap-policy",
//     "code": "ca-auth-strength-loop",             // the engine's finding code (docs/contracts/diagnosis.md)
//     "severity": "blocking" | "may-block" | "report-only" | "needs-tap" | "risk" | "latent" | "info",
//                 // blocking: blocks users now; may-block: would, if a condition the audit cannot see (risk,
//                 // location, device filter) holds; report-only: a report-only policy (counts say what it would do);
//                 // needs-tap: nobody blocked, some need a TAP; risk: TAP settings that can defeat registration;
//                 // latent: a problem with nobody blocked today; info: what it requires, nobody stopped
//     "title": "Registration loop",
//     "policy": { "kind": "conditionalAccess" | "authenticationMethod" | "passkeyProfile",
//                 "id": "GUID, Fido2, TemporaryAccessPass or a profile id", "name": "...", "state": "enabled" | "enabledForReportingButNotEnforced" | "disabled" | "missing" },
//     "requirement": "authentication strength \"Passkey in Microsoft Authenticator\" (passkey in Microsoft Authenticator)",
//     "scope": { "allUsers": false, "includes": ["group \"Passkey pilot\" (1 user)"], "excludes": ["group \"Passkey exemptions\" (0 users)"],
//                "resources": "All resources", "platforms": "any platform" },
//     "reach": { "users": 1, "applies": 1, "mayApply": 0, "withAuthenticatorPasskey": 0 },
//     "outcome": { "blocked": 1, "needTap": 0, "unknown": 0, "ok": 0, "withValidTap": 0 },   // worst case over the platforms
//     "byPlatform": { "android": { "applies": "yes" | "maybe" | "no", "blocked": 1, "needTap": 0, "unknown": 0, "ok": 0 }, "iOS": {...} },
//     "usersBlocked": 1,                           // = outcome.blocked; the chart draws one bar per finding with usersBlocked > 0
//     "usersAtRisk": 0,                            // risk findings: users the risk applies to
//     "evidence": ["readable facts"],
//     "sampleUsers": ["lena@contoso.com"],           // up to 5 affected users
//     "fixes": [ { "code": "split-mobile-desktop-policies", "for": "admin", "title": "...", "steps": ["..."] } ],
//     "proposal": {                                // registration loops only: the split design, ready to review
//       "replaces": {policy}, "users": { "includes": [...], "excludes": [...] },
//       "desktop": { "policy": {Graph body, report-only}, "strength": { "id" | null, "name", "description", "note"?, "create"? }, "result": "..." },
//       "mobile": { same }, "registerSecurityInfo": { "policy": {Graph body}, "existing": [{ id, name, state, requirement, acceptsTapAndAuthenticatorPasskey }] },
//       "tap": "...", "steps": ["numbered, readable"] }
//   } ],
//   "designs": [ { "desktop": {id,name,state} | null, "mobile": {id,name,state}, "groups": ["Passkey rollout wave 1"],
//                  "users": 3, "needTap": 2, "blocked": 1, "registerSecurityInfo": [...], "notes": ["..."] } ],
//   "noImpact": [ { "id": "GUID", "name": "...", "state": "enabled", "reason": "..." } ],
//   "signIns": {                                   // the sign-in log's registration attempts (added; absent in older reports)
//     "readable": true,                            // false: the snapshot has no signIns (AuditLog.Read.All + Entra ID P1); only days/from/to then
//     "days": 7, "from": "ISO", "to": "ISO (= at)",
//     "registrationAttempts": 5, "failedAttempts": 4, "usersWithFailures": 3,
//     "policies": [ { "policy": {id,name,state}, "failedAttempts": 2, "failedUsers": 1, "reportOnlyFailures": 0, "reportOnlyUsers": 0,
//                     "errorCodes": [53003], "lastAttempt": "ISO", "sampleUsers": ["lena@contoso.com"] } ]
//   }
// }
// Conditional Access findings carry their policy's numbers too (when readable):
//   "signIns": { "days": 7, "failedAttempts": 2, "failedUsers": 1, "reportOnlyFailures": 0, "reportOnlyUsers": 0 }
//
// Counting: a policy "reaches" a user when the engine's user conditions match (includes through
// nested groups and roles, exclusions win) and its other conditions apply to the Microsoft
// Authenticator sign-in (or the Register security information action) on a selected platform —
// a filter for devices decided, as the engine does, by that user's Intune-managed phone (no managed
// phone: every device attribute null); "applies" vs "mayApply" is the engine's true (on some
// platform) vs only 'unknown' (risk, location, a device attribute the tenant does not hold).
// Outcomes per reached user: ok (their registered methods or compliant phone satisfy the grant),
// needTap (only a Temporary Access Pass would, and the TAP policy lets them have one), blocked
// (nothing they can present would), unknown (a custom control the audit cannot judge).
import type { Audience, FindingCode, Platform, WorkaroundCode } from '../diagnosis';

export const AUDIT_SCHEMA = 'passkey-readiness-audit/1';

export type AuditCategory =
  | 'registration-loop'
  | 'approved-client-app'
  | 'register-security-info'
  | 'other-conditions'
  | 'tap-accepted'
  | 'passkey-method'
  | 'tap-policy';

export const CATEGORY_ORDER: readonly AuditCategory[] = [
  'registration-loop',
  'approved-client-app',
  'register-security-info',
  'other-conditions',
  'tap-accepted',
  'passkey-method',
  'tap-policy',
];

export const CATEGORY_TITLES: Record<AuditCategory, string> = {
  'registration-loop': 'Registration loop',
  'approved-client-app': 'Approved client app / app protection',
  'register-security-info': 'Register security info',
  'other-conditions': 'Other Conditional Access conditions',
  'tap-accepted': 'A Temporary Access Pass gets users through',
  'passkey-method': 'Passkey (FIDO2) method settings',
  'tap-policy': 'Temporary Access Pass policy',
};

export type Severity = 'blocking' | 'may-block' | 'report-only' | 'needs-tap' | 'risk' | 'latent' | 'info';
export const SEVERITY_ORDER: readonly Severity[] = ['blocking', 'may-block', 'report-only', 'needs-tap', 'risk', 'latent', 'info'];

export type AuditFixCode = WorkaroundCode | 'fix-tap-policy';

export interface AuditFix {
  code: AuditFixCode;
  for: Audience;
  title: string;
  steps: string[];
}

export interface PolicyRef {
  kind: 'conditionalAccess' | 'authenticationMethod' | 'passkeyProfile';
  id: string;
  name: string;
  state: string;
}

export interface OutcomeCounts {
  blocked: number;
  needTap: number;
  unknown: number;
  ok: number;
}

export interface PlatformOutcome extends OutcomeCounts {
  applies: 'yes' | 'maybe' | 'no';
}

export interface AuditFinding {
  id: string;
  category: AuditCategory;
  code: FindingCode;
  severity: Severity;
  title: string;
  policy: PolicyRef;
  requirement: string;
  scope: { allUsers: boolean; includes: string[]; excludes: string[]; resources?: string; platforms?: string };
  reach: { users: number; applies: number; mayApply: number; withAuthenticatorPasskey: number };
  outcome: OutcomeCounts & { withValidTap: number };
  byPlatform: Partial<Record<Platform, PlatformOutcome>>;
  usersBlocked: number;
  usersAtRisk: number;
  evidence: string[];
  /** Up to five affected users (blocked first, then those needing a TAP), by userPrincipalName. */
  sampleUsers: string[];
  fixes: AuditFix[];
  proposal?: SplitProposal;
  /** Conditional Access findings, when the snapshot holds sign-ins: what the log shows of this policy. */
  signIns?: FindingSignIns;
  /** What `title` names, as data (see FindingTitleData); not part of the JSON report. */
  [TITLE_DATA]?: FindingTitleData;
}

/**
 * What a finding's title says, as data, so a reader in another language gets it in their words
 * (the chat summary, src/audit/chat-summary.ts) while `title` stays the CLI and HTML report's
 * English. Kept under a symbol key: `JSON.stringify(report)` (npm run audit -- --format json)
 * does not print it, and a report read back from JSON simply has none.
 */
export const TITLE_DATA: unique symbol = Symbol('audit finding title data');

export type FindingTitleCode =
  | AuditCategory // Conditional Access findings: CATEGORY_TITLES
  | 'mobile-accepts-tap'
  | 'passkey-disabled'
  | 'passkey-excluded'
  | 'passkey-not-targeted'
  | 'passkey-self-service'
  | 'passkey-key-restrictions'
  | 'passkey-profile'
  | 'tap-disabled'
  | 'tap-guests'
  | 'tap-not-targeted'
  | 'tap-one-time-only'
  | 'tap-lifetime'
  | 'tap-one-time';

/** A target of an authentication method, as the tenant names it (wording.ts targetName says it in English). */
export type MethodTarget = { kind: 'allUsers' } | { kind: 'user'; name: string } | { kind: 'group'; name: string; users: number };

export interface FindingTitleData {
  code: FindingTitleCode;
  /** passkey-excluded: the excluded target. */
  target?: MethodTarget;
}

/**
 * What the sign-in log shows of one Conditional Access policy in the audit's window, counting
 * registration attempts only (sign-ins to Microsoft Authenticator or the security-info
 * registration flow).
 */
export interface PolicySignIns {
  /** The policy; state "missing" when the sign-ins name a policy the snapshot no longer has. */
  policy: PolicyRef;
  /** Failed attempts in which this policy's result was `failure`, and the distinct users who made them. */
  failedAttempts: number;
  failedUsers: number;
  /** Attempts in which this policy's result was `reportOnlyFailure` (it would have blocked them if enforced), and their distinct users. */
  reportOnlyFailures: number;
  reportOnlyUsers: number;
  /** The error codes of the failed attempts (53003 blocked by Conditional Access, ...), ascending. */
  errorCodes: number[];
  /** The newest of the attempts counted (ISO time). */
  lastAttempt: string;
  /** Up to five of the users counted, by userPrincipalName (or user id). */
  sampleUsers: string[];
}

/** A finding's policy in the sign-in log (the same numbers as its entry in `signIns.policies`, zeros when it has none). */
export interface FindingSignIns {
  days: number;
  failedAttempts: number;
  failedUsers: number;
  reportOnlyFailures: number;
  reportOnlyUsers: number;
}

/** The sign-in impact: what actually happened, beside what the policies predict. */
export interface SignInImpact {
  /** False when the snapshot has no `signIns` (reading them needs AuditLog.Read.All and an Entra ID P1 licence): nothing else is filled. */
  readable: boolean;
  /** The window: `days` days back from the audit's `at`. */
  days: number;
  from: string;
  to: string;
  /** Registration attempts in the window, the failed ones, and the distinct users with a failed one. */
  registrationAttempts: number;
  failedAttempts: number;
  usersWithFailures: number;
  /** Policies with a failure or a reportOnlyFailure in the window: most failed attempts first. */
  policies: PolicySignIns[];
}

/** A Conditional Access policy as Graph's POST /identity/conditionalAccess/policies takes it (trimmed to what matters). */
export interface ProposedPolicy {
  displayName: string;
  state: 'enabledForReportingButNotEnforced';
  conditions: {
    /** The current policy's user conditions, unchanged. */
    users: Record<string, unknown>;
    applications: { includeApplications: string[]; includeUserActions: string[] };
    platforms?: { includePlatforms: string[]; excludePlatforms: string[] };
    clientAppTypes: string[];
  };
  grantControls: { operator: 'OR'; builtInControls: string[]; authenticationStrength: { id: string } };
}

export interface StrengthChoice {
  /** An existing strength of the tenant that fits, or null when one has to be created. */
  id: string | null;
  name: string;
  description: string;
  /** Why this strength, when it is not the seed's default choice. */
  note?: string;
  /** When id is null: the authenticationStrengthPolicy to create (POST /policies/authenticationStrengthPolicies). */
  create?: { displayName: string; allowedCombinations: string[]; combinationConfigurations: { '@odata.type': string; appliesToCombinations: string[]; allowedAAGUIDs: string[] }[] };
}

/** The seed page's two-policy design, filled in for one looping policy, ready for an admin to review. */
export interface SplitProposal {
  replaces: PolicyRef;
  users: { includes: string[]; excludes: string[] };
  desktop: { policy: ProposedPolicy; strength: StrengthChoice; result: string };
  mobile: { policy: ProposedPolicy; strength: StrengthChoice; result: string };
  registerSecurityInfo: {
    policy: ProposedPolicy;
    /** Register security info policies that already reach these users, and whether they match the mobile strength. */
    existing: { id: string; name: string; state: string; requirement: string; acceptsTapAndAuthenticatorPasskey: boolean }[];
  };
  tap: string;
  /**
   * The split design the tenant already has (its first enforced one), when it has one: the
   * proposal then extends it to these users rather than presenting the design as new.
   */
  existing?: { mobile: PolicyRef; mobileRequirement: string; desktop: PolicyRef | null; sameStrengths: boolean };
  /** The whole design as numbered steps an admin can read top to bottom. */
  steps: string[];
}

export interface SplitDesign {
  desktop: PolicyRef | null;
  mobile: PolicyRef;
  groups: string[];
  users: number;
  needTap: number;
  blocked: number;
  registerSecurityInfo: { id: string; name: string; requirement: string; acceptsTapAndAuthenticatorPasskey: boolean }[];
  notes: string[];
}

export interface AuditReport {
  schema: typeof AUDIT_SCHEMA;
  tenant: { id: string; displayName?: string };
  at: string;
  platforms: Platform[];
  totals: {
    users: number;
    guests: number;
    withAuthenticatorPasskey: number;
    policies: { total: number; checked: number; reportOnly: number; disabledSkipped: number };
    usersBlocked: number;
    usersNeedingTap: number;
  };
  findings: AuditFinding[];
  designs: SplitDesign[];
  noImpact: { id: string; name: string; state: string; reason: string }[];
  /** What the sign-in log shows (always set by auditTenant; optional for reports written before it existed). */
  signIns?: SignInImpact;
}
