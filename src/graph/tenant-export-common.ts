// What both ways of exporting a tenant share (npm run export-tenant): the tenant-wide reads,
// listing users, the groups the policies name, bounded concurrency, and the copy that keeps
// response annotations and secrets out of the file.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { AuthenticationMethodsPolicy, Organization, User } from '@microsoft/microsoft-graph-types';
import type {
  SnapshotConditionalAccessPolicy,
  SnapshotMethodConfiguration,
  SnapshotServicePrincipal,
  TenantSnapshot,
} from '../snapshot';
import { GraphReadError } from './errors';
import { graphGet, readAll, readRemainingPages, type GraphPage } from './read';
import { TENANT_PATHS } from './tenant-facts';
import { USER_SELECT } from './user-facts';

type Json = Record<string, unknown>;

export async function readOrganization(client: Client, fallbackTenantId: string | undefined, onUnread: () => void): Promise<TenantSnapshot['tenant']> {
  try {
    const [organization] = await readAll<Organization>(client, '/organization?$select=id,displayName');
    if (organization?.id) return { id: organization.id, ...(organization.displayName ? { displayName: organization.displayName } : {}) };
    throw new GraphReadError('Graph GET /organization: no organization returned', { kind: 'other', status: 200, method: 'GET', path: '/organization' });
  } catch (error) {
    // Without Organization.Read.All the configured tenant id will do; only the name is lost.
    if (!(error instanceof GraphReadError && error.kind === 'forbidden' && fallbackTenantId)) throw error;
    onUnread();
    return { id: fallbackTenantId };
  }
}

/** The policy with its configurations (Graph returns them inside it; read the collection only if it did not). */
export async function readMethodsPolicy(client: Client): Promise<TenantSnapshot['authenticationMethodsPolicy']> {
  const policy = await graphGet<AuthenticationMethodsPolicy>(client, TENANT_PATHS.methodsPolicy);
  const configurations = Array.isArray(policy.authenticationMethodConfigurations)
    ? policy.authenticationMethodConfigurations
    : await readAll<SnapshotMethodConfiguration>(client, TENANT_PATHS.methodConfigurations);
  return { ...policy, authenticationMethodConfigurations: configurations as SnapshotMethodConfiguration[] };
}

/** A tenant where nobody has used Authenticator may have no service principal for it. */
export async function readAuthenticatorServicePrincipal(client: Client): Promise<SnapshotServicePrincipal | null> {
  try {
    return await graphGet<SnapshotServicePrincipal>(client, TENANT_PATHS.authenticatorServicePrincipal);
  } catch (error) {
    if (error instanceof GraphReadError && error.kind === 'notFound') return null;
    throw error;
  }
}

/** Every user (or the first maxUsers), 999 a page, with the properties the engine reads. */
export async function listUsers(client: Client, maxUsers = Infinity): Promise<User[]> {
  const first = await graphGet<GraphPage<User>>(client, `/users?$select=${USER_SELECT}&$top=${Math.min(999, maxUsers)}`);
  if (Number.isFinite(maxUsers)) {
    // Stop paging once there are enough.
    const users: User[] = [...(first.value ?? [])];
    let next = first['@odata.nextLink'];
    while (next && users.length < maxUsers) {
      const page: GraphPage<User> = await graphGet<GraphPage<User>>(client, next);
      users.push(...(page.value ?? []));
      next = page['@odata.nextLink'];
    }
    return users.slice(0, maxUsers).filter((u) => u.id);
  }
  return (await readRemainingPages(client, first)).filter((u) => u.id);
}

/** Group ids that Conditional Access (users) and the method configurations (targets) name. */
export function referencedGroupIds(policies: SnapshotConditionalAccessPolicy[], configurations: SnapshotMethodConfiguration[]): Set<string> {
  const ids = new Set<string>();
  for (const policy of policies) {
    for (const id of [...(policy.conditions?.users?.includeGroups ?? []), ...(policy.conditions?.users?.excludeGroups ?? [])]) ids.add(id);
  }
  for (const config of configurations) {
    for (const key of ['includeTargets', 'excludeTargets']) {
      const targets = config[key];
      if (!Array.isArray(targets)) continue;
      for (const t of targets as { targetType?: string; id?: string }[]) {
        if (t?.targetType === 'group' && typeof t.id === 'string' && t.id !== 'all_users') ids.add(t.id);
      }
    }
  }
  return ids;
}

/** Directory role template ids that Conditional Access policies include or exclude. */
export function referencedRoleIds(policies: SnapshotConditionalAccessPolicy[]): Set<string> {
  const ids = new Set<string>();
  for (const policy of policies) {
    for (const id of [...(policy.conditions?.users?.includeRoles ?? []), ...(policy.conditions?.users?.excludeRoles ?? [])]) ids.add(id);
  }
  return ids;
}

// Response metadata, not part of the resources.
const RESPONSE_ANNOTATION = /@odata\.(context|nextLink|deltaLink|count|etag|id|editLink)$/;

/**
 * A deep copy without response annotations, and without any Temporary Access Pass value: Graph
 * returns the pass only when it is created, but a secret must never reach the file even if it did.
 */
export function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'temporaryAccessPass' || RESPONSE_ANNOTATION.test(key)) continue;
    out[key] = clean(item);
  }
  return out;
}

/** Runs work over items, at most `concurrency` at once; after a failure no new item starts, and the failure is thrown. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Items in runs of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
