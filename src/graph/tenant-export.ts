// The scalable tenant export (npm run export-tenant): reads a tenant the way its size asks for,
// in a number of Graph requests that grows with pages, the groups and roles the policies name,
// and the users whose methods the activity report cannot settle — not with every user:
//  - users: GET /users, 999 a page, $select of what the engine reads;
//  - groups: GET /groups/{id}/transitiveMembers for the groups that Conditional Access policies
//    and method targets name, and groups holding a directory role the policies name ($batch, 20
//    groups a POST; longer lists paged). A group is written with every user inside it as a member
//    (nesting flattened: it evaluates the same; the intermediate groups are not exported). Their
//    names from the group list (GET /groups?$select=id,displayName, 999 a page) while that is
//    cheaper than reading the still unnamed ones one by one (GET /groups/{id} in $batch);
//  - directory roles: GET /roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq
//    '<template>' for each role the policies name (tenant-wide assignments, directoryScopeId '/');
//  - methods: the activity report (GET /reports/authenticationMethods/userRegistrationDetails),
//    then GET /users/{id}/authentication/methods ($batch, 20 a POST) for the users it cannot
//    settle (see tenant-export-methods.ts), or for everyone when the report is forbidden;
//  - phones: GET /deviceManagement/managedDevices?$filter=operatingSystem eq 'Android' | 'iOS' |
//    'iPadOS', paged, each device given to its primary user (userId);
//  - sign-ins (optional): GET /auditLogs/signIns for the registration apps over the last N days.
// Bounded concurrency throughout; the client's retry handler honours Retry-After on every request
// and the $batch helper on every inner request.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { User } from '@microsoft/microsoft-graph-types';
import type {
  SnapshotAuthenticationMethod,
  SnapshotAuthenticationStrength,
  SnapshotConditionalAccessPolicy,
  SnapshotGroup,
  SnapshotManagedDevice,
  SnapshotMethodConfiguration,
  SnapshotNamedLocation,
  SnapshotRoleAssignment,
  SnapshotServicePrincipal,
  SnapshotSignIn,
  SnapshotUser,
  TenantSnapshot,
} from '../snapshot';
import { GraphReadError } from './errors';
import { graphCall, PREFER_UNKNOWN_ENUM_MEMBERS, type GraphPage } from './read';
import { REGISTRATION_APP_IDS, SIGN_INS_PATH } from './sign-ins';
import { batchGet, innerError, MAX_BATCH, resendOnDrop, type BatchRetry, type RequestTally } from './tenant-export-batch';
import { chunks, clean, forEachConcurrently, readOrganization, referencedGroupIds, referencedRoleIds } from './tenant-export-common';
import { allowsSmsSignIn, methodsFromReport, REGISTRATION_DETAILS_PATH, settles, type RegistrationDetails } from './tenant-export-methods';
import { readTenantPolicies } from './tenant-facts';
import { DEVICE_SELECT, USER_SELECT } from './user-facts';

export interface ScalableExportOptions {
  /** Requests in flight at most (a $batch counts once). */
  concurrency: number;
  maxUsers?: number;
  /** Used when /organization is forbidden (no Organization.Read.All): the tenant id from the configuration. */
  fallbackTenantId?: string;
  /** Include the registration apps' sign-ins of the last N days (0: none). */
  signInDays?: number;
  progress: (line: string) => void;
  /** A warning the admin should read (e.g. the report or the sign-in log is forbidden). */
  warn: (line: string) => void;
  /** The end of the sign-in window; default now. */
  now?: () => Date;
  /** Inner $batch retries (tests inject a fake clock). */
  retry?: BatchRetry;
}

export interface ScalableExportStats {
  vanishedUsers: number;
  missingGroups: number;
  organizationNameUnread: boolean;
  /** Users whose methods were read one by one (the report could not settle them, or was forbidden). */
  methodReads: number;
  /** The activity report could not be read (403): every user's methods were read one by one. */
  reportForbidden: boolean;
  /** Sign-ins included, or why not. */
  signIns: { included: number } | 'not asked' | 'forbidden';
  tally: RequestTally;
}

const PHONE_SYSTEMS = ['Android', 'iOS', 'iPadOS'];
const PAGE = 999;

