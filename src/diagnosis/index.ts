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
// Observed sign-ins: the contract's `observed`, and the bot's re-look for a failure not in the log yet.
export {
  SIGN_IN_RELOOK_MINUTES,
  SIGN_IN_WINDOW_MS,
  agreementOf,
  relevantSignIns,
  signInRelook,
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
export { BUILT_IN_STRENGTHS, withBuiltInStrengths } from './builtin-strengths';
