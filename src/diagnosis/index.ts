// The pure diagnosis core: facts in, findings out. Nothing here does I/O or imports an SDK.
export {
  diagnose,
  whatIfDisagreements,
  isUnsuppliedWhatIfVerdict,
  FINAL_WHAT_IF_REASONS,
  type DiagnoseOptions,
  type ObservedApplication,
  type WhatIfVerdicts,
} from './diagnose';
export type { SignInEvent } from './applicability';
// Filters for devices: the phone's attributes from the user's Intune-managed devices, and the rule
// parser (which attributes a rule reads), for callers that decide them for many users at once.
export { applicability, phoneAttributes, type Applicability, type ConditionName, type DeviceAttributes } from './applicability';
export { parseRule, FilterRuleError, type AttributeLookup } from './filter-rule';
// Observed sign-ins: the contract's `observed`, and the bot's re-look for a failure not in the log yet.
export {
  SIGN_IN_RELOOK_MINUTES,
  SIGN_IN_WINDOW_MS,
  agreementOf,
  relevantSignIns,
  signInRelook,
  targetsRegisterSecurityInfo,
  type Agreement,
  type Observed,
  type ObservedSignIn,
  type SignInObservation,
  type SignInRelook,
} from './sign-ins';
export * from './facts';
// Diagnosis, Finding, Workaround; Remedy (the contract's remedy fields plus `detail`, its
// structured form: RemedyDetail, RemainingBlocker, PolicyRef) and REMEDY_CODES.
export * from './result';
// The evidence of a finding as data (the card layer words it).
export type * from './evidence';
export { upgradeStoredDiagnosis } from './evidence';
export { upgradeStoredRemedies } from './stored-remedies';
export { BUILT_IN_STRENGTHS, withBuiltInStrengths } from './builtin-strengths';
// The engine's steps, for callers that answer for many users at once (the tenant audit): the
// tenant and users prepared once, what a user can present, a grant, the passkey method settings,
// and the guide's split design.
export { prepareTenant, prepareUser, roleName, type PreparedTenant, type PreparedUser } from './prepare';
export { isTargeted, presentable, tapStatus, type Presentable } from './credentials';
export { evaluateGrant, describeStrength, strengthDescription, type ControlKind, type GrantControlRef, type GrantResult, type StrengthDescription, type StrengthPart } from './grant';
export type { Tri } from './filter-rule';
export { methodPolicyIssues, type MethodIssue } from './method-policy';
export { acceptsTapAndPasskey, isDesktopOnly, isMobileOnly, isSplitMobilePolicy, sameUsers, splitDesigns } from './split-design';