/** Reads the tenant and assembles a snapshot (not yet validated). */
export async function exportTenantScalable(client: Client, options: ScalableExportOptions): Promise<{ snapshot: TenantSnapshot; stats: ScalableExportStats }> {
  const tally: RequestTally = { http: 0, graph: 0, innerRetries: 0 };
  const stats: ScalableExportStats = { vanishedUsers: 0, missingGroups: 0, organizationNameUnread: false, methodReads: 0, reportForbidden: false, signIns: 'not asked', tally };
  const limit = limiter(options.concurrency);
  const pages = pageReader(client, tally, limit);
  const all = readAllPages(pages);
  const batch = (requests: { id: string; url: string }[]) => limit(() => batchGet(client, requests, tally, options.retry));

  // Tenant-wide reads, users and the activity report, in parallel.
  const [tenant, policies, listedAll, report, phones] = await Promise.all([
    readOrganization(client, options.fallbackTenantId, () => (stats.organizationNameUnread = true)),
    // The reads of readTenantFacts, objects kept whole; the collections through the counted reader.
    readTenantPolicies<SnapshotConditionalAccessPolicy, SnapshotNamedLocation, SnapshotAuthenticationStrength, SnapshotMethodConfiguration, SnapshotServicePrincipal>(
      client,
      (path) => all(path),
    ),
    all<User>(`/users?$select=${USER_SELECT}&$top=${PAGE}`, undefined, options.maxUsers),
    readReport(all, options.warn, stats),
    readPhones(all),
  ]);
  const { conditionalAccessPolicies, namedLocations, authenticationStrengths: authenticationStrengthPolicies, methodsPolicy: authenticationMethodsPolicy } = policies;
  const authenticator = policies.authenticatorServicePrincipal;
  // Organization, methods policy, Authenticator's service principal: read through the shared helpers.
  tally.http += 3;
  tally.graph += 3;
  const listed = listedAll.slice(0, options.maxUsers ?? Infinity).filter((u): u is User & { id: string } => typeof u.id === 'string' && u.id !== '');
  const userIds = new Set(listed.map((u) => u.id));
  options.progress(`${listed.length} users listed; ${report ? `the activity report lists ${report.size}` : 'no activity report'}`);

  // Groups and roles, and the methods the report cannot settle: both at once (the limit bounds them together).
  const groups = new Map<string, SnapshotGroup>();
  const roleAssignments: SnapshotRoleAssignment[] = [];
  const methods = new Map<string, SnapshotAuthenticationMethod[]>();
  const vanished = new Set<string>();
  await Promise.all([
    (async () => {
      // Roles the policies name, and who holds them (a group holding one is read like a named group).
      const roleIds = [...referencedRoleIds(conditionalAccessPolicies)];
      const holders = new Map<string, string[]>(roleIds.map((id) => [id, []]));
      for (const part of chunks(roleIds, MAX_BATCH)) {
        const answers = await batch(part.map((id) => ({ id, url: `/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`roleDefinitionId eq '${id}'`)}` })));
        await Promise.all(
          part.map(async (roleId) => {
            const answer = answers.get(roleId)!;
            if (answer.status === 404 || answer.status === 400) return; // not a role of this tenant
            if (answer.status >= 300) throw innerError(answer, '/roleManagement/directory/roleAssignments');
            const page = answer.body as GraphPage<{ principalId?: string; roleDefinitionId?: string; directoryScopeId?: string }>;
            const items = [...(page.value ?? []), ...(page['@odata.nextLink'] ? await all<{ principalId?: string; directoryScopeId?: string }>(page['@odata.nextLink']) : [])];
            for (const a of items) {
              if (!a.principalId || (a.directoryScopeId ?? '/') !== '/') continue;
              holders.get(roleId)!.push(a.principalId);
            }
          }),
        );
      }
      // In the policies' order, whatever order the answers came in.
      for (const [roleTemplateId, principals] of holders) for (const principalId of principals) roleAssignments.push({ roleTemplateId, principalId });

      // Groups: named by policies and method targets, or holding a named role (not a user: a group, or a service principal that 404s).
      const named = referencedGroupIds(conditionalAccessPolicies, authenticationMethodsPolicy.authenticationMethodConfigurations);
      const groupIds = new Set(named);
      const knownUsers = new Set(listedAll.map((u) => u.id));
      const rolePrincipals = new Set(roleAssignments.map((a) => a.principalId).filter((id) => !knownUsers.has(id)));
      for (const id of rolePrincipals) groupIds.add(id);
      const [members, names] = await Promise.all([readTransitiveUsers([...groupIds], batch, all, options.concurrency), readGroupNames([...groupIds], pages, batch)]);
      for (const id of groupIds) {
        const found = members.get(id);
        if (!found) {
          if (!named.has(id)) continue; // a role holder that is no group (a service principal): nobody to evaluate
          stats.missingGroups++;
          groups.set(id, { id, members: [] });
          continue;
        }
        const displayName = names.get(id);
        groups.set(id, { id, ...(displayName ? { displayName } : {}), members: found.users.filter((u) => userIds.has(u)) });
      }
      options.progress(`${groups.size} groups and ${roleAssignments.length} role assignments read`);
    })(),
    (async () => {
      // Methods: from the report where it settles them, else read one by one.
      const smsSignInMatters = allowsSmsSignIn(authenticationStrengthPolicies);
      const unsettled: string[] = [];
      for (const user of listed) {
        const details = report?.get(user.id);
        if (details && settles(details, { smsSignInMatters })) methods.set(user.id, methodsFromReport(details));
        else unsettled.push(user.id);
      }
      stats.methodReads = unsettled.length;
      if (unsettled.length > 0) options.progress(`reading the methods of ${unsettled.length} users one by one (${Math.ceil(unsettled.length / MAX_BATCH)} $batch requests)`);
      let done = 0;
      await forEachConcurrently(chunks(unsettled, MAX_BATCH), options.concurrency, async (part) => {
        const answers = await batch(part.map((id) => ({ id, url: `/users/${encodeURIComponent(id)}/authentication/methods` })));
        await Promise.all(
          part.map(async (id) => {
            const answer = answers.get(id)!;
            if (answer.status === 404) {
              vanished.add(id);
              return;
            }
            if (answer.status >= 300) throw innerError(answer, `/users/${id}/authentication/methods`);
            const page = answer.body as GraphPage<SnapshotAuthenticationMethod>;
            const rest = page['@odata.nextLink'] ? await all<SnapshotAuthenticationMethod>(page['@odata.nextLink']) : [];
            methods.set(id, [...(page.value ?? []), ...rest]);
          }),
        );
        done += part.length;
        if (done % 5000 < part.length) options.progress(`${done} of ${unsettled.length} users' methods read`);
      });
    })(),
  ]);
  const exportedRoles = roleAssignments.filter((a) => userIds.has(a.principalId) || groups.has(a.principalId));
  stats.vanishedUsers = vanished.size;

  // Sign-ins (optional).
  let signIns: SnapshotSignIn[] | undefined;
  if ((options.signInDays ?? 0) > 0) {
    const read = await readRegistrationSignIns(all, options.signInDays!, options.now?.() ?? new Date(), options.warn);
    if (read === 'forbidden') stats.signIns = 'forbidden';
    else {
      signIns = read.filter((s) => userIds.has(s.userId) && !vanished.has(s.userId));
      stats.signIns = { included: signIns.length };
    }
  }

  const memberOf = new Map<string, string[]>();
  for (const g of groups.values()) {
    for (const u of g.members) {
      let list = memberOf.get(u);
      if (!list) memberOf.set(u, (list = []));
      list.push(g.id);
    }
  }
  const users: SnapshotUser[] = listed
    .filter((u) => !vanished.has(u.id))
    .map(
      (u) =>
        ({
          ...(clean(u) as object),
          id: u.id,
          authenticationMethods: clean(methods.get(u.id) ?? []) as SnapshotAuthenticationMethod[],
          managedDevices: (phones.get(u.id) ?? []).map((d) => clean(d) as SnapshotManagedDevice),
          memberOf: memberOf.get(u.id) ?? [],
        }) as SnapshotUser,
    );
  if (vanished.size > 0) for (const g of groups.values()) g.members = g.members.filter((id) => !vanished.has(id));

  const snapshot: TenantSnapshot = {
    tenant,
    conditionalAccessPolicies: clean(conditionalAccessPolicies) as SnapshotConditionalAccessPolicy[],
    namedLocations: clean(namedLocations) as SnapshotNamedLocation[],
    authenticationStrengthPolicies: clean(authenticationStrengthPolicies) as SnapshotAuthenticationStrength[],
    authenticationMethodsPolicy: clean(authenticationMethodsPolicy) as TenantSnapshot['authenticationMethodsPolicy'],
    users,
    groups: [...groups.values()],
    roleAssignments: exportedRoles.filter((a) => !vanished.has(a.principalId)),
    servicePrincipals: authenticator ? [clean(authenticator) as SnapshotServicePrincipal] : [],
    ...(signIns ? { signIns: clean(signIns) as SnapshotSignIn[] } : {}),
  };
  return { snapshot, stats };
}

