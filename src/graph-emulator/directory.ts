// The live tenant behind the emulator: a validated snapshot plus the indexes that keep lookups
// fast on big tenants (50,000 users, 2,000 groups), transitive membership memoised per group,
// and the membership writes. Transitive caches are dropped on every write (writes are rare).
import { WELL_KNOWN_ROLE_NAMES } from './builtins';
import type {
  SnapshotGroup,
  SnapshotMethodConfiguration,
  SnapshotRoleAssignment,
  SnapshotServicePrincipal,
  SnapshotUser,
  TenantSnapshot,
} from '../snapshot';

export type DirectoryObjectRef =
  | { kind: 'user'; object: SnapshotUser }
  | { kind: 'group'; object: SnapshotGroup }
  | { kind: 'servicePrincipal'; object: SnapshotServicePrincipal };

/** What /memberOf and /transitiveMemberOf list besides groups. */
export interface DirectoryRoleItem {
  '@odata.type': '#microsoft.graph.directoryRole';
  id: string;
  displayName: string;
  roleTemplateId: string;
}

export class TenantDirectory {
  private readonly usersById = new Map<string, SnapshotUser>();
  private readonly usersByUpn = new Map<string, SnapshotUser>();
  private readonly groupsById = new Map<string, SnapshotGroup>();
  private readonly spsById = new Map<string, SnapshotServicePrincipal>();
  private readonly spsByAppId = new Map<string, SnapshotServicePrincipal>();
  /** memberId (user or group) -> ids of the groups it is a direct member of. */
  private readonly parents = new Map<string, Set<string>>();
  /** groupId -> ids of its direct members. */
  private readonly memberSets = new Map<string, Set<string>>();
  private readonly rolesByPrincipal = new Map<string, SnapshotRoleAssignment[]>();
  private readonly ancestorCache = new Map<string, string[]>();
  private readonly descendantCache = new Map<string, string[]>();

  /** Takes ownership of `data` (a validated, normalised snapshot) and mutates it on writes. */
  constructor(readonly data: TenantSnapshot) {
    for (const user of data.users) {
      this.usersById.set(user.id, user);
      this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
    }
    for (const group of data.groups) {
      this.groupsById.set(group.id, group);
      this.memberSets.set(group.id, new Set(group.members));
      for (const memberId of group.members) this.parentSet(memberId).add(group.id);
    }
    for (const sp of data.servicePrincipals) {
      this.spsById.set(sp.id, sp);
      this.spsByAppId.set(sp.appId.toLowerCase(), sp);
    }
    for (const assignment of data.roleAssignments) {
      const list = this.rolesByPrincipal.get(assignment.principalId) ?? [];
      list.push(assignment);
      this.rolesByPrincipal.set(assignment.principalId, list);
    }
  }

  /** By object id, or by userPrincipalName (case-insensitive), as Graph's /users/{id | userPrincipalName}. */
  findUser(idOrUpn: string): SnapshotUser | undefined {
    return this.usersById.get(idOrUpn) ?? this.usersByUpn.get(idOrUpn.toLowerCase());
  }

  findGroup(id: string): SnapshotGroup | undefined {
    return this.groupsById.get(id);
  }

  findServicePrincipal(id: string): SnapshotServicePrincipal | undefined {
    return this.spsById.get(id);
  }

  findServicePrincipalByAppId(appId: string): SnapshotServicePrincipal | undefined {
    return this.spsByAppId.get(appId.toLowerCase());
  }

  findDirectoryObject(id: string): DirectoryObjectRef | undefined {
    const user = this.usersById.get(id);
    if (user) return { kind: 'user', object: user };
    const group = this.groupsById.get(id);
    if (group) return { kind: 'group', object: group };
    const sp = this.spsById.get(id);
    if (sp) return { kind: 'servicePrincipal', object: sp };
    return undefined;
  }

  /** A method configuration by id, case-insensitively ("Fido2", "TemporaryAccessPass", ...). */
  findMethodConfiguration(id: string): SnapshotMethodConfiguration | undefined {
    const wanted = id.toLowerCase();
    return this.data.authenticationMethodsPolicy.authenticationMethodConfigurations.find((c) => c.id.toLowerCase() === wanted);
  }

