// The Graph v1.0 endpoints the emulator serves: a route table from (method, path below /v1.0) to
// handlers that read or write the TenantDirectory. Transport concerns (HTTP, auth, faults, $batch)
// live in server.ts / batch.ts; handlers throw GraphHttpError for Graph's error answers.
import { evaluateWhatIf } from './what-if';
import { signInEntity, signInsPage } from './sign-ins';
import type { TenantDirectory } from './directory';
import { GraphHttpError, badRequest, invalidJson, methodNotAllowed, notFound, segmentNotFound } from './graph-error';
import { applySelect, collectionPage, parseFilter, parseSelect } from './odata';
import type { SnapshotAuthenticationMethod, SnapshotGroup, SnapshotServicePrincipal, SnapshotUser } from '../snapshot';
import { TAP_METHOD_TYPE, isTapConfiguration, issueTemporaryAccessPass } from './tap';
import { registerDeviceManagementRoutes } from './device-management';
import { registerReportRoutes, type RouteRegistrar } from './reports';
import { registerRoleManagementRoutes } from './role-management';

type Json = Record<string, unknown>;

/** Marks a request body that was not valid JSON; only handlers that read the body reject it. */
export const MALFORMED_BODY = Symbol('malformed JSON body');

export interface RouteRequest {
  method: string;
  /** Path below the version, as sent (still URL-encoded), e.g. `/users/a%40b.com`. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, undefined when empty, MALFORMED_BODY when unparseable. */
  body: unknown;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouterOptions {
  /** e.g. http://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  pageSize: number;
  /** Return every stored property even where Graph needs $select (see projectUser). */
  returnAllProperties: boolean;
  now: () => Date;
  /** "forbidden": What If answers 403, as for an app without Policy.Read.ConditionalAccess. */
  whatIf: 'answer' | 'forbidden';
}

type Params = Record<string, string>;
type Handler = (request: RouteRequest, params: Params) => RouteResponse;
interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
}

// Graph returns only these user properties unless $select asks for more (accountEnabled,
// userType, ... must be selected explicitly), so the emulator does the same by default.
const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];
const SNAPSHOT_ONLY_USER_KEYS = new Set(['authenticationMethods', 'managedDevices', 'memberOf']);

// Typed method lists under /users/{id}/authentication/.
const METHOD_SEGMENTS: Record<string, string> = {
  fido2Methods: '#microsoft.graph.fido2AuthenticationMethod',
  temporaryAccessPassMethods: TAP_METHOD_TYPE,
  microsoftAuthenticatorMethods: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  phoneMethods: '#microsoft.graph.phoneAuthenticationMethod',
  passwordMethods: '#microsoft.graph.passwordAuthenticationMethod',
  emailMethods: '#microsoft.graph.emailAuthenticationMethod',
  softwareOathMethods: '#microsoft.graph.softwareOathAuthenticationMethod',
  windowsHelloForBusinessMethods: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  platformCredentialMethods: '#microsoft.graph.platformCredentialAuthenticationMethod',
};

export class GraphRouter {
  private readonly routes: Route[] = [];

  constructor(
    private readonly directory: TenantDirectory,
    private readonly options: RouterOptions,
  ) {
    this.registerPolicyRoutes();
    this.registerUserRoutes();
    this.registerGroupRoutes();
    this.registerServicePrincipalRoutes();
    this.registerAuditLogRoutes();
    // Tenant-wide reads for a scalable export (their own files).
    const registrar: RouteRegistrar = { get: (pattern, handler) => this.get(pattern, handler), directory: this.directory, options: this.options };
    for (const register of [registerReportRoutes, registerRoleManagementRoutes, registerDeviceManagementRoutes]) register(registrar);
  }

  handle(request: RouteRequest): RouteResponse {
    const segments = splitPath(request.path);
    let methodMismatch = false;
    let deepest = 0;
    for (const route of this.routes) {
      const match = matchPattern(route.pattern, segments);
      if (match.params) {
        if (route.method === request.method.toUpperCase()) return route.handler(request, match.params);
        methodMismatch = true;
      }
      deepest = Math.max(deepest, match.matched);
    }
    if (methodMismatch) throw methodNotAllowed();
    throw segmentNotFound(segments[deepest] ?? request.path);
  }

