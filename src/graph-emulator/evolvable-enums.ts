// Evolvable enums, as Graph serves them: an enum's members listed after its `unknownFutureValue`
// sentinel were added later, and Graph sends them only to a client that asks with
// `Prefer: include-unknown-enum-members`; to any other client it sends `unknownFutureValue` instead
// (Graph best practices, "Handling future members in evolvable enumerations": https://learn.microsoft.com/graph/best-practices-concept).
// The emulator does the same for every response, a $batch inner response by its own request's headers.

/** The preference that asks Graph for evolvable enums' newer members. */
export const INCLUDE_UNKNOWN_ENUM_MEMBERS = 'include-unknown-enum-members';

/**
 * The members after `unknownFutureValue` of each v1.0 enum the emulator serves (from the trimmed
 * CSDL, test/fixtures/graph-csdl/; test/graph-emulator/evolvable-enums.test.ts keeps this in step).
 */
export const NEWER_ENUM_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  appliedConditionalAccessPolicyResult: ['reportOnlySuccess', 'reportOnlyFailure', 'reportOnlyNotApplied', 'reportOnlyInterrupted'],
  authenticationMethodModes: ['qrCodePin'],
  conditionalAccessDevicePlatform: ['linux'],
  conditionalAccessGrantControl: ['riskRemediation'],
  riskDetail: [
    'm365DAdminDismissedDetection',
    'adminConfirmedServicePrincipalCompromised',
    'adminDismissedAllRiskForServicePrincipal',
    'userChangedPasswordOnPremises',
    'adminDismissedRiskForSignIn',
    'adminConfirmedAccountSafe',
    'microsoftRevokedSessions',
  ],
  x509CertificateRuleType: ['issuerSubjectAndPolicyOID'],
};

/**
 * Property name -> the evolvable enum it holds, for every property of a served type whose type is
 * one of NEWER_ENUM_MEMBERS' enums (or a collection of one). Each name means the same enum on every
 * type that has it, so the names alone say what to replace.
 */
export const EVOLVABLE_ENUM_PROPERTIES: Readonly<Record<string, string>> = {
  result: 'appliedConditionalAccessPolicyResult', // appliedConditionalAccessPolicy, applicationEnforcedRestrictionsSessionControl
  allowedCombinations: 'authenticationMethodModes', // authenticationStrengthPolicy
  appliesToCombinations: 'authenticationMethodModes', // authenticationCombinationConfiguration
  includePlatforms: 'conditionalAccessDevicePlatform', // conditionalAccessPlatforms
  excludePlatforms: 'conditionalAccessDevicePlatform',
  builtInControls: 'conditionalAccessGrantControl', // conditionalAccessGrantControls
  riskDetail: 'riskDetail', // signIn
  x509CertificateRuleType: 'x509CertificateRuleType', // x509CertificateRule
};

const NEWER = new Map(Object.entries(EVOLVABLE_ENUM_PROPERTIES).map(([property, enumName]) => [property, new Set(NEWER_ENUM_MEMBERS[enumName])]));

/** Whether a request's Prefer header (comma-separated preferences, any case) asks for the newer members. */
export function includesUnknownEnumMembers(prefer: string | undefined): boolean {
  if (!prefer) return false;
  return prefer.split(',').some((p) => p.split(';')[0].trim().toLowerCase() === INCLUDE_UNKNOWN_ENUM_MEMBERS);
}

/**
 * The body as Graph answers a client that did not ask for the newer members: each of them replaced
 * by `unknownFutureValue`. Copies only what it changes (the router may hand out stored objects).
 */
export function withoutNewerEnumMembers<T>(body: T): T {
  return hide(body, undefined) as T;
}

function hide(value: unknown, newer: Set<string> | undefined): unknown {
  if (typeof value === 'string') return newer?.has(value) ? 'unknownFutureValue' : value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = hide(item, newer);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next = hide(item, NEWER.get(key));
    if (next === item) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = next;
  }
  return copy ?? value;
}
