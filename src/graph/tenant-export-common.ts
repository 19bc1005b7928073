// What both ways of exporting a tenant share (npm run export-tenant): the tenant-wide reads,
// listing users, the groups the policies name, bounded concurrency, and the copy that keeps
// response annotations and secrets out of the file.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { User } from '@microsoft/microsoft-graph-types';
import type {
  SnapshotConditionalAccessPolicy,
  SnapshotMethodConfiguration,
  SnapshotServicePrincipal,
  TenantSnapshot,
} from '../snapshot';
import { GraphReadError } from './errors';
import { graphGet, readRemainingPages, type GraphPage } from './read';
import { readAuthenticatorServicePrincipal as readAuthenticatorServicePrincipalOf, readMethodsPolicy as readMethodsPolicyOf, readOrganizationObject } from './tenant-facts';
import { USER_SELECT } from './user-facts';

type Json = Record<string, unknown>;

/** The organization's id and name; without Organization.Read.All the configured tenant id will do (only the name is lost). */
export async function readOrganization(client: Client, fallbackTenantId: string | undefined, onUnread: () => void): Promise<TenantSnapshot['tenant']> {
  try {
    const organization = await readOrganizationObject(client, '/organization?$select=id,displayName');
    return { id: organization.id, ...(organization.displayName ? { displayName: organization.displayName } : {}) };
  } catch (error) {
    if (!(error instanceof GraphReadError && error.kind === 'forbidden' && fallbackTenantId)) throw error;
    onUnread();
    return { id: fallbackTenantId };
  }
}

/** The methods policy with its configurations, as the bot reads it (tenant-facts.ts). */
export const readMethodsPolicy = (client: Client): Promise<TenantSnapshot['authenticationMethodsPolicy']> => readMethodsPolicyOf<SnapshotMethodConfiguration>(client);

/** Authenticator's service principal (null when the tenant has none), as the bot reads it (tenant-facts.ts). */
export const readAuthenticatorServicePrincipal = (client: Client): Promise<SnapshotServicePrincipal | null> =>
  readAuthenticatorServicePrincipalOf<SnapshotServicePrincipal>(client);

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
