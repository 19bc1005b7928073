// The engine: tenant facts + user facts + registration context → findings, workarounds, escalate.
// Pure: no I/O, no clock (the context carries "now").
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { applicability, EVENT_LABEL, type SignInEvent } from './applicability';
import { fmt, isTargeted, presentable, type Presentable } from './credentials';
import { MIN_OS_VERSION, type ExemptionGroup, type RegistrationContext, type TenantFacts, type UserFacts } from './facts';
import { evaluateGrant, type GrantResult } from './grant';
import { methodPolicyIssues } from './method-policy';
import { prepareTenant, prepareUser, type PreparedTenant, type PreparedUser } from './prepare';
import { checkRemedies } from './remedies';
import { FINDING_CODES, type Diagnosis, type Finding, type FindingCode } from './result';
import { SELF_SERVICE, workaroundsFor } from './workarounds';

const MIN_OS = MIN_OS_VERSION;

/** One CA policy that stops (or may stop) one of the two sign-in events. */
export interface PolicyBlock {
  policy: ConditionalAccessPolicy;
  event: SignInEvent;
  code: FindingCode;
  blocking: boolean;
  grant: GrantResult;
  evidence: string;
}

/** Conditional Access What If's answer for one event: policy id → applies, and why not. */
export type WhatIfVerdicts = Map<string, { applies: boolean; reason: string }>;

export interface DiagnoseOptions {
  /** Microsoft's verdicts on which policies apply; they replace the local evaluator's. */
  whatIf?: Partial<Record<SignInEvent, WhatIfVerdicts>>;
  /** Why What If was not used (refused, failed, timed out): said in the evidence. */
  whatIfUnavailable?: string;
  /** The help desk's exemption group: with it, the `temporary-exemption` remedy is checked. */
  exemptionGroup?: ExemptionGroup;
}

/** One diagnosis before remedies, with the CA policy blocks behind it (for the remedy checks). */
export interface Evaluation {
  diagnosis: Diagnosis;
  blocks: PolicyBlock[];
}

/**
 * Diagnoses, then checks each remedy that fits by applying it to the facts and diagnosing again
 * at the same time (see remedies.ts). Pure: facts in, findings out.
 */
export function diagnose(tenantFacts: TenantFacts, userFacts: UserFacts, context: RegistrationContext, options: DiagnoseOptions = {}): Diagnosis {
  const evaluation = evaluate(tenantFacts, userFacts, context, options);
  evaluation.diagnosis.remedies = checkRemedies(evaluation, { tenantFacts, userFacts, context, options }, evaluate);
  return evaluation.diagnosis;
}

