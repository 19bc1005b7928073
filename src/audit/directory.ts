// The whole directory of a snapshot, indexed once for a tenant-wide audit: every user's
// transitive groups and directory roles, and every group's transitive users. Transitive
// membership is computed once per group (memoised ancestor lists), never once per user, so a
// 50,000-user / 2,000-group tenant indexes in well under a second. Also turns a snapshot into
// the engine's facts (TenantFacts, UserFacts) — the product version of what the Graph layer
// reads for one user.
import { AUTHENTICATOR_AAGUID, odataType, type UserFacts } from '../diagnosis';
import type { SnapshotUser, TenantSnapshot } from '../snapshot';

const AUTHENTICATOR_AAGUIDS = new Set<string>(Object.values(AUTHENTICATOR_AAGUID));

/** The tenant-wide facts, as the Graph layer would read them. */
export { tenantFactsOfSnapshot } from '../snapshot';
/** True when the user holds a passkey (FIDO2 method) made by Microsoft Authenticator, on either platform. */
export function hasAuthenticatorPasskey(user: Pick<SnapshotUser, 'authenticationMethods'>): boolean {
  return user.authenticationMethods.some(
    (m) => odataType(m) === 'fido2AuthenticationMethod' && AUTHENTICATOR_AAGUIDS.has(String((m as { aaGuid?: unknown }).aaGuid ?? '').toLowerCase()),
  );
}

export class DirectoryIndex {
  readonly users: readonly SnapshotUser[];
  /** user id -> position in `users` (the index every per-user array uses). */
  readonly userIndex = new Map<string, number>();
  readonly groupNames = new Map<string, string>();
  /** memberId (user or group) -> the groups it is a direct member of. */
  private readonly parents = new Map<string, string[]>();
  private readonly ancestorCache = new Map<string, string[]>();
  private readonly userGroupCache: (string[] | undefined)[];
  private groupUserLists: Map<string, number[]> | null = null;
  private readonly rolesByPrincipal = new Map<string, string[]>();
  private roleUserLists: Map<string, number[]> | null = null;

  constructor(readonly snapshot: TenantSnapshot) {
    this.users = snapshot.users;
    this.users.forEach((u, i) => this.userIndex.set(u.id, i));
    this.userGroupCache = new Array(this.users.length);
    for (const g of snapshot.groups) {
      this.groupNames.set(g.id, g.displayName ?? g.id);
      for (const member of g.members) this.parentList(member).push(g.id);
    }
    // A validated snapshot has membership on both sides; user.memberOf covers hand-built ones.
    for (const u of this.users) {
      const own = this.parentList(u.id);
      for (const g of u.memberOf) if (!own.includes(g)) own.push(g);
    }
    for (const r of snapshot.roleAssignments) {
      const list = this.rolesByPrincipal.get(r.principalId) ?? [];
      if (!list.includes(r.roleTemplateId)) list.push(r.roleTemplateId);
      this.rolesByPrincipal.set(r.principalId, list);
    }
  }

  get size(): number {
    return this.users.length;
  }

  groupName(id: string): string {
    return this.groupNames.get(id) ?? id;
  }

  /** Every group user `i` is in, directly or through nested groups (direct ones first). */
  userGroups(i: number): string[] {
    let cached = this.userGroupCache[i];
    if (!cached) {
      const direct = this.parents.get(this.users[i].id) ?? [];
      const all = new Set(direct);
      for (const g of direct) for (const a of this.ancestors(g)) all.add(a);
      cached = [...all];
      this.userGroupCache[i] = cached;
    }
    return cached;
  }

  directGroups(i: number): string[] {
    return this.parents.get(this.users[i].id) ?? [];
  }

  /** Role template ids user `i` holds, directly or through a group. */
  userRoles(i: number): string[] {
    const out = new Set(this.rolesByPrincipal.get(this.users[i].id) ?? []);
    for (const g of this.userGroups(i)) for (const r of this.rolesByPrincipal.get(g) ?? []) out.add(r);
    return [...out];
  }

  /** Indexes of the users inside group `id`, through nested groups. Built for all groups at once, on first use. */
  groupUsers(id: string): readonly number[] {
    if (!this.groupUserLists) {
      const lists = new Map<string, number[]>();
      for (let i = 0; i < this.users.length; i++) {
        for (const g of this.userGroups(i)) {
          let list = lists.get(g);
          if (!list) lists.set(g, (list = []));
          list.push(i);
        }
      }
      this.groupUserLists = lists;
    }
    return this.groupUserLists.get(id) ?? [];
  }

  /** Indexes of the users holding a directory role (assigned to them or to a group they are in). */
  roleUsers(roleTemplateId: string): readonly number[] {
    if (!this.roleUserLists) {
      const lists = new Map<string, Set<number>>();
      for (const [principal, roles] of this.rolesByPrincipal) {
        const direct = this.userIndex.get(principal);
        const members = direct !== undefined ? [direct] : this.groupUsers(principal);
        for (const r of roles) {
          let set = lists.get(r);
          if (!set) lists.set(r, (set = new Set()));
          for (const i of members) set.add(i);
        }
      }
      this.roleUserLists = new Map([...lists].map(([r, s]) => [r, [...s].sort((a, b) => a - b)]));
    }
    return this.roleUserLists.get(roleTemplateId) ?? [];
  }

  /** The engine's facts about user `i`, as the Graph layer reads them (transitive groups and roles). */
  userFacts(i: number): UserFacts {
    const { authenticationMethods, managedDevices, memberOf: _memberOf, ...user } = this.users[i];
    const groupIds = this.userGroups(i);
    return {
      user,
      groupIds,
      directGroupIds: this.directGroups(i),
      groupNames: Object.fromEntries(groupIds.map((g) => [g, this.groupName(g)])),
      roleTemplateIds: this.userRoles(i),
      methods: authenticationMethods,
      managedDevices,
    };
  }

  /** Transitive parents of a group; breadth-first with a visited set, so cyclic nesting is safe. */
  private ancestors(groupId: string): string[] {
    let cached = this.ancestorCache.get(groupId);
    if (cached) return cached;
    const seen = new Set<string>([groupId]);
    const order: string[] = [];
    const queue = [groupId];
    for (let q = 0; q < queue.length; q++) {
      const next = queue[q];
      // Reuse a finished ancestor list instead of walking the same chain again.
      const known = next !== groupId ? this.ancestorCache.get(next) : undefined;
      const step = known ?? this.parents.get(next) ?? [];
      for (const p of step) {
        if (seen.has(p)) continue;
        seen.add(p);
        order.push(p);
        if (!known) queue.push(p);
      }
    }
    cached = order;
    this.ancestorCache.set(groupId, cached);
    return cached;
  }

  private parentList(memberId: string): string[] {
    let list = this.parents.get(memberId);
    if (!list) this.parents.set(memberId, (list = []));
    return list;
  }
}
