// The engine: tenant facts + user facts + registration context → findings, workarounds, escalate.
// Pure: no I/O, no clock (the context carries "now").
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { applicability, phoneAttributes, type Applicability, type DeviceAttributes, type SignInEvent } from './applicability';
import { isTargeted, presentable, type Presentable } from './credentials';
import type { Evidence, GrantEvidence, ObservedPolicyEvidence, PolicyEvidence, ReportOnlyFailureEvidence, SignInRefEvidence } from './evidence';
import { MIN_OS_VERSION, MY_SIGN_INS_APP_ID, type ExemptionGroup, type RegistrationContext, type SignInFact, type TenantFacts, type UserFacts } from './facts';
import { evaluateGrant, type GrantResult } from './grant';
import { methodPolicyIssues } from './method-policy';
import { prepareTenant, prepareUser, type PreparedTenant, type PreparedUser } from './prepare';
import { checkRemedies } from './remedies';
import { FINDING_CODES, type Diagnosis, type Finding, type FindingCode } from './result';
import {
  agreementOf,
  relevantSignIns,
  targetsRegisterSecurityInfo,
  toObservedSignIn,
  type Observed,
  type SignInObservation,
} from './sign-ins';
import { SELF_SERVICE, workaroundsFor } from './workarounds';

const MIN_OS = MIN_OS_VERSION;

/** One CA policy that stops (or may stop) one of the two sign-in events. */
export interface PolicyBlock {
  policy: ConditionalAccessPolicy;
  event: SignInEvent;
  code: FindingCode;
  blocking: boolean;
  grant: GrantResult;
  evidence: PolicyEvidence | ObservedPolicyEvidence | ReportOnlyFailureEvidence;
  /** Set when a sign-in showed the policy applying (it failed there). */
  observed?: ObservedApplication;
}

/** Conditional Access What If's answer for one event: policy id → applies, and why not. */
export type WhatIfVerdicts = Map<string, { applies: boolean; reason: string }>;

/**
 * A policy a sign-in showed applying to the user (its result was `failure`): its conditions held
 * for that sign-in, whatever the prediction said. A remedy's re-diagnosis keeps this (the user is
 * still where they were) for the policies the remedy cannot affect.
 */
export interface ObservedApplication {
  policy: ConditionalAccessPolicy;
  event: SignInEvent;
  /** The failed sign-ins, newest first. */
  signIns: SignInFact[];
  /** The engine thought the user could satisfy the grant, yet the sign-in failed: it stays blocking. */
  unexplained: boolean;
}

/**
 * What If's `analysisReasons` (Graph v1.0 `whatIfAnalysisReasons`) that are final: the condition
 * was evaluated from what the request said (the user, the app or user action, the platform, the
 * client app) or the policy itself. Any other reason — `location`, `devices`, `signInRisk`,
 * `userRisk`, `insiderRisk`, `authenticationFlow`, `notEnoughInformation`, or a member added later
 * — names a condition the bot did not supply: the policy may apply.
 */
export const FINAL_WHAT_IF_REASONS: ReadonlySet<string> = new Set([
  'users',
  'workloadIdentities',
  'application',
  'userActions',
  'authenticationContext',
  'devicePlatform',
  'clientApps',
  'time',
  'emptyPolicy',
  'invalidPolicy',
  'invalidCondition',
  'policyNotEnabled',
]);

/** The reasons of one What If verdict ("location", or a comma-separated list). */
export function whatIfReasons(reason: string): string[] {
  return reason
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
}

/** True when What If's "not applied" rests only on conditions the bot did not give it. */
export function isUnsuppliedWhatIfVerdict(verdict: { applies: boolean; reason: string }): boolean {
  if (verdict.applies) return false;
  const reasons = whatIfReasons(verdict.reason);
  return reasons.length === 0 || reasons.every((r) => !FINAL_WHAT_IF_REASONS.has(r));
}