export type ReadAll = <T>(path: string, prefer?: string, max?: number) => Promise<T[]>;
/** A collection's pages, one GET each, as they are asked for; `more`: a next page exists. */
export type ReadPages = <T>(path: string, prefer?: string) => AsyncGenerator<{ items: T[]; more: boolean }>;

/**
 * GET a collection and its following pages (at most `max` items), counted in `tally`, each request through `limit`;
 * with `Prefer: include-unknown-enum-members` unless told another preference (else Graph hides evolvable enums' newer members).
 */
export function pagedReader(client: Client, tally: RequestTally, limit?: <T>(work: () => Promise<T>) => Promise<T>): ReadAll {
  return readAllPages(pageReader(client, tally, limit));
}

/** Every item of a collection (at most `max`), from its pages. */
function readAllPages(pages: ReadPages): ReadAll {
  return async <T>(path: string, prefer?: string, max = Infinity): Promise<T[]> => {
    const items: T[] = [];
    for await (const page of pages<T>(path, prefer)) {
      items.push(...page.items);
      if (items.length >= max) break;
    }
    return items;
  };
}

/** The pages of a collection, read one at a time: the caller can stop early (a page not asked for is not read). */
function pageReader(client: Client, tally: RequestTally, limit: <T>(work: () => Promise<T>) => Promise<T> = (work) => work()): ReadPages {
  const get = <T>(path: string, prefer?: string): Promise<T> =>
    limit(() => {
      tally.http++;
      tally.graph++;
      return resendOnDrop(() => graphCall(client, 'GET', path, (request) => request.header('Prefer', prefer ?? PREFER_UNKNOWN_ENUM_MEMBERS).get() as Promise<T>));
    });
  return async function* <T>(path: string, prefer?: string): AsyncGenerator<{ items: T[]; more: boolean }> {
    const seen = new Set<string>();
    for (let next: string | undefined = path; next; ) {
      if (seen.has(next)) throw new GraphReadError(`paging did not end at ${pathOnly(path)}`, { kind: 'other', status: null, method: 'GET', path: pathOnly(path) });
      seen.add(next);
      const page: GraphPage<T> = await get<GraphPage<T>>(next, prefer);
      next = page['@odata.nextLink'];
      yield { items: page.value ?? [], more: next !== undefined };
    }
  };
}

