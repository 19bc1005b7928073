// The tenant snapshot (see docs/contracts/tenant-snapshot.md): its type, its validation and
// loading from a file. Validation returns a normalised copy: defaults filled in, the built-in
// authentication strengths added, and direct group membership made consistent both ways.
import { readFileSync } from 'node:fs';
import type {
  AuthenticationMethod,
  AuthenticationMethodConfiguration,
  AuthenticationMethodsPolicy,
  AuthenticationStrengthPolicy,
  ConditionalAccessPolicy,
  ConditionalAccessPolicyState,
  Group,
  ManagedDevice,
  NamedLocation,
  ServicePrincipal,
  User,
} from '@microsoft/microsoft-graph-types';
import { BUILT_IN_STRENGTHS } from '../diagnosis/builtin-strengths';

/** An item of a user's `authenticationMethods`: a Graph authenticationMethod with its `@odata.type`. */
export interface SnapshotAuthenticationMethod extends AuthenticationMethod {
  id: string;
  '@odata.type': string;
  [key: string]: unknown;
}
export interface SnapshotManagedDevice extends ManagedDevice {
  id: string;
}
/** A Graph user plus the three snapshot-only lists the emulator serves as their own endpoints. */
export interface SnapshotUser extends Omit<User, 'memberOf' | 'managedDevices' | 'authentication'> {
  id: string;
  userPrincipalName: string;
  authenticationMethods: SnapshotAuthenticationMethod[];
  managedDevices: SnapshotManagedDevice[];
  /** Ids of the groups the user is a direct member of. */
  memberOf: string[];
}
export interface SnapshotGroup extends Omit<Group, 'members'> {
  id: string;
  /** Ids of direct members (users or groups). */
  members: string[];
}
export interface SnapshotRoleAssignment {
  roleTemplateId: string;
  principalId: string;
  /** Optional; well-known roles get their name from the template id. */
  displayName?: string;
}
export interface SnapshotServicePrincipal extends ServicePrincipal {
  id: string;
  appId: string;
}
export interface SnapshotConditionalAccessPolicy extends ConditionalAccessPolicy {
  id: string;
  state: ConditionalAccessPolicyState;
}
export interface SnapshotNamedLocation extends NamedLocation {
  id: string;
  [key: string]: unknown;
}
export interface SnapshotAuthenticationStrength extends AuthenticationStrengthPolicy {
  id: string;
}
/** An authenticationMethodConfiguration (fido2, temporaryAccessPass, ...) with its `@odata.type`. */
export interface SnapshotMethodConfiguration extends AuthenticationMethodConfiguration {
  id: string;
  '@odata.type': string;
  [key: string]: unknown;
}
/** A signIn resource (Graph v1.0), as GET /auditLogs/signIns returns it. */
export interface SnapshotSignIn {
  id: string;
  createdDateTime: string;
  userId: string;
  userPrincipalName?: string;
  appId?: string;
  appDisplayName?: string;
  correlationId?: string;
  status?: { errorCode?: number; failureReason?: string | null; additionalDetails?: string | null };
  appliedConditionalAccessPolicies?: { id: string; displayName?: string; result?: string; enforcedGrantControls?: string[]; enforcedSessionControls?: string[] }[];
  [key: string]: unknown;
}

export interface SnapshotAuthenticationMethodsPolicy
  extends Omit<AuthenticationMethodsPolicy, 'authenticationMethodConfigurations'> {
  authenticationMethodConfigurations: SnapshotMethodConfiguration[];
}

export interface TenantSnapshot {
  /**
   * `customSecurityAttributesUnreadable`: the snapshot was exported without the permission to
   * read custom security attributes, so application filters on them are "may apply".
   */
  tenant: { id: string; displayName?: string; customSecurityAttributesUnreadable?: boolean };
  conditionalAccessPolicies: SnapshotConditionalAccessPolicy[];
  namedLocations: SnapshotNamedLocation[];
  /** Custom strengths plus the three built-in ones (added by validateSnapshot when absent). */
  authenticationStrengthPolicies: SnapshotAuthenticationStrength[];
  authenticationMethodsPolicy: SnapshotAuthenticationMethodsPolicy;
  users: SnapshotUser[];
  groups: SnapshotGroup[];
  roleAssignments: SnapshotRoleAssignment[];
  servicePrincipals: SnapshotServicePrincipal[];
  /**
   * Recorded answers of POST /identity/conditionalAccess/evaluate (What If), when a real tenant's
   * verdicts should be replayed; without them the emulator answers from the local evaluator.
   */
  whatIfResults?: RecordedWhatIf[];
  /**
   * GET /auditLogs/signIns. Without this key the server answers 403 Authorization_RequestDenied,
   * as Graph does without AuditLog.Read.All or an Entra ID P1 licence.
   */
  signIns?: SnapshotSignIn[];
}