/** The diagnosis without remedies (remedies re-diagnose through this). */
export function evaluate(tenantFacts: TenantFacts, userFacts: UserFacts, context: RegistrationContext, options: DiagnoseOptions = {}): Evaluation {
  const tenant = prepareTenant(tenantFacts);
  const user = prepareUser(userFacts);
  const p = presentable(tenant, user, context);
  const findings: Finding[] = [];
  // Policies are CA policies, or one method configuration given as [id, readable name].
  const add = (code: FindingCode, blocking: boolean, evidence: string[], policies: ConditionalAccessPolicy[] = [], config?: [string, string]) =>
    findings.push({
      code,
      blocking,
      policyIds: config ? [config[0]] : policies.map((x) => x.id ?? ''),
      policyNames: config ? [config[1]] : policies.map((x) => x.displayName ?? x.id ?? ''),
      evidence,
    });

  // Conditional Access, both events. One finding per code, listing every policy behind it.
  const blocks = conditionalAccessBlocks(tenant, user, context, p, options);
  const grouped = new Map<string, PolicyBlock[]>();
  for (const b of blocks) {
    const key = `${b.code}|${b.blocking}`;
    grouped.set(key, [...(grouped.get(key) ?? []), b]);
  }
  for (const group of grouped.values()) {
    add(group[0].code, group[0].blocking, group.map((b) => b.evidence), group.map((b) => b.policy));
  }
  const blockingCa = blocks.filter((b) => b.blocking);

  // The authentication methods policy.
  const fido2Id = tenant.fido2?.id ?? 'Fido2';
  for (const issue of methodPolicyIssues(tenant, user, context)) add(issue.code, true, [issue.evidence], [], [fido2Id, 'Passkey (FIDO2) settings']);

  // Temporary Access Pass: when a valid TAP is the way out of a CA block, say what stands in its way.
  const tapWouldHelp = blockingCa.some((b) => b.grant.acceptsTap);
  const tapId = tenant.tap?.id ?? 'TemporaryAccessPass';
  const tapTargeted = isTargeted(tenant.tap, user);
  if (p.tap.state !== 'none' && p.tap.state !== 'valid') {
    const code = p.tap.state === 'used' ? 'tap-used' : p.tap.state === 'expired' ? 'tap-expired' : 'tap-not-yet-valid';
    const window = `${fmt(p.tap.start)} to ${fmt(p.tap.end)}`;
    const text =
      p.tap.state === 'used'
        ? `The one-time Temporary Access Pass (valid ${window}) has already been used.`
        : p.tap.state === 'expired'
          ? `The Temporary Access Pass was valid from ${window}; it is now ${fmt(context.at)}, so it has expired.`
          : `The Temporary Access Pass is valid from ${window}; it is now ${fmt(context.at)}, so it cannot be used yet.`;
    add(code, tapWouldHelp, [text], [], [tapId, 'Temporary Access Pass settings']);
  }
  if (tapWouldHelp && !tapTargeted && !user.isGuest) {
    const reason = tenant.tap?.state === 'enabled' ? `does not target ${user.upn}` : 'is disabled in the authentication methods policy';
    add('tap-method-disabled', true, [`A Temporary Access Pass would satisfy the blocking policy, but the Temporary Access Pass method ${reason}.`], [], [tapId, 'Temporary Access Pass settings']);
  }
  if (user.isGuest && (tapWouldHelp || blockingCa.length > 0)) {
    add('tap-unavailable-for-guest', false, [`${user.upn} is a guest (userType Guest): a Temporary Access Pass cannot be issued to a guest.`]);
  }

  // Device-side causes.
  if (context.platform === 'android' && context.androidProfile && context.passkeyProfile && context.androidProfile !== context.passkeyProfile) {
    add('android-profile-mismatch', true, [
      `The passkey was created in the ${context.passkeyProfile} Android profile and the user is now in the ${context.androidProfile} profile; a passkey can only be used from the profile where it is stored.`,
    ]);
  }
  if (context.crossDevice && context.bluetoothRestricted) {
    add('bluetooth-restricted', true, [
      'Cross-device sign-in with the phone\'s passkey (QR code + Bluetooth) needs Bluetooth, and the organisation restricts Bluetooth.',
    ]);
  }
  if (context.osVersion !== undefined && context.osVersion < MIN_OS[context.platform]) {
    add('os-version-unsupported', true, [
      `Passkeys in Microsoft Authenticator need ${context.platform === 'iOS' ? 'iOS 17' : 'Android 14'} or later; the phone runs ${context.platform} ${context.osVersion}.`,
    ]);
  }

  if (!findings.some((f) => f.blocking)) {
    add('no-blocker-found', false, nothingFound(tenant, user, context, p));
  }

  findings.sort((a, b) => Number(b.blocking) - Number(a.blocking) || FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code));
  const workarounds = workaroundsFor(findings, { tapAcceptedByBlockingPolicies: tapWouldHelp, tapIssuable: tapTargeted && !user.isGuest, blocks: blockingCa.map((b) => b.grant), tapValidNow: p.tap.state === 'valid' });
  // Escalate when some blocking finding has nothing the user can do alone (waiting for a TAP
  // that starts later counts as something they can do).
  const selfService = (code: string) => SELF_SERVICE.has(code as never) || (code === 'temporary-access-pass' && p.tap.state === 'not-yet-valid');
  const escalate =
    findings.some((f) => f.code === 'no-blocker-found') ||
    findings.some((f) => f.blocking && !workarounds.some((w) => w.finding === f.code && w.for === 'user' && selfService(w.code)));
  if (escalate && !workarounds.some((w) => w.code === 'contact-help-desk')) {
    workarounds.push({ code: 'contact-help-desk', for: 'user', finding: findings[0].code });
  }

  const diagnosis: Diagnosis = {
    user: { id: user.id, userPrincipalName: user.upn, displayName: userFacts.user.displayName ?? undefined },
    context: {
      platform: context.platform,
      ...(context.androidProfile ? { androidProfile: context.androidProfile } : {}),
      ...(context.passkeyProfile ? { passkeyProfile: context.passkeyProfile } : {}),
      ...(context.crossDevice ? { crossDevice: true } : {}),
      ...(context.bluetoothRestricted ? { bluetoothRestricted: true } : {}),
      ...(context.osVersion !== undefined ? { osVersion: context.osVersion } : {}),
      at: context.at.toISOString(),
    },
    findings,
    workarounds,
    remedies: [],
    escalate,
  };
  return { diagnosis, blocks };
}