/**
 * The sign-ins of the last `days` days to the apps a passkey registration goes through
 * (Microsoft Authenticator, My Sign-ins / security info), newest first; 'forbidden' (and a
 * warning) when the log cannot be read: no AuditLog.Read.All, or no Entra ID P1 licence.
 */
export async function readRegistrationSignIns(all: ReadAll, days: number, now: Date, warn: (line: string) => void): Promise<SnapshotSignIn[] | 'forbidden'> {
  const from = new Date(now.getTime() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    const lists = await Promise.all(
      REGISTRATION_APP_IDS.map((appId) =>
        all<SnapshotSignIn>(`${SIGN_INS_PATH}?$filter=${encodeURIComponent(`appId eq '${appId}' and createdDateTime ge ${from}`)}&$top=${PAGE}`, PREFER_UNKNOWN_ENUM_MEMBERS),
      ),
    );
    const seen = new Set<string>();
    return lists
      .flat()
      .filter((s) => !seen.has(s.id) && seen.add(s.id))
      .sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime));
  } catch (error) {
    if (!(error instanceof GraphReadError && error.kind === 'forbidden')) throw error;
    warn('the sign-in log cannot be read (403: the app needs AuditLog.Read.All and the tenant an Entra ID P1 licence); the export goes on without sign-ins');
    return 'forbidden';
  }
}
type Batch = (requests: { id: string; url: string }[]) => Promise<Map<string, { status: number; body: unknown; headers: Record<string, string> }>>;

