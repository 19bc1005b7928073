// What the engine answers (contract: diagnosis.md). The codes are stable identifiers shared by
// tests, cards, tickets and logs.

export const FINDING_CODES = [
  'ca-auth-strength-loop',
  'ca-approved-client-app',
  'ca-register-security-info',
  'ca-other-conditions',
  'passkey-method-disabled',
  'passkey-self-service-disabled',
  'authenticator-aaguid-blocked',
  'passkey-profile-excludes-authenticator',
  'tap-method-disabled',
  'tap-not-yet-valid',
  'tap-expired',
  'tap-used',
  'android-profile-mismatch',
  'bluetooth-restricted',
  'attestation-blocks-cross-device',
  'os-version-unsupported',
  'tap-unavailable-for-guest',
  'no-blocker-found',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const WORKAROUND_CODES = [
  'filter-for-applications',
  'split-mobile-desktop-policies',
  'temporary-access-pass',
  'require-compliant-device',
  'temporary-exemption',
  'satisfy-register-security-info',
  'enable-passkey-method',
  'allow-authenticator-aaguids',
  'register-in-each-profile',
  'allow-bluetooth-for-passkeys',
  'register-in-authenticator-app',
  'update-os',
  'contact-help-desk',
] as const;
export type WorkaroundCode = (typeof WORKAROUND_CODES)[number];
export type Audience = 'user' | 'admin' | 'helpdesk';

export interface Finding {
  code: FindingCode;
  /** false = worth knowing, does not by itself stop registration. */
  blocking: boolean;
  /** CA policies (or method configuration ids) behind the finding; [] if none. */
  policyIds: string[];
  /** Display names of those policies, in the same order (for cards and tickets). */
  policyNames: string[];
  evidence: string[];
}

export interface Workaround {
  code: WorkaroundCode;
  for: Audience;
  finding: FindingCode;
}

export interface Diagnosis {
  user: { id: string; userPrincipalName: string; displayName?: string };
  context: {
    platform: 'android' | 'iOS';
    androidProfile?: 'work' | 'personal';
    passkeyProfile?: 'work' | 'personal';
    crossDevice?: boolean;
    bluetoothRestricted?: boolean;
    osVersion?: number;
    at: string;
  };
  findings: Finding[];
  workarounds: Workaround[];
  escalate: boolean;
}
