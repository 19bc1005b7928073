// GET /reports/authenticationMethods/userRegistrationDetails (Graph v1.0): per user, the
// authentication methods registered, as the Authentication methods activity report lists them.
// Graph needs AuditLog.Read.All and an Entra ID P1/P2 licence for it; the emulator derives the
// report from each user's methods in the snapshot (live, so a method registered through the
// emulator shows up at once, where Graph's report lags behind).
import { AUTHENTICATOR_AAGUID } from '../diagnosis/facts';
import type { TenantDirectory } from './directory';
import { notFound } from './graph-error';
import { applySelect, collectionPage, parseFilter } from './odata';
import type { RouteRequest, RouteResponse, RouterOptions } from './routes';
import type { SnapshotAuthenticationMethod, SnapshotUser } from '../snapshot';

type Json = Record<string, unknown>;

/** How a route file adds its GET routes to the router (`:name` captures a segment). */
export interface RouteRegistrar {
  get(pattern: string, handler: (request: RouteRequest, params: Record<string, string>) => RouteResponse): void;
  directory: TenantDirectory;
  options: RouterOptions;
}

const AUTHENTICATOR_AAGUIDS = new Set<string>(Object.values(AUTHENTICATOR_AAGUID));
// Windows Hello for Business passkeys (device-bound, in Windows) have their own report value.
const STRONG = new Set([
  'microsoftAuthenticatorPush',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'fido2SecurityKey',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'windowsHelloForBusiness',
  'macOsSecureEnclaveKey',
]);
const PASSWORDLESS = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'fido2SecurityKey', 'windowsHelloForBusiness', 'macOsSecureEnclaveKey']);

/** The report's `methodsRegistered` values for one method (a password is not listed: the report names only methods beyond it). */
export function methodsRegisteredOf(method: SnapshotAuthenticationMethod): string[] {
  const m = method as Json;
  switch (String(m['@odata.type'] ?? '').replace(/^#?microsoft\.graph\./, '')) {
    case 'phoneAuthenticationMethod':
      return [m.phoneType === 'alternateMobile' ? 'alternateMobilePhone' : m.phoneType === 'office' ? 'officePhone' : 'mobilePhone'];
    case 'emailAuthenticationMethod':
      return ['email'];
    case 'microsoftAuthenticatorAuthenticationMethod':
      return ['microsoftAuthenticatorPush'];
    case 'softwareOathAuthenticationMethod':
      return ['softwareOneTimePasscode'];
    case 'hardwareOathAuthenticationMethod':
      return ['hardwareOneTimePasscode'];
    case 'temporaryAccessPassAuthenticationMethod':
      return ['temporaryAccessPass'];
    case 'windowsHelloForBusinessAuthenticationMethod':
      return ['windowsHelloForBusiness'];
    case 'platformCredentialAuthenticationMethod':
      return ['macOsSecureEnclaveKey'];
    case 'fido2AuthenticationMethod':
      // A passkey in Microsoft Authenticator (either platform's AAGUID) is reported apart from other
      // device-bound passkeys (security keys and the like); the report does not say which platform.
      return [AUTHENTICATOR_AAGUIDS.has(String(m.aaGuid ?? '').toLowerCase()) ? 'passKeyDeviceBoundAuthenticator' : 'passKeyDeviceBound'];
    default:
      return [];
  }
}

/** A userRegistrationDetails resource for the user, as Graph v1.0 shapes it. */
export function userRegistrationDetails(directory: TenantDirectory, user: SnapshotUser, now: Date): Json {
  const methodsRegistered = [...new Set(user.authenticationMethods.flatMap(methodsRegisteredOf))];
  const mfa = methodsRegistered.some((m) => STRONG.has(m));
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName ?? null,
    userType: user.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: directory.rolesFor([user.id, ...directory.transitiveGroupIds(user.id)]).length > 0,
    isSsprRegistered: false,
    isSsprEnabled: false,
    isSsprCapable: false,
    isMfaRegistered: mfa,
    isMfaCapable: mfa,
    isPasswordlessCapable: methodsRegistered.some((m) => PASSWORDLESS.has(m)),
    isSystemPreferredAuthenticationMethodEnabled: false,
    systemPreferredAuthenticationMethods: [],
    userPreferredMethodForSecondaryAuthentication: 'none',
    lastUpdatedDateTime: now.toISOString(),
    methodsRegistered,
  };
}

export function registerReportRoutes(router: RouteRegistrar): void {
  const { directory, options } = router;
  const context = `${options.baseUrl}/$metadata#reports/authenticationMethods/userRegistrationDetails`;
  router.get('reports/authenticationMethods/userRegistrationDetails', (request) => {
    const now = options.now();
    // Built per page (the page's users only), unless a $filter needs every entry.
    const project = (user: SnapshotUser, select: string[] | undefined) => applySelect(userRegistrationDetails(directory, user, now), select);
    const filtered = parseFilter(request.query) !== undefined;
    const body = filtered
      ? collectionPage(
          { baseUrl: options.baseUrl, path: request.path, query: request.query, pageSize: options.pageSize, context },
          directory.data.users.map((u) => userRegistrationDetails(directory, u, now)),
          (item, select) => applySelect(item, select),
        )
      : collectionPage({ baseUrl: options.baseUrl, path: request.path, query: request.query, pageSize: options.pageSize, context }, directory.data.users, project);
    return { status: 200, body };
  });
  router.get('reports/authenticationMethods/userRegistrationDetails/:id', (_request, params) => {
    const user = directory.findUser(params.id);
    if (!user || user.id !== params.id) throw notFound(params.id);
    return { status: 200, body: { '@odata.context': `${context}/$entity`, ...userRegistrationDetails(directory, user, options.now()) } };
  });
}