export interface DiagnoseOptions {
  /** Microsoft's verdicts on which policies apply; they replace the local evaluator's. */
  whatIf?: Partial<Record<SignInEvent, WhatIfVerdicts>>;
  /** Why What If was not used (refused, failed, timed out): said in the evidence. */
  whatIfUnavailable?: string;
  /** The help desk's exemption group: with it, the `temporary-exemption` remedy is checked. */
  exemptionGroup?: ExemptionGroup;
  /**
   * The user's sign-ins (and the Correlation ID they pasted), when the sign-in log can be read;
   * the diagnosis then has `observed`. Absent: no permission or licence, or none read.
   */
  signIns?: SignInObservation;
  /** Policies sign-ins showed applying, carried into a remedy's re-diagnosis (see remedies.ts). */
  observedApplications?: ObservedApplication[];
}

/** One diagnosis before remedies, with the CA policy blocks behind it (for the remedy checks). */
export interface Evaluation {
  diagnosis: Diagnosis;
  blocks: PolicyBlock[];
  /** The policies the sign-ins showed applying (empty without sign-ins). */
  observedApplications: ObservedApplication[];
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
  const add = (code: FindingCode, blocking: boolean, evidence: Evidence[], policies: ConditionalAccessPolicy[] = [], config?: [string, string]) =>
    findings.push({
      code,
      blocking,
      policies: config ? [{ id: config[0], name: config[1] }] : policies.map((x) => ({ id: x.id ?? '', name: x.displayName ?? x.id ?? '' })),
      evidence,
    });

  // Conditional Access, both events. One finding per code, listing every policy behind it.
  // The phone's attributes for filters for devices come from the user's managed devices.
  const device = phoneAttributes(userFacts.managedDevices, context.platform);
  const predicted = conditionalAccessBlocks(tenant, user, context, p, options, device);
  // What the sign-ins show: failed policies block (whatever the prediction said), report-only
  // failures are mentioned.
  let observed: Observed | undefined;
  let observedApplications = options.observedApplications ?? [];
  let reportOnly: { policy: ConditionalAccessPolicy; signIns: SignInFact[] }[] = [];
  if (options.signIns) {
    const policiesById = new Map(tenant.facts.conditionalAccessPolicies.map((x) => [x.id ?? '', x]));
    const relevant = relevantSignIns(options.signIns.signIns, context.at, policiesById, options.signIns.correlationId, options.signIns.since);
    const predictedBlocking = new Set(predicted.filter((b) => b.blocking).map((b) => b.policy.id ?? ''));
    observed = { signIns: relevant.map(toObservedSignIn), agreement: agreementOf(predictedBlocking, relevant) };
    observedApplications = observedFailures(relevant, policiesById, tenant, p);
    reportOnly = reportOnlyFailures(relevant, policiesById);
  }
  const blocks = withObservations(predicted, observedApplications, reportOnly, tenant, context, p, options.signIns !== undefined);
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
    const tap: Evidence = { kind: 'tap', state: p.tap.state, start: iso(p.tap.start), end: iso(p.tap.end), at: context.at.toISOString() };
    add(code, tapWouldHelp, [tap], [], [tapId, 'Temporary Access Pass settings']);
  }
  if (tapWouldHelp && !tapTargeted && !user.isGuest) {
    const reason = tenant.tap?.state === 'enabled' ? { notTargeted: user.upn } : 'disabled';
    add('tap-method-disabled', true, [{ kind: 'tap-method', reason }], [], [tapId, 'Temporary Access Pass settings']);
  }
  if (user.isGuest && (tapWouldHelp || blockingCa.length > 0)) {
    add('tap-unavailable-for-guest', false, [{ kind: 'guest', upn: user.upn }]);
  }

  // Device-side causes.
  if (context.platform === 'android' && context.androidProfile && context.passkeyProfile && context.androidProfile !== context.passkeyProfile) {
    add('android-profile-mismatch', true, [{ kind: 'android-profile', passkeyProfile: context.passkeyProfile, androidProfile: context.androidProfile }]);
  }
  if (context.crossDevice && context.bluetoothRestricted) {
    add('bluetooth-restricted', true, [{ kind: 'bluetooth' }]);
  }
  if (context.osVersion !== undefined && context.osVersion < MIN_OS[context.platform]) {
    add('os-version-unsupported', true, [{ kind: 'os-version', platform: context.platform, osVersion: context.osVersion }]);
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
    ...(observed ? { observed } : {}),
    escalate,
  };
  return { diagnosis, blocks, observedApplications };
}