/** The activity report by user id; null (and a warning) when it is forbidden. */
async function readReport(all: ReadAll, warn: (line: string) => void, stats: ScalableExportStats): Promise<Map<string, RegistrationDetails> | null> {
  try {
    const entries = await all<RegistrationDetails>(`${REGISTRATION_DETAILS_PATH}?$select=id,methodsRegistered&$top=${PAGE}`);
    return new Map(entries.filter((e) => typeof e.id === 'string').map((e) => [e.id, e]));
  } catch (error) {
    if (!(error instanceof GraphReadError && error.kind === 'forbidden')) throw error;
    stats.reportForbidden = true;
    warn(
      'the authentication methods activity report cannot be read (403: it needs AuditLog.Read.All and an Entra ID P1/P2 licence); every user\'s methods are read one by one instead (one Graph request per user, in $batch)',
    );
    return null;
  }
}

/** Intune-managed phones by their primary user's id. */
async function readPhones(all: ReadAll): Promise<Map<string, SnapshotManagedDevice[]>> {
  const lists = await Promise.all(
    PHONE_SYSTEMS.map((os) =>
      all<SnapshotManagedDevice>(
        `/deviceManagement/managedDevices?$filter=${encodeURIComponent(`operatingSystem eq '${os}'`)}&$select=${DEVICE_SELECT},userId&$top=${PAGE}`,
      ),
    ),
  );
  const byUser = new Map<string, SnapshotManagedDevice[]>();
  for (const { userId, ...device } of lists.flat()) {
    if (!userId) continue;
    byUser.set(userId, [...(byUser.get(userId) ?? []), device as SnapshotManagedDevice]);
  }
  return byUser;
}

/** The users inside each group (through nesting), 20 groups a $batch; missing groups are absent from the map. */
async function readTransitiveUsers(ids: string[], batch: Batch, all: ReadAll, concurrency: number): Promise<Map<string, { users: string[] }>> {
  const out = new Map<string, { users: string[] }>();
  await forEachConcurrently(chunks(ids, MAX_BATCH), concurrency, async (part) => {
    const answers = await batch(part.map((id) => ({ id, url: `/groups/${encodeURIComponent(id)}/transitiveMembers?$select=id&$top=${PAGE}` })));
    await Promise.all(
      part.map(async (id) => {
        const list = answers.get(id)!;
        if (list.status === 404) return;
        if (list.status >= 300) throw innerError(list, `/groups/${id}/transitiveMembers`);
        const page = list.body as GraphPage<{ id?: string; '@odata.type'?: string }>;
        const items = [...(page.value ?? []), ...(page['@odata.nextLink'] ? await all<{ id?: string; '@odata.type'?: string }>(page['@odata.nextLink']) : [])];
        const users = [...new Set(items.filter((m) => m['@odata.type'] === '#microsoft.graph.user' && m.id).map((m) => m.id as string))];
        out.set(id, { users });
      }),
    );
  });
  return out;
}

/**
 * The display names of the given groups. The tenant's group list (999 a page) names many groups a
 * request; reading a group by id names one. So: page the list while the pages read stay fewer than
 * the groups still unnamed (at most twice the cheaper way, whatever the tenant's size), then read
 * the rest by id, 20 a $batch. A group neither listed nor found has no name.
 */
export async function readGroupNames(ids: readonly string[], pages: ReadPages, batch: Batch): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unnamed = new Set(ids);
  if (unnamed.size > 1) {
    let read = 0;
    for await (const page of pages<{ id?: string; displayName?: string | null }>(`/groups?$select=id,displayName&$top=${PAGE}`)) {
      for (const g of page.items) {
        if (!g.id || !unnamed.delete(g.id)) continue;
        if (g.displayName) names.set(g.id, g.displayName);
      }
      if (!page.more) return names; // the whole list was read: the groups still unnamed do not exist
      if (++read >= unnamed.size) break;
    }
  }
  for (const part of chunks([...unnamed], MAX_BATCH)) {
    const answers = await batch(part.map((id) => ({ id, url: `/groups/${encodeURIComponent(id)}?$select=id,displayName` })));
    for (const id of part) {
      const answer = answers.get(id)!;
      if (answer.status === 404) continue;
      if (answer.status >= 300) throw innerError(answer, `/groups/${id}`);
      const displayName = (answer.body as { displayName?: string | null }).displayName;
      if (displayName) names.set(id, displayName);
    }
  }
  return names;
}

/** At most `n` calls in flight. */
function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

function pathOnly(path: string): string {
  return path.replace(/^https?:\/\/[^/]+\/[^/]+/, '').split('?')[0];
}
