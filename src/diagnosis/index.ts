// The pure diagnosis core: facts in, findings out. Nothing here does I/O or imports an SDK.
export { diagnose, whatIfDisagreements, type DiagnoseOptions, type WhatIfVerdicts } from './diagnose';
export type { SignInEvent } from './applicability';
export * from './facts';
// Diagnosis, Finding, Workaround; Remedy (the contract's remedy fields plus `detail`, its
// structured form: RemedyDetail, RemainingBlocker, PolicyRef) and REMEDY_CODES.
export * from './result';
export { BUILT_IN_STRENGTHS, withBuiltInStrengths } from './builtin-strengths';