/**
 * Applicability when What If answered for the policy. What If is the authority on the conditions
 * it evaluated; a "not applied" whose reasons are conditions the bot did not supply (location,
 * risk, device, authentication flow) is not final: the engine decides those conditions from the
 * tenant's facts where it can (the managed phone for a device filter, a known location), and
 * otherwise the policy may apply, with the condition named.
 */
function withWhatIf(local: Applicability, verdict: { applies: boolean; reason: string } | undefined, context: RegistrationContext): Applicability & { whatIf?: PolicyEvidence['whatIf'] } {
  if (!verdict) return local;
  const matchedOnly = local.conditions?.filter((c) => c.verdict === 'match');
  if (verdict.applies) return { ...local, applies: true, unknowns: [], conditions: matchedOnly };
  if (!isUnsuppliedWhatIfVerdict(verdict)) return { ...local, applies: false, unknowns: [], conditions: matchedOnly };
  const reasons = whatIfReasons(verdict.reason);
  const locationKnown = context.trustedLocation !== undefined || context.namedLocationIds !== undefined;
  // Conditions the engine decides itself from facts What If was not given.
  const decidedLocally = (r: string) => r === 'devices' || (r === 'location' && locationKnown);
  const LOCAL_CONDITIONS = ['location', 'devices', 'signInRisk', 'userRisk', 'insiderRisk', 'authenticationFlow'];
  if (local.applies === false && local.notMet && LOCAL_CONDITIONS.includes(local.notMet)) return local;
  if (local.applies === true && reasons.length > 0 && reasons.every(decidedLocally)) return local;
  const unknowns = [...(local.applies === 'unknown' ? local.unknowns : [])];
  const conditions = local.applies === 'unknown' ? local.conditions : matchedOnly;
  return { ...local, applies: 'unknown', unknowns, conditions, whatIf: { condition: 'what-if', analysisReasons: verdict.reason, reasons } };
}

function conditionalAccessBlocks(
  tenant: PreparedTenant,
  user: PreparedUser,
  context: RegistrationContext,
  p: Presentable,
  options: DiagnoseOptions,
  device: DeviceAttributes,
): PolicyBlock[] {
  const out: PolicyBlock[] = [];
  for (const event of ['authenticator-sign-in', 'register-security-info'] as const) {
    const verdicts = options.whatIf?.[event];
    const source: PolicyEvidence['source'] = verdicts ? 'what-if' : options.whatIfUnavailable ? { unavailable: options.whatIfUnavailable } : 'local';
    for (const policy of tenant.policies) {
      const local = applicability(policy, event, tenant, user, context, device);
      // What If is the authority on applicability where it answered; the engine decides the grant.
      const a = withWhatIf(local, verdicts?.get(policy.id ?? ''), context);
      if (a.applies === false) continue;
      const grant = evaluateGrant(policy, tenant, p);
      if (grant.satisfied === true) continue;
      const reportOnly = policy.state === 'enabledForReportingButNotEnforced';
      const certain = a.applies === true && grant.satisfied === false;
      const code = classify(event, grant);
      const evidence: PolicyEvidence = {
        kind: 'policy',
        policy: { id: policy.id ?? '', name: `${policy.displayName}` },
        state: reportOnly ? 'report-only' : 'enabled',
        event,
        platform: context.platform,
        verdict: a.applies === true ? 'applies' : 'may-apply',
        conditions: a.conditions ?? [],
        ...(a.whatIf ? { whatIf: a.whatIf } : {}),
        grant: grantEvidence(grant),
        source,
      };
      out.push({ policy, event, code, blocking: certain && !reportOnly, grant, evidence });
    }
  }
  return out;
}