  // ---- routes ---------------------------------------------------------------------------

  private registerPolicyRoutes(): void {
    const data = this.directory.data;
    this.get('organization', (req) =>
      this.collection(req, '#organization', [{ id: data.tenant.id, displayName: data.tenant.displayName ?? null }]),
    );
    this.get('identity/conditionalAccess/policies', (req) =>
      this.collection(req, '#identity/conditionalAccess/policies', data.conditionalAccessPolicies),
    );
    this.get('identity/conditionalAccess/policies/:id', (req, p) =>
      this.entity(req, '#identity/conditionalAccess/policies/$entity', findById(data.conditionalAccessPolicies, p.id)),
    );
    this.post('identity/conditionalAccess/evaluate', (req) => {
      if (this.options.whatIf === 'forbidden') {
        throw new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
      return { status: 200, body: { '@odata.context': `${this.options.baseUrl}/$metadata#Collection(microsoft.graph.whatIfAnalysisResult)`, ...evaluateWhatIf(this.directory, req.body) } };
    });
    this.get('identity/conditionalAccess/namedLocations', (req) =>
      this.collection(req, '#identity/conditionalAccess/namedLocations', data.namedLocations),
    );
    this.get('identity/conditionalAccess/namedLocations/:id', (req, p) =>
      this.entity(req, '#identity/conditionalAccess/namedLocations/$entity', findById(data.namedLocations, p.id)),
    );
    this.get('policies/authenticationStrengthPolicies', (req) =>
      this.collection(req, '#policies/authenticationStrengthPolicies', data.authenticationStrengthPolicies),
    );
    this.get('policies/authenticationStrengthPolicies/:id', (req, p) =>
      this.entity(req, '#policies/authenticationStrengthPolicies/$entity', findById(data.authenticationStrengthPolicies, p.id)),
    );
    this.get('policies/authenticationMethodsPolicy', (req) =>
      this.entity(req, '#policies/authenticationMethodsPolicy', data.authenticationMethodsPolicy),
    );
    this.get('policies/authenticationMethodsPolicy/authenticationMethodConfigurations', (req) =>
      this.collection(
        req,
        '#policies/authenticationMethodsPolicy/authenticationMethodConfigurations',
        data.authenticationMethodsPolicy.authenticationMethodConfigurations,
      ),
    );
    this.get('policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id', (req, p) =>
      this.entity(
        req,
        '#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity',
        this.directory.findMethodConfiguration(p.id) ?? notFoundFor(p.id),
      ),
    );
  }

  private registerUserRoutes(): void {
    this.get('users', (req) => this.collection(req, '#users', this.usersFor(req), (u, s) => this.projectUser(u, s)));
    this.get('users/:user', (req, p) => this.entity(req, '#users/$entity', this.user(p.user), (u, s) => this.projectUser(u, s)));

    this.get('users/:user/authentication/methods', (req, p) =>
      this.collection(req, `#users('${p.user}')/authentication/methods`, this.user(p.user).authenticationMethods),
    );
    this.get('users/:user/authentication/methods/:method', (req, p) =>
      this.entity(req, `#users('${p.user}')/authentication/methods/$entity`, this.method(this.user(p.user), p.method)),
    );
    for (const [segment, odataType] of Object.entries(METHOD_SEGMENTS)) {
      this.get(`users/:user/authentication/${segment}`, (req, p) =>
        this.collection(
          req,
          `#users('${p.user}')/authentication/${segment}`,
          this.user(p.user).authenticationMethods.filter((m) => m['@odata.type'] === odataType),
        ),
      );
      this.get(`users/:user/authentication/${segment}/:method`, (req, p) =>
        this.entity(req, `#users('${p.user}')/authentication/${segment}/$entity`, this.method(this.user(p.user), p.method, odataType)),
      );
    }
    this.post('users/:user/authentication/temporaryAccessPassMethods', (req, p) => this.createTap(req, p.user));
    this.delete('users/:user/authentication/temporaryAccessPassMethods/:method', (_req, p) => {
      const user = this.user(p.user);
      const method = this.method(user, p.method, TAP_METHOD_TYPE);
      user.authenticationMethods = user.authenticationMethods.filter((m) => m !== method);
      return { status: 204 };
    });

    this.get('users/:user/managedDevices', (req, p) =>
      this.collection(req, `#users('${p.user}')/managedDevices`, this.user(p.user).managedDevices),
    );
    this.get('users/:user/memberOf', (req, p) => {
      const user = this.user(p.user);
      return this.directoryObjects(req, `#directoryObjects`, this.directory.directGroupIds(user.id), [user.id]);
    });
    this.get('users/:user/transitiveMemberOf', (req, p) => {
      const user = this.user(p.user);
      const groupIds = this.directory.transitiveGroupIds(user.id);
      return this.directoryObjects(req, `#directoryObjects`, groupIds, [user.id, ...groupIds]);
    });
  }

  private registerGroupRoutes(): void {
    const data = this.directory.data;
    this.get('groups', (req) => this.collection(req, '#groups', data.groups, projectGroup));
    this.get('groups/:group', (req, p) => this.entity(req, '#groups/$entity', this.group(p.group), projectGroup));
    this.get('groups/:group/members', (req, p) =>
      this.directoryObjects(req, '#directoryObjects', this.directory.directMemberIds(this.group(p.group).id), []),
    );
    this.get('groups/:group/transitiveMembers', (req, p) =>
      this.directoryObjects(req, '#directoryObjects', this.directory.transitiveMemberIds(this.group(p.group).id), []),
    );
    // The groups a group is directly in (nesting, read upwards), plus roles assigned to the group itself.
    this.get('groups/:group/memberOf', (req, p) => {
      const group = this.group(p.group);
      return this.directoryObjects(req, '#directoryObjects', this.directory.directGroupIds(group.id), [group.id]);
    });
    this.post('groups/:group/members/$ref', (req, p) => {
      const group = this.group(p.group);
      const memberId = referencedId(req.body);
      const member = this.directory.findDirectoryObject(memberId);
      if (!member) throw notFound(memberId);
      if (member.kind === 'servicePrincipal') {
        throw badRequest('The Graph emulator only supports users and groups as group members.');
      }
      if (member.object.id === group.id) throw badRequest('A group cannot be added as a member of itself.');
      if (this.directory.isDirectMember(group.id, member.object.id)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
      }
      this.directory.addMember(group, member);
      return { status: 204 };
    });
    this.delete('groups/:group/members/:member/$ref', (_req, p) => {
      const group = this.group(p.group);
      if (!this.directory.isDirectMember(group.id, p.member)) throw notFound(p.member);
      this.directory.removeMember(group, p.member);
      return { status: 204 };
    });
  }

  private registerServicePrincipalRoutes(): void {
    const project = (sp: SnapshotServicePrincipal, select: string[] | undefined): Json => this.projectServicePrincipal(sp, select);
    this.get('servicePrincipals', (req) => this.collection(req, '#servicePrincipals', this.directory.data.servicePrincipals, project));
    this.get('servicePrincipals/:id', (req, p) =>
      this.entity(req, '#servicePrincipals/$entity', this.directory.findServicePrincipal(p.id) ?? notFoundFor(p.id), project),
    );
    // servicePrincipals(appId='...') is split by splitPath into these two segments.
    this.get('servicePrincipals(appId)/:appId', (req, p) =>
      this.entity(
        req,
        '#servicePrincipals/$entity',
        this.directory.findServicePrincipalByAppId(p.appId) ?? notFoundFor(`appId='${p.appId}'`),
        project,
      ),
    );
  }

  /** The sign-in log (403 when the snapshot has no `signIns`, as without AuditLog.Read.All or a P1 licence). */
  private registerAuditLogRoutes(): void {
    this.get('auditLogs/signIns', (req) => ({
      status: 200,
      body: signInsPage(this.directory.data.signIns, { baseUrl: this.options.baseUrl, path: req.path, query: req.query, pageSize: this.options.pageSize }),
    }));
    this.get('auditLogs/signIns/:id', (req, p) => ({ status: 200, body: signInEntity(this.directory.data.signIns, p.id, this.options.baseUrl, req.query) }));
  }

  // ---- handlers and helpers -------------------------------------------------------------

  private createTap(request: RouteRequest, userKey: string): RouteResponse {
    const user = this.user(userKey);
    if (request.body === MALFORMED_BODY) throw invalidJson();
    const config = this.directory.data.authenticationMethodsPolicy.authenticationMethodConfigurations.find(isTapConfiguration);
    const created = issueTemporaryAccessPass({
      config,
      user,
      userGroupIds: this.directory.transitiveGroupIds(user.id),
      body: request.body,
      now: this.options.now(),
    });
    // Graph shows the pass only in this response; reads return null.
    user.authenticationMethods.push({ ...created, temporaryAccessPass: null });
    return {
      status: 201,
      headers: { Location: `${this.options.baseUrl}/users/${user.id}/authentication/temporaryAccessPassMethods/${created.id}` },
      body: {
        '@odata.context': `${this.options.baseUrl}/$metadata#users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`,
        ...created,
      },
    };
  }

  /** /users, narrowed through the UPN/id index when $filter asks for one user (the common lookup). */
  private usersFor(request: RouteRequest): readonly SnapshotUser[] {
    const filter = parseFilter(request.query);
    const property = filter?.property.join('/').toLowerCase();
    if (filter && typeof filter.value === 'string' && (property === 'userprincipalname' || property === 'id')) {
      const user = this.directory.findUser(filter.value);
      return user ? [user] : [];
    }
    return this.directory.data.users;
  }

  /** Users and groups (plus directory roles held by `rolePrincipals`) as polymorphic directoryObject items. */
  private directoryObjects(request: RouteRequest, context: string, objectIds: string[], rolePrincipals: string[]): RouteResponse {
    const items: Json[] = [];
    for (const id of objectIds) {
      const ref = this.directory.findDirectoryObject(id);
      if (ref) items.push(ref.object as object as Json);
    }
    const roles = new Set<Json>(this.directory.rolesFor(rolePrincipals) as unknown as Json[]);
    items.push(...roles);
    return this.collection(request, context, items, (item, select) => {
      const ref = roles.has(item) ? undefined : this.directory.findDirectoryObject(item.id as string);
      if (ref?.kind === 'user') return { '@odata.type': '#microsoft.graph.user', ...this.projectUser(ref.object, select) };
      if (ref?.kind === 'group') return { '@odata.type': '#microsoft.graph.group', ...projectGroup(ref.object, select) };
      return applySelect(item, select);
    });
  }

  private projectUser(user: SnapshotUser, select: string[] | undefined): Json {
    const graphUser: Json = {};
    for (const [key, value] of Object.entries(user)) if (!SNAPSHOT_ONLY_USER_KEYS.has(key)) graphUser[key] = value;
    if (select) return applySelect(graphUser, select);
    if (this.options.returnAllProperties) return graphUser;
    const out: Json = {};
    for (const key of DEFAULT_USER_PROPERTIES) out[key] = graphUser[key] ?? (key === 'businessPhones' ? [] : null);
    return out;
  }

  private projectServicePrincipal(sp: SnapshotServicePrincipal, select: string[] | undefined): Json {
    if (select) return applySelect(sp, select);
    if (this.options.returnAllProperties) return { ...sp };
    // Like Graph, custom security attributes only come back when selected.
    const { customSecurityAttributes: _hidden, ...rest } = sp;
    return rest;
  }

  private user(key: string): SnapshotUser {
    return this.directory.findUser(key) ?? notFoundFor(key);
  }

  private group(id: string): SnapshotGroup {
    return this.directory.findGroup(id) ?? notFoundFor(id);
  }

  private method(user: SnapshotUser, methodId: string, odataType?: string): SnapshotAuthenticationMethod {
    const method = user.authenticationMethods.find((m) => m.id === methodId && (!odataType || m['@odata.type'] === odataType));
    return method ?? notFoundFor(methodId);
  }

  private collection<T extends object>(
    request: RouteRequest,
    context: string,
    items: readonly T[],
    project: (item: T, select: string[] | undefined) => Json = (item, select) => applySelect(item, select),
  ): RouteResponse {
    const body = collectionPage(
      {
        baseUrl: this.options.baseUrl,
        path: request.path,
        query: request.query,
        pageSize: this.options.pageSize,
        context: `${this.options.baseUrl}/$metadata${context}`,
      },
      items,
      project,
    );
    return { status: 200, body };
  }

  private entity<T extends object>(
    request: RouteRequest,
    context: string,
    item: T,
    project: (item: T, select: string[] | undefined) => Json = (i, select) => applySelect(i, select),
  ): RouteResponse {
    return {
      status: 200,
      body: { '@odata.context': `${this.options.baseUrl}/$metadata${context}`, ...project(item, parseSelect(request.query)) },
    };
  }

  private get(pattern: string, handler: Handler): void {
    this.routes.push({ method: 'GET', pattern: pattern.split('/'), handler });
  }
  private post(pattern: string, handler: Handler): void {
    this.routes.push({ method: 'POST', pattern: pattern.split('/'), handler });
  }
  private delete(pattern: string, handler: Handler): void {
    this.routes.push({ method: 'DELETE', pattern: pattern.split('/'), handler });
  }
}

function projectGroup(group: SnapshotGroup, select: string[] | undefined): Json {
  // `members` is a relationship in Graph, never a property of the group resource.
  const { members: _members, ...resource } = group;
  return applySelect(resource, select);
}

function findById<T extends { id: string }>(items: readonly T[], id: string): T {
  return items.find((item) => item.id === id) ?? notFoundFor(id);
}

function notFoundFor(id: string): never {
  throw notFound(id);
}

/** The object id in a $ref body: {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}. */
function referencedId(body: unknown): string {
  if (body === MALFORMED_BODY) throw invalidJson();
  const ref = typeof body === 'object' && body !== null ? (body as Json)['@odata.id'] : undefined;
  if (typeof ref !== 'string' || !ref) throw badRequest("The request body must contain an '@odata.id' reference.");
  const match = /\/(?:directoryObjects|users|groups|servicePrincipals)(?:\/([^/?#]+)|\('([^']+)'\))\/?$/i.exec(ref);
  if (!match) throw badRequest(`Invalid '@odata.id' reference: '${ref}'.`);
  return decodeURIComponent(match[1] ?? match[2]);
}

/**
 * Decoded path segments; OData key syntax is split into plain segments:
 * `users('x')` -> users, x and `servicePrincipals(appId='y')` -> servicePrincipals(appId), y.
 */
export function splitPath(path: string): string[] {
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (!raw) continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw badRequest(`Invalid URL segment '${raw}'.`);
    }
    const key = /^([A-Za-z][A-Za-z0-9]*)\((.*)\)$/.exec(segment);
    if (!key) {
      segments.push(segment);
      continue;
    }
    const [, name, inner] = key;
    const quoted = /^'(.*)'$/.exec(inner);
    const alternate = /^([A-Za-z]+)\s*=\s*'(.*)'$/.exec(inner);
    if (quoted) segments.push(name, quoted[1].replace(/''/g, "'"));
    else if (alternate) segments.push(`${name}(${alternate[1]})`, alternate[2].replace(/''/g, "'"));
    else segments.push(name, inner);
  }
  return segments;
}

/** Literals compare case-insensitively (Graph's segments do); `:name` captures a segment. */
function matchPattern(pattern: string[], segments: string[]): { params?: Params; matched: number } {
  const params: Params = {};
  let matched = 0;
  for (; matched < Math.min(pattern.length, segments.length); matched++) {
    const expected = pattern[matched];
    const actual = segments[matched];
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected.toLowerCase() !== actual.toLowerCase()) break;
  }
  const complete = matched === pattern.length && matched === segments.length;
  return complete ? { params, matched } : { matched };
}
