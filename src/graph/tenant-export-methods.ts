// The Authentication methods activity report (GET /reports/authenticationMethods/userRegistrationDetails,
// v1.0) turned into the methods the engine reads, and which users it cannot settle.
//
// The report lists per user the `methodsRegistered` values (mobilePhone, email,
// microsoftAuthenticatorPush, passKeyDeviceBoundAuthenticator, ...), not the methods themselves. It
// settles a method when the engine needs nothing beyond its kind: a phone (its type; the number is
// not used), an email address, Microsoft Authenticator (notifications), a software OATH token,
// Windows Hello for Business. It does not tell:
//  - a passkey's AAGUID and name: passKeyDeviceBoundAuthenticator is a passkey in Authenticator
//    but not on which platform (iOS and Android have different AAGUIDs, and a passkey is usable
//    only on its own platform: the engine counts it on that platform only, so the platform decides
//    the audit wherever a grant accepts a passkey, and no Graph list gives AAGUIDs in bulk — see
//    docs/admin/export-tenant.md, "Why passkeys in Authenticator are read one by one"); passKeyDeviceBound / fido2SecurityKey / passKeySynced / the
//    Windows Hello passkey could be any make, and authentication strengths allow AAGUIDs;
//  - a Temporary Access Pass's window (start, lifetime, one-time, used);
//  - a phone's SMS sign-in state, which matters only where a strength allows SMS sign-in alone;
//  - whether a software OATH code comes from Authenticator itself when both are listed;
//  - hardware OATH tokens and platform credentials (read as they are, they are rare);
//  - anything for a user the report does not list, or a value it adds later.
// Those users' methods are read one by one (GET /users/{id}/authentication/methods in $batch).
// The report needs AuditLog.Read.All and an Entra ID P1/P2 licence; without them every user is
// read one by one.
import type { SnapshotAuthenticationMethod } from '../snapshot';

export const REGISTRATION_DETAILS_PATH = '/reports/authenticationMethods/userRegistrationDetails';

/** The part of a userRegistrationDetails resource the export reads. */
export interface RegistrationDetails {
  id: string;
  methodsRegistered?: string[] | null;
}

// Well-known method ids: Graph gives every user's password and phone methods these ids.
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
const PHONE_METHOD_IDS = { mobile: '3179e48a-750b-4051-897c-87b9720928f7', alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41', office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc' } as const;
const EMAIL_METHOD_ID = '3ddfcfc8-9383-446f-83cc-3ab9be4be18f';

/** Values the report settles (the method built from the value alone reads the same to the engine). */
const SETTLED = new Set([
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'email',
  'microsoftAuthenticatorPush',
  'microsoftAuthenticatorPasswordless',
  'softwareOneTimePasscode',
  'windowsHelloForBusiness',
  // Only for self-service password reset: no authentication method behind it.
  'securityQuestion',
]);
const PHONES = new Set(['mobilePhone', 'alternateMobilePhone', 'officePhone']);

export interface SettleOptions {
  /** A strength in the tenant allows SMS sign-in alone ("sms"): a phone's smsSignInState matters. */
  smsSignInMatters: boolean;
}

/** Whether the report's line for a user lets the export build their methods without reading them. */
export function settles(details: RegistrationDetails | undefined, options: SettleOptions): boolean {
  if (!details) return false;
  const values = details.methodsRegistered ?? [];
  for (const value of values) {
    if (!SETTLED.has(value)) return false;
    if (options.smsSignInMatters && PHONES.has(value)) return false;
  }
  const authenticator = values.includes('microsoftAuthenticatorPush') || values.includes('microsoftAuthenticatorPasswordless');
  // Authenticator shows codes too: a software OATH value beside it may be Authenticator's own.
  return !(authenticator && values.includes('softwareOneTimePasscode'));
}

/**
 * The methods a settled user holds, as GET /users/{id}/authentication/methods would list them
 * (password first; Graph lists a password for every user who has one, and the report never names
 * it). Ids: Graph's well-known ones for password, phones and email; the others' ids are not in the
 * report and get a stable stand-in ("<userId>-<value>").
 */
export function methodsFromReport(details: RegistrationDetails): SnapshotAuthenticationMethod[] {
  const values = new Set(details.methodsRegistered ?? []);
  const methods: SnapshotAuthenticationMethod[] = [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID }];
  const phone = (phoneType: keyof typeof PHONE_METHOD_IDS) =>
    methods.push({ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: PHONE_METHOD_IDS[phoneType], phoneType } as SnapshotAuthenticationMethod);
  if (values.has('mobilePhone')) phone('mobile');
  if (values.has('alternateMobilePhone')) phone('alternateMobile');
  if (values.has('officePhone')) phone('office');
  if (values.has('email')) methods.push({ '@odata.type': '#microsoft.graph.emailAuthenticationMethod', id: EMAIL_METHOD_ID });
  const standIn = (value: string) => `${details.id}-${value}`;
  if (values.has('microsoftAuthenticatorPush') || values.has('microsoftAuthenticatorPasswordless')) {
    methods.push({ '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', id: standIn('microsoftAuthenticator') });
  }
  if (values.has('softwareOneTimePasscode')) methods.push({ '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: standIn('softwareOath') });
  if (values.has('windowsHelloForBusiness')) {
    methods.push({ '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod', id: standIn('windowsHelloForBusiness') });
  }
  return methods;
}

/** True when a strength allows SMS sign-in on its own (combination "sms"). */
export function allowsSmsSignIn(strengths: readonly { allowedCombinations?: readonly string[] | null }[]): boolean {
  return strengths.some((s) => (s.allowedCombinations ?? []).includes('sms'));
}
