// The pure diagnosis core: facts in, findings out. Nothing here does I/O or imports an SDK.
export { diagnose } from './diagnose';
export * from './facts';
export * from './result';
export { BUILT_IN_STRENGTHS, withBuiltInStrengths } from './builtin-strengths';