  /** Ids of the groups `memberId` is directly in. */
  directGroupIds(memberId: string): string[] {
    return [...(this.parents.get(memberId) ?? [])];
  }

  /** Ids of every group `memberId` is in, directly or through nested groups (direct ones first). */
  transitiveGroupIds(memberId: string): string[] {
    const result = new Set<string>();
    const direct = this.parents.get(memberId) ?? new Set<string>();
    for (const groupId of direct) result.add(groupId);
    for (const groupId of direct) for (const ancestor of this.ancestors(groupId)) result.add(ancestor);
    return [...result];
  }

  /** Ids of every user and group inside `groupId`, through nested groups. */
  transitiveMemberIds(groupId: string): string[] {
    let cached = this.descendantCache.get(groupId);
    if (!cached) {
      cached = this.walk(groupId, (id) => this.memberSets.get(id));
      this.descendantCache.set(groupId, cached);
    }
    return cached;
  }

  directMemberIds(groupId: string): string[] {
    return [...(this.memberSets.get(groupId) ?? [])];
  }

  /** Directory roles held by any of `principalIds`, one item per role template. */
  rolesFor(principalIds: Iterable<string>): DirectoryRoleItem[] {
    const byTemplate = new Map<string, DirectoryRoleItem>();
    for (const principalId of principalIds) {
      for (const assignment of this.rolesByPrincipal.get(principalId) ?? []) {
        if (byTemplate.has(assignment.roleTemplateId)) continue;
        byTemplate.set(assignment.roleTemplateId, {
          '@odata.type': '#microsoft.graph.directoryRole',
          // A snapshot has no activated-role object ids; the template id stands in for one.
          id: assignment.roleTemplateId,
          displayName:
            assignment.displayName ?? WELL_KNOWN_ROLE_NAMES[assignment.roleTemplateId] ?? `Directory role ${assignment.roleTemplateId}`,
          roleTemplateId: assignment.roleTemplateId,
        });
      }
    }
    return [...byTemplate.values()];
  }

  isDirectMember(groupId: string, memberId: string): boolean {
    return this.memberSets.get(groupId)?.has(memberId) ?? false;
  }

  /** Adds a direct member; the caller has checked both objects exist and the member is not in already. */
  addMember(group: SnapshotGroup, member: DirectoryObjectRef): void {
    this.memberSets.get(group.id)?.add(member.object.id);
    this.parentSet(member.object.id).add(group.id);
    group.members.push(member.object.id);
    if (member.kind === 'user') member.object.memberOf.push(group.id);
    this.invalidate();
  }

  removeMember(group: SnapshotGroup, memberId: string): void {
    this.memberSets.get(group.id)?.delete(memberId);
    this.parents.get(memberId)?.delete(group.id);
    group.members = group.members.filter((id) => id !== memberId);
    const user = this.usersById.get(memberId);
    if (user) user.memberOf = user.memberOf.filter((id) => id !== group.id);
    this.invalidate();
  }

  private ancestors(groupId: string): string[] {
    let cached = this.ancestorCache.get(groupId);
    if (!cached) {
      cached = this.walk(groupId, (id) => this.parents.get(id));
      this.ancestorCache.set(groupId, cached);
    }
    return cached;
  }

  /** Breadth-first walk from `start` (excluded); a visited set makes cyclic nesting safe. */
  private walk(start: string, next: (id: string) => Set<string> | undefined): string[] {
    const seen = new Set<string>([start]);
    const order: string[] = [];
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const id of next(queue[i]) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        order.push(id);
        if (this.groupsById.has(id)) queue.push(id);
      }
    }
    return order;
  }

  private parentSet(memberId: string): Set<string> {
    let set = this.parents.get(memberId);
    if (!set) {
      set = new Set();
      this.parents.set(memberId, set);
    }
    return set;
  }

  private invalidate(): void {
    this.ancestorCache.clear();
    this.descendantCache.clear();
  }
}