export interface RecordedWhatIf {
  userId: string;
  /** An application id (e.g. Microsoft Authenticator's) or a user action ("registerSecurityInformation"). */
  context: string;
  devicePlatform?: string;
  results: { policyId: string; policyApplies: boolean; analysisReasons: string }[];
}

export interface SnapshotIssue {
  /** JSON path of the bad value, e.g. `users[2].memberOf[0]`. */
  path: string;
  message: string;
}

/** A snapshot that cannot be served. The message is one line and starts with the path of the first problem. */
export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly issues: SnapshotIssue[] = [],
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

const CA_STATES: readonly ConditionalAccessPolicyState[] = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'];
const METHOD_STATES = ['enabled', 'disabled'] as const;
const MAX_ISSUES_KEPT = 1000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return name.startsWith('[') ? `(root)${name}` : name;
  return name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
}

/** Collects problems with their paths; helpers return the value when it has the right type. */
class Checker {
  readonly issues: SnapshotIssue[] = [];
  count = 0;

  fail(path: string, message: string): void {
    this.count++;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push({ path, message });
  }

  string(value: unknown, path: string): string | undefined {
    if (typeof value === 'string') return value;
    this.fail(path, value === undefined ? 'missing, expected a string' : `expected a string, got ${describe(value)}`);
    return undefined;
  }

  object(value: unknown, path: string): Json | undefined {
    if (isObject(value)) return value;
    this.fail(path, value === undefined ? 'missing, expected an object' : `expected an object, got ${describe(value)}`);
    return undefined;
  }

  /** An optional list: undefined becomes [] in the normalised copy. */
  array(owner: Json, key: string, path: string): unknown[] {
    const value = owner[key];
    if (value === undefined) {
      owner[key] = [];
      return [];
    }
    if (Array.isArray(value)) return value;
    this.fail(child(path, key), `expected an array, got ${describe(value)}`);
    owner[key] = [];
    return [];
  }

  /** Every item must be an object; returns [item, path] pairs for the ones that are. */
  objects(list: unknown[], path: string): [Json, string][] {
    const out: [Json, string][] = [];
    list.forEach((item, i) => {
      const itemPath = child(path, i);
      if (this.object(item, itemPath)) out.push([item as Json, itemPath]);
    });
    return out;
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): void {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return;
    this.fail(path, `expected one of ${allowed.join(', ')}, got ${value === undefined ? 'nothing' : describe(value)}`);
  }

  /** Records `id` in `seen`; reports a duplicate (keys are compared as given, so lowercase them for case-insensitive ids). */
  unique(seen: Map<string, string>, key: string, path: string, label = 'id'): void {
    const first = seen.get(key);
    if (first !== undefined) this.fail(path, `duplicate ${label} ${describe(key)} (also at ${first})`);
    else seen.set(key, path);
  }

  stringList(owner: Json, key: string, path: string): [string, string][] {
    const out: [string, string][] = [];
    this.array(owner, key, path).forEach((item, i) => {
      const itemPath = child(child(path, key), i);
      const id = this.string(item, itemPath);
      if (id !== undefined) out.push([id, itemPath]);
    });
    return out;
  }
}

/** An id that must resolve to another object of the snapshot; checked once every object is known. */
interface Reference {
  id: string;
  path: string;
  to: 'group' | 'userOrGroup' | 'strength' | 'user';
  /** How the referring field calls the target in the message ("group", "member", "principal", ...). */
  noun: string;
}

/**
 * Checks a parsed snapshot and returns a normalised deep copy (the input is not modified).
 * Throws SnapshotError naming the JSON path of the first bad value. Shapes and ids are checked
 * first and references only when those are sound, so one mistake does not cascade.
 */
