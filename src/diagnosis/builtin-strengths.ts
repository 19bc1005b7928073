// The three built-in authentication strengths. Graph always returns them; facts assembled by
// hand (tests, benchmarks) may leave them out, so the engine and the Graph emulator both add them.
import type { AuthenticationStrengthPolicy } from '@microsoft/microsoft-graph-types';

const MFA_COMBINATIONS = [
  'windowsHelloForBusiness',
  'fido2',
  'x509CertificateMultiFactor',
  'deviceBasedPush',
  'temporaryAccessPassOneTime',
  'temporaryAccessPassMultiUse',
  'password,microsoftAuthenticatorPush',
  'password,softwareOath',
  'password,hardwareOath',
  'password,sms',
  'password,voice',
  'federatedMultiFactor',
  'microsoftAuthenticatorPush,federatedSingleFactor',
  'softwareOath,federatedSingleFactor',
  'hardwareOath,federatedSingleFactor',
  'sms,federatedSingleFactor',
  'voice,federatedSingleFactor',
] as AuthenticationStrengthPolicy['allowedCombinations'];

export const BUILT_IN_STRENGTHS: AuthenticationStrengthPolicy[] = [
  {
    id: '00000000-0000-0000-0000-000000000002',
    displayName: 'Multifactor authentication',
    description: 'Combinations of methods that satisfy strong authentication, such as a password + SMS',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: MFA_COMBINATIONS,
    combinationConfigurations: [],
  },
  {
    id: '00000000-0000-0000-0000-000000000003',
    displayName: 'Passwordless MFA',
    description: 'Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator',
    policyType: 'builtIn',
    requirementsSatisfied: 'mfa',
    allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor', 'deviceBasedPush'],
    combinationConfigurations: [],
  },
  {
    id: '00000000-0000-0000-0000-000000000004',
    displayName: 'Phishing-resistant MFA',
    description: 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
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