function conditionalAccessBlocks(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext, p: Presentable, options: DiagnoseOptions): PolicyBlock[] {
  const out: PolicyBlock[] = [];
  for (const event of ['authenticator-sign-in', 'register-security-info'] as const) {
    const verdicts = options.whatIf?.[event];
    const source = verdicts ? ' (applicability: Conditional Access What If)' : options.whatIfUnavailable ? ` (evaluated locally: ${options.whatIfUnavailable})` : '';
    for (const policy of tenant.policies) {
      const local = applicability(policy, event, tenant, user, context);
      const verdict = verdicts?.get(policy.id ?? '');
      // What If is the authority on applicability where it answered; the engine decides the grant.
      const a = verdict ? { ...local, applies: verdict.applies, unknowns: verdict.applies ? [] : local.unknowns } : local;
      if (a.applies === false) continue;
      const grant = evaluateGrant(policy, tenant, p);
      if (grant.satisfied === true) continue;
      const reportOnly = policy.state === 'enabledForReportingButNotEnforced';
      const certain = a.applies === true && grant.satisfied === false;
      const code = classify(event, grant);
      const state = reportOnly ? 'report-only' : 'enabled';
      const why = grant.failing.map((c) => c.why);
      const evidence = [
        `"${policy.displayName}" (${state}) ${a.applies === true ? 'applies' : 'may apply'} to ${EVENT_LABEL[event]} on ${context.platform}: ${a.matched.join('; ')}`,
        a.unknowns.length ? `; it may apply because ${a.unknowns.join(' and ')}` : '',
        `; grant: ${grant.summary}`,
        `; ${[...new Set(why)].join('; ')}`,
        reportOnly ? ' — report-only, so it would block but does not' : '',
        grant.satisfied === 'unknown' ? ' — whether the user can satisfy it is unknown' : '',
        source,
        '.',
      ].join('');
      out.push({ policy, event, code, blocking: certain && !reportOnly, grant, evidence });
    }
  }
  return out;
}

/** Where the local evaluator and What If disagree on applicability (a bug report about ours). */
export function whatIfDisagreements(
  tenantFacts: TenantFacts,
  userFacts: UserFacts,
  context: RegistrationContext,
  whatIf: Partial<Record<SignInEvent, WhatIfVerdicts>>,
): { policyId: string; policyName: string; event: SignInEvent; whatIf: string; local: string }[] {
  const tenant = prepareTenant(tenantFacts);
  const user = prepareUser(userFacts);
  const out: ReturnType<typeof whatIfDisagreements> = [];
  for (const [event, verdicts] of Object.entries(whatIf) as [SignInEvent, WhatIfVerdicts][]) {
    for (const policy of tenant.policies) {
      const verdict = verdicts.get(policy.id ?? '');
      if (!verdict) continue;
      const local = applicability(policy, event, tenant, user, context);
      if (local.applies === 'unknown' || local.applies === verdict.applies) continue;
      out.push({
        policyId: policy.id ?? '',
        policyName: policy.displayName ?? '',
        event,
        whatIf: verdict.applies ? 'applies' : `does not apply (${verdict.reason})`,
        local: local.applies ? `applies: ${local.matched.join('; ')}` : 'does not apply',
      });
    }
  }
  return out;
}

function classify(event: SignInEvent, grant: GrantResult): FindingCode {
  if (event === 'register-security-info') return 'ca-register-security-info';
  const failing = new Set(grant.failing.map((c) => c.kind));
  if (failing.has('appProtection')) return 'ca-approved-client-app';
  if (failing.has('block')) return 'ca-other-conditions';
  if (failing.has('strength')) return 'ca-auth-strength-loop';
  return 'ca-other-conditions';
}

function nothingFound(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext, p: Presentable): string[] {
  const evidence = [
    `Checked ${tenant.policies.length} enabled or report-only Conditional Access ${tenant.policies.length === 1 ? 'policy' : 'policies'} against ${EVENT_LABEL['authenticator-sign-in']} and ${EVENT_LABEL['register-security-info']} on ${context.platform}: none blocks ${user.upn}.`,
    'Checked the passkey (FIDO2) settings: passkeys in Microsoft Authenticator are allowed for this user.',
    `Registered methods: ${p.methodLabels.join(', ') || 'none'}.`,
  ];
  if (p.tap.state === 'valid') {
    evidence.push(`The Temporary Access Pass is valid until ${fmt(p.tap.end)}: sign in to Authenticator with it and add the passkey.`);
  }
  return evidence;
}