export function validateSnapshot(json: unknown): TenantSnapshot {
  if (!isObject(json)) throw new SnapshotError(`(root): expected an object, got ${describe(json)}`);
  let root: Json;
  try {
    root = structuredClone(json);
  } catch (err) {
    throw new SnapshotError(`(root): not plain JSON data (${(err as Error).message})`);
  }
  const check = new Checker();
  const refs: Reference[] = [];
  const known = { directory: new Map<string, string>(), users: new Set<string>(), groups: new Set<string>(), strengths: new Map<string, string>() };

  const tenant = check.object(root.tenant, 'tenant');
  if (tenant) {
    check.string(tenant.id, 'tenant.id');
    if (tenant.displayName !== undefined && tenant.displayName !== null) check.string(tenant.displayName, 'tenant.displayName');
    const unreadable = tenant.customSecurityAttributesUnreadable;
    if (unreadable !== undefined && typeof unreadable !== 'boolean') {
      check.fail('tenant.customSecurityAttributesUnreadable', `expected true or false, got ${describe(unreadable)}`);
    }
  }
  checkUsers(root, check, known, refs);
  checkGroups(root, check, known, refs);
  checkServicePrincipals(root, check, known);
  for (const [assignment, path] of check.objects(check.array(root, 'roleAssignments', ''), 'roleAssignments')) {
    check.string(assignment.roleTemplateId, child(path, 'roleTemplateId'));
    const principalId = check.string(assignment.principalId, child(path, 'principalId'));
    if (principalId !== undefined) refs.push({ id: principalId, path: child(path, 'principalId'), to: 'userOrGroup', noun: 'principal' });
  }
  const locationIds = new Map<string, string>();
  for (const [location, path] of check.objects(check.array(root, 'namedLocations', ''), 'namedLocations')) {
    const id = check.string(location.id, child(path, 'id'));
    if (id !== undefined) check.unique(locationIds, id, child(path, 'id'));
  }
  checkStrengths(root, check, known.strengths);
  checkMethodsPolicy(root, check);
  for (const [policy, path] of check.objects(check.array(root, 'conditionalAccessPolicies', ''), 'conditionalAccessPolicies')) {
    checkConditionalAccessPolicy(policy, path, check, refs);
  }
  checkSignIns(root, check, refs);
  throwIfIssues(check);

  for (const ref of refs) {
    const exists =
      ref.to === 'group'
        ? known.groups.has(ref.id)
        : ref.to === 'user'
          ? known.users.has(ref.id)
          : ref.to === 'userOrGroup'
            ? known.users.has(ref.id) || known.groups.has(ref.id)
            : known.strengths.has(ref.id);
    if (exists) continue;
    const what = ref.to === 'userOrGroup' ? 'is not a user or group of the snapshot' : ref.to === 'user' ? 'is not a user of the snapshot' : 'does not exist';
    check.fail(ref.path, `${ref.noun} ${describe(ref.id)} ${what}`);
  }
  throwIfIssues(check);

  const snapshot = root as unknown as TenantSnapshot;
  reconcileMembership(snapshot);
  return snapshot;
}

function throwIfIssues(check: Checker): void {
  if (check.count === 0) return;
  const [first] = check.issues;
  const more = check.count > 1 ? ` (and ${check.count - 1} more problem${check.count > 2 ? 's' : ''})` : '';
  throw new SnapshotError(`${first.path}: ${first.message}${more}`, check.issues);
}

type Known = { directory: Map<string, string>; users: Set<string>; groups: Set<string> };

function checkUsers(root: Json, check: Checker, known: Known, refs: Reference[]): void {
  const upns = new Map<string, string>();
  for (const [user, path] of check.objects(check.array(root, 'users', ''), 'users')) {
    const id = check.string(user.id, child(path, 'id'));
    if (id !== undefined) {
      // Directory objects share one id space (a group member id must say what it is).
      check.unique(known.directory, id, child(path, 'id'));
      known.users.add(id);
    }
    const upn = check.string(user.userPrincipalName, child(path, 'userPrincipalName'));
    if (upn !== undefined) check.unique(upns, upn.toLowerCase(), child(path, 'userPrincipalName'), 'userPrincipalName');
    const methodIds = new Map<string, string>();
    for (const [method, methodPath] of check.objects(check.array(user, 'authenticationMethods', path), child(path, 'authenticationMethods'))) {
      const methodId = check.string(method.id, child(methodPath, 'id'));
      if (methodId !== undefined) check.unique(methodIds, methodId, child(methodPath, 'id'));
      check.string(method['@odata.type'], child(methodPath, '@odata.type'));
    }
    for (const [device, devicePath] of check.objects(check.array(user, 'managedDevices', path), child(path, 'managedDevices'))) {
      check.string(device.id, child(devicePath, 'id'));
    }
    for (const [groupId, itemPath] of check.stringList(user, 'memberOf', path)) {
      refs.push({ id: groupId, path: itemPath, to: 'group', noun: 'group' });
    }
  }
}