/** The sign-in event an observed policy stands for. */
function observedEvent(policy: ConditionalAccessPolicy, signIn: SignInFact): SignInEvent {
  if (targetsRegisterSecurityInfo(policy)) return 'register-security-info';
  if (policy.conditions?.applications) return 'authenticator-sign-in';
  return (signIn.appId ?? '').toLowerCase() === MY_SIGN_INS_APP_ID ? 'register-security-info' : 'authenticator-sign-in';
}

/** Groups the policies by id with the sign-ins where their result was `result`, newest first. */
function policiesWithResult(
  relevant: readonly SignInFact[],
  policiesById: ReadonlyMap<string, ConditionalAccessPolicy>,
  result: string,
): { policy: ConditionalAccessPolicy; signIns: SignInFact[] }[] {
  const byId = new Map<string, { policy: ConditionalAccessPolicy; signIns: SignInFact[] }>();
  for (const s of relevant) {
    if (s.errorCode === 0) continue;
    for (const applied of s.policies) {
      if (applied.result !== result || !applied.id) continue;
      // A policy deleted since the sign-in is known only by what the sign-in says of it.
      const policy = policiesById.get(applied.id) ?? { id: applied.id, displayName: applied.displayName ?? applied.id, state: 'enabled' as const };
      const entry = byId.get(applied.id) ?? { policy, signIns: [] };
      if (!entry.signIns.includes(s)) entry.signIns.push(s);
      byId.set(applied.id, entry);
    }
  }
  return [...byId.values()];
}

function observedFailures(
  relevant: readonly SignInFact[],
  policiesById: ReadonlyMap<string, ConditionalAccessPolicy>,
  tenant: PreparedTenant,
  p: Presentable,
): ObservedApplication[] {
  return policiesWithResult(relevant, policiesById, 'failure').map(({ policy, signIns }) => ({
    policy,
    event: observedEvent(policy, signIns[0]),
    signIns,
    unexplained: evaluateGrant(policy, tenant, p).satisfied === true,
  }));
}

