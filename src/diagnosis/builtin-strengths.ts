// The three built-in authentication strengths. Graph always returns them; facts assembled by
// hand (tests, benchmarks) and snapshots may leave them out, so the engine and the emulator add them.
import type { AuthenticationStrengthPolicy } from '@microsoft/microsoft-graph-types';

export const BUILT_IN_STRENGTH_IDS = {
  mfa: '00000000-0000-0000-0000-000000000002',
  passwordlessMfa: '00000000-0000-0000-0000-000000000003',
  phishingResistantMfa: '00000000-0000-0000-0000-000000000004',
} as const;

const BUILT_IN_CREATED = '2021-12-01T00:00:00Z';

// allowedCombinations exactly as Graph v1.0 lists them (GET /policies/authenticationStrengthPolicies,
// learn.microsoft.com "List authenticationStrengthPolicies" v1.0 response example).
export const BUILT_IN_STRENGTHS: readonly AuthenticationStrengthPolicy[] = [
  {
    id: BUILT_IN_STRENGTH_IDS.mfa,
    createdDateTime: BUILT_IN_CREATED,
    modifiedDateTime: BUILT_IN_CREATED,
    displayName: 'Multifactor authentication',
    description: 'Combinations of methods that satisfy strong authentication, such as a password + SMS',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: [
      'windowsHelloForBusiness',
      'fido2',
      'x509CertificateMultiFactor',
      'deviceBasedPush',
      'temporaryAccessPassOneTime',
      'temporaryAccessPassMultiUse',
      'password,microsoftAuthenticatorPush',
      'password,softwareOath',
      'password,hardwareOath',
      'password,x509CertificateSingleFactor',
      'password,x509CertificateMultiFactor',
      'password,sms',
      'password,voice',
      'federatedMultiFactor',
      'microsoftAuthenticatorPush,federatedSingleFactor',
      'softwareOath,federatedSingleFactor',
      'hardwareOath,federatedSingleFactor',
      'sms,federatedSingleFactor',
      'voice,federatedSingleFactor',
    ] as AuthenticationStrengthPolicy['allowedCombinations'],
    combinationConfigurations: [],
  },
  {
    id: BUILT_IN_STRENGTH_IDS.passwordlessMfa,
    createdDateTime: BUILT_IN_CREATED,
    modifiedDateTime: BUILT_IN_CREATED,
    displayName: 'Passwordless MFA',
    description:
      'Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush'],
    combinationConfigurations: [],
  },
  {
    id: BUILT_IN_STRENGTH_IDS.phishingResistantMfa,
    createdDateTime: BUILT_IN_CREATED,
    modifiedDateTime: BUILT_IN_CREATED,
    displayName: 'Phishing-resistant MFA',
    description: 'Phishing resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
    combinationConfigurations: [],
  },
];

/** The tenant's strengths with any missing built-in one added. */
export function withBuiltInStrengths(strengths: AuthenticationStrengthPolicy[]): AuthenticationStrengthPolicy[] {
  const have = new Set(strengths.map((s) => s.id));
  return [...strengths, ...BUILT_IN_STRENGTHS.filter((b) => !have.has(b.id))];
}