function checkGroups(root: Json, check: Checker, known: Known, refs: Reference[]): void {
  for (const [group, path] of check.objects(check.array(root, 'groups', ''), 'groups')) {
    const id = check.string(group.id, child(path, 'id'));
    if (id !== undefined) {
      check.unique(known.directory, id, child(path, 'id'));
      known.groups.add(id);
    }
    for (const [memberId, itemPath] of check.stringList(group, 'members', path)) {
      if (memberId === id) check.fail(itemPath, 'a group cannot be a member of itself');
      else refs.push({ id: memberId, path: itemPath, to: 'userOrGroup', noun: 'member' });
    }
  }
}

function checkServicePrincipals(root: Json, check: Checker, known: Known): void {
  const appIds = new Map<string, string>();
  for (const [sp, path] of check.objects(check.array(root, 'servicePrincipals', ''), 'servicePrincipals')) {
    const id = check.string(sp.id, child(path, 'id'));
    if (id !== undefined) check.unique(known.directory, id, child(path, 'id'));
    const appId = check.string(sp.appId, child(path, 'appId'));
    if (appId !== undefined) check.unique(appIds, appId.toLowerCase(), child(path, 'appId'), 'appId');
  }
}

function checkStrengths(root: Json, check: Checker, strengthIds: Map<string, string>): void {
  const list = check.array(root, 'authenticationStrengthPolicies', '');
  for (const [strength, path] of check.objects(list, 'authenticationStrengthPolicies')) {
    const id = check.string(strength.id, child(path, 'id'));
    if (id !== undefined) check.unique(strengthIds, id, child(path, 'id'));
    if (strength.allowedCombinations !== undefined) check.stringList(strength, 'allowedCombinations', path);
  }
  // Graph always lists the built-in strengths; a snapshot may leave them out.
  for (const builtIn of BUILT_IN_STRENGTHS) {
    const id = builtIn.id as string;
    if (strengthIds.has(id)) continue;
    list.push(structuredClone(builtIn));
    strengthIds.set(id, '(built-in)');
  }
}

function checkMethodsPolicy(root: Json, check: Checker): void {
  if (root.authenticationMethodsPolicy === undefined) {
    root.authenticationMethodsPolicy = { id: 'authenticationMethodsPolicy', authenticationMethodConfigurations: [] };
  }
  const policy = check.object(root.authenticationMethodsPolicy, 'authenticationMethodsPolicy');
  if (!policy) return;
  const path = 'authenticationMethodsPolicy';
  const configIds = new Map<string, string>();
  const configs = check.array(policy, 'authenticationMethodConfigurations', path);
  for (const [config, configPath] of check.objects(configs, child(path, 'authenticationMethodConfigurations'))) {
    const id = check.string(config.id, child(configPath, 'id'));
    if (id !== undefined) check.unique(configIds, id.toLowerCase(), child(configPath, 'id'));
    check.string(config['@odata.type'], child(configPath, '@odata.type'));
    if (config.state !== undefined) check.oneOf(config.state, METHOD_STATES, child(configPath, 'state'));
  }
}

function checkConditionalAccessPolicy(policy: Json, path: string, check: Checker, refs: Reference[]): void {
  check.string(policy.id, child(path, 'id'));
  check.oneOf(policy.state, CA_STATES, child(path, 'state'));

  const conditions = policy.conditions;
  if (conditions !== undefined && conditions !== null) {
    const conditionsPath = child(path, 'conditions');
    const users = check.object(conditions, conditionsPath)?.users;
    const usersPath = child(conditionsPath, 'users');
    if (users !== undefined && users !== null && check.object(users, usersPath)) {
      for (const key of ['includeGroups', 'excludeGroups']) {
        if ((users as Json)[key] === undefined || (users as Json)[key] === null) continue;
        for (const [groupId, itemPath] of check.stringList(users as Json, key, usersPath)) {
          refs.push({ id: groupId, path: itemPath, to: 'group', noun: 'group' });
        }
      }
    }
  }

  const grant = policy.grantControls;
  if (grant === undefined || grant === null) return;
  const grantPath = child(path, 'grantControls');
  const strength = check.object(grant, grantPath)?.authenticationStrength;
  if (strength === undefined || strength === null) return;
  const strengthPath = child(grantPath, 'authenticationStrength');
  if (!check.object(strength, strengthPath)) return;
  const id = check.string((strength as Json).id, child(strengthPath, 'id'));
  if (id !== undefined) refs.push({ id, path: child(strengthPath, 'id'), to: 'strength', noun: 'authentication strength' });
}