function reportOnlyFailures(relevant: readonly SignInFact[], policiesById: ReadonlyMap<string, ConditionalAccessPolicy>): { policy: ConditionalAccessPolicy; signIns: SignInFact[] }[] {
  return policiesWithResult(relevant, policiesById, 'reportOnlyFailure');
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A grant as evidence: its controls, how they combine, and what fails with why. */
function grantEvidence(grant: GrantResult): GrantEvidence {
  return {
    operator: grant.operator,
    satisfied: grant.satisfied,
    controls: grant.controls.map((c) => ({ kind: c.kind, label: c.label, ref: c.ref })),
    failing: grant.failing.map((c) => ({ kind: c.kind, label: c.label, why: c.why, ref: c.ref, ...(c.fact ? { fact: c.fact } : {}) })),
  };
}

/** A sign-in as evidence names it. */
function signInRefOf(s: SignInFact): SignInRefEvidence {
  return {
    id: s.id,
    ...(s.correlationId ? { correlationId: s.correlationId } : {}),
    createdDateTime: s.createdDateTime,
    ...(s.appId ? { appId: s.appId } : {}),
    ...(s.appDisplayName ? { appDisplayName: s.appDisplayName } : {}),
    errorCode: s.errorCode,
  };
}

/**
 * The predicted blocks with what the sign-ins show: a policy that failed in a sign-in applies,
 * so it blocks unless the user can now satisfy its grant (in the diagnosis the sign-ins come from,
 * it blocks: the failure is a fact; after a remedy, the grant decides); a report-only failure is
 * mentioned, not blocking.
 */
function withObservations(
  predicted: PolicyBlock[],
  applications: readonly ObservedApplication[],
  reportOnly: readonly { policy: ConditionalAccessPolicy; signIns: SignInFact[] }[],
  tenant: PreparedTenant,
  context: RegistrationContext,
  p: Presentable,
  fromSignIns: boolean,
): PolicyBlock[] {
  if (applications.length === 0 && reportOnly.length === 0) return predicted;
  const observedIds = new Set(applications.map((o) => o.policy.id ?? ''));
  const out = predicted.filter((b) => !observedIds.has(b.policy.id ?? ''));
  for (const o of applications) {
    const before = predicted.filter((b) => b.policy.id === o.policy.id);
    const grant = evaluateGrant(o.policy, tenant, p);
    const name = o.policy.displayName ?? o.policy.id ?? 'a policy';
    const state = o.policy.state ?? 'enabled';
    const enforced = state === 'enabled';
    const blocking = enforced && (grant.satisfied !== true || o.unexplained);
    if (!blocking && !fromSignIns) continue;
    const [latest, ...earlier] = o.signIns;
    const evidence: ObservedPolicyEvidence = {
      kind: 'observed-policy',
      policy: { id: o.policy.id ?? '', name },
      state: state === 'enabled' ? 'enabled' : state === 'disabled' ? 'disabled' : 'report-only',
      event: o.event,
      platform: context.platform,
      signIn: signInRefOf(latest),
      earlier: earlier.length,
      grant: grantEvidence(grant),
      unexplained: o.unexplained,
      ...(fromSignIns ? { predicted: before.map((b) => b.evidence).filter((e): e is PolicyEvidence => e.kind === 'policy') } : {}),
    };
    out.push({ policy: o.policy, event: o.event, code: classify(o.event, grant), blocking, grant, evidence, observed: o });
  }
  for (const r of reportOnly) {
    const [latest] = r.signIns;
    const signIn = signInRefOf(latest);
    const existing = out.findIndex((b) => b.policy.id === r.policy.id);
    if (existing >= 0) {
      const before = out[existing].evidence;
      // A policy is a report-only failure once per sign-in history: the note joins its evidence.
      if (before.kind !== 'report-only-failure') out[existing] = { ...out[existing], evidence: { ...before, reportOnlyFailure: signIn } };
      continue;
    }
    const event = observedEvent(r.policy, latest);
    const grant = evaluateGrant(r.policy, tenant, p);
    const evidence: ReportOnlyFailureEvidence = { kind: 'report-only-failure', policy: { id: r.policy.id ?? '', name: r.policy.displayName ?? r.policy.id ?? '' }, signIn };
    out.push({ policy: r.policy, event, code: classify(event, grant), blocking: false, grant, evidence });
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
  const device = phoneAttributes(userFacts.managedDevices, context.platform);
  for (const [event, verdicts] of Object.entries(whatIf) as [SignInEvent, WhatIfVerdicts][]) {
    for (const policy of tenant.policies) {
      const verdict = verdicts.get(policy.id ?? '');
      // A "not applied" for a condition the bot did not supply is not a disagreement.
      if (!verdict || isUnsuppliedWhatIfVerdict(verdict)) continue;
      const local = applicability(policy, event, tenant, user, context, device);
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

function nothingFound(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext, p: Presentable): Evidence[] {
  const evidence: Evidence[] = [
    { kind: 'nothing-found', checked: 'conditional-access', policies: tenant.policies.length, platform: context.platform, upn: user.upn },
    { kind: 'nothing-found', checked: 'passkey-settings' },
    { kind: 'nothing-found', checked: 'registered-methods', methods: p.methodLabels, ...(p.methods ? { methodFacts: p.methods } : {}) },
  ];
  if (p.tap.state === 'valid') evidence.push({ kind: 'nothing-found', checked: 'tap-valid', until: iso(p.tap.end) });
  return evidence;
}