/**
 * `signIns` is optional: absent means the sign-in log cannot be read (the server answers 403).
 * Each sign-in needs an id, a createdDateTime and the userId of a snapshot user; status.errorCode
 * is a number; appliedConditionalAccessPolicies items have a string id and result.
 */
function checkSignIns(root: Json, check: Checker, refs: Reference[]): void {
  if (root.signIns === undefined) return;
  const ids = new Map<string, string>();
  for (const [signIn, path] of check.objects(check.array(root, 'signIns', ''), 'signIns')) {
    const id = check.string(signIn.id, child(path, 'id'));
    if (id !== undefined) check.unique(ids, id.toLowerCase(), child(path, 'id'));
    const created = check.string(signIn.createdDateTime, child(path, 'createdDateTime'));
    if (created !== undefined && Number.isNaN(Date.parse(created))) check.fail(child(path, 'createdDateTime'), `expected an ISO date and time, got ${describe(created)}`);
    const userId = check.string(signIn.userId, child(path, 'userId'));
    if (userId !== undefined) refs.push({ id: userId, path: child(path, 'userId'), to: 'user', noun: 'user' });
    for (const key of ['appId', 'correlationId', 'userPrincipalName', 'appDisplayName']) {
      if (signIn[key] !== undefined && signIn[key] !== null) check.string(signIn[key], child(path, key));
    }
    if (signIn.status !== undefined && signIn.status !== null) {
      const status = check.object(signIn.status, child(path, 'status'));
      if (status && status.errorCode !== undefined && (typeof status.errorCode !== 'number' || !Number.isInteger(status.errorCode))) {
        check.fail(child(child(path, 'status'), 'errorCode'), `expected an integer, got ${describe(status.errorCode)}`);
      }
    }
    if (signIn.appliedConditionalAccessPolicies === undefined || signIn.appliedConditionalAccessPolicies === null) continue;
    const appliedPath = child(path, 'appliedConditionalAccessPolicies');
    for (const [applied, itemPath] of check.objects(check.array(signIn, 'appliedConditionalAccessPolicies', path), appliedPath)) {
      check.string(applied.id, child(itemPath, 'id'));
      if (applied.result !== undefined) check.string(applied.result, child(itemPath, 'result'));
    }
  }
}

/** Direct membership can be written on either side (user.memberOf, group.members); make both agree. */
function reconcileMembership(snapshot: TenantSnapshot): void {
  const usersById = new Map(snapshot.users.map((u) => [u.id, u]));
  const groupsById = new Map(snapshot.groups.map((g) => [g.id, g]));
  const memberSets = new Map(snapshot.groups.map((g) => [g.id, new Set(g.members)]));
  for (const user of snapshot.users) {
    user.memberOf = [...new Set(user.memberOf)];
    for (const groupId of user.memberOf) {
      const members = memberSets.get(groupId) as Set<string>;
      if (!members.has(user.id)) {
        members.add(user.id);
        (groupsById.get(groupId) as SnapshotGroup).members.push(user.id);
      }
    }
  }
  for (const group of snapshot.groups) {
    group.members = [...(memberSets.get(group.id) as Set<string>)];
    for (const memberId of group.members) {
      const user = usersById.get(memberId);
      if (user && !user.memberOf.includes(group.id)) user.memberOf.push(group.id);
    }
  }
}

export interface LoadSnapshotOptions {
  /** Adjusts the parsed JSON before validation (the offline demo shifts its TAP windows to now). */
  prepare?: (json: unknown) => unknown;
}

/**
 * Reads and validates a snapshot file; every error message names the file. A contract example
 * document (`{ description, args, expected, snapshot }`) is accepted too: its `snapshot` is used.
 */
export function loadSnapshotFile(path: string, options: LoadSnapshotOptions = {}): TenantSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new SnapshotError(`cannot read snapshot file ${path}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(`${path}: invalid JSON: ${(err as Error).message}`);
  }
  if (isObject(json) && !('tenant' in json) && isObject(json.snapshot)) json = json.snapshot;
  try {
    return validateSnapshot(options.prepare ? options.prepare(json) : json);
  } catch (err) {
    if (err instanceof SnapshotError) throw new SnapshotError(`${path}: ${err.message}`, err.issues);
    throw err;
  }
}
