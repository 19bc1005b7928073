// The audit's words for the admin: how a policy's users, targets and conditions are named, and
// the evidence sentences of the Conditional Access findings and of the split designs. The
// analysis files count; this file says what the counts mean.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { roleName, type Applicability, type GrantResult, type Platform, type SignInEvent } from '../diagnosis';
import type { AuditModel } from './model';
import type { AuditFinding, MethodTarget, PolicyRef } from './report';
import type { TapObstacle } from './tally';
import type { PolicyUsers } from './user-analysis';
import { count, plural, REPORT_ONLY, requirementOf, stateText } from './util';

/** `"A", "B", "C", "D", "E", and 2 more` */
export function policyList(names: Iterable<string>): string {
  const all = [...names];
  return all.slice(0, 5).map((n) => `"${n}"`).join(', ') + (all.length > 5 ? `, and ${all.length - 5} more` : '');
}

export function fmtAt(d: Date): string {
  return d.toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ');
}

export type Scope = { allUsers: boolean; includes: string[]; excludes: string[] };

/** A policy's user conditions in words: "group "Wave 1" (3 users)", "role Global Administrator (2 users)", ... */
export function scopeOf(policy: ConditionalAccessPolicy, m: AuditModel): Scope {
  const u = policy.conditions?.users;
  const users = (ids: string[]) =>
    ids.map((id) => (id === 'GuestsOrExternalUsers' ? 'guests and external users' : m.index.userIndex.has(id) ? `user ${m.upn(m.index.userIndex.get(id)!)}` : `user ${id}`));
  const groups = (ids: string[]) => ids.map((g) => `group "${m.index.groupName(g)}" (${plural(m.index.groupUsers(g).length, 'user')})`);
  const roles = (ids: string[]) => ids.map((r) => `role ${roleName(r)} (${plural(m.index.roleUsers(r).length, 'user')})`);
  const guests = (t: string | undefined) => (t ? [`guest types ${t}`] : []);
  const include = u?.includeUsers ?? [];
  const allUsers = include.includes('All');
  return {
    allUsers,
    includes: [
      ...(allUsers ? ['all users'] : users(include.filter((x) => x !== 'All' && x !== 'None'))),
      ...groups(u?.includeGroups ?? []),
      ...roles(u?.includeRoles ?? []),
      ...guests(u?.includeGuestsOrExternalUsers?.guestOrExternalUserTypes),
    ],
    excludes: [...users(u?.excludeUsers ?? []), ...groups(u?.excludeGroups ?? []), ...roles(u?.excludeRoles ?? []), ...guests(u?.excludeGuestsOrExternalUsers?.guestOrExternalUserTypes)],
  };
}

/** A target of an authentication method (all users, a user, a group). */
export function targetName(id: string, m: AuditModel): string {
  if (id === 'all_users') return 'all users';
  if (m.index.userIndex.has(id)) return `user ${m.upn(m.index.userIndex.get(id)!)}`;
  return `group "${m.index.groupName(id)}" (${plural(m.index.groupUsers(id).length, 'user')})`;
}

/** The same target as data (names as the tenant wrote them), for readers in other languages. */
export function methodTarget(id: string, m: AuditModel): MethodTarget {
  if (id === 'all_users') return { kind: 'allUsers' };
  if (m.index.userIndex.has(id)) return { kind: 'user', name: m.upn(m.index.userIndex.get(id)!) };
  return { kind: 'group', name: m.index.groupName(id), users: m.index.groupUsers(id).length };
}

export function tapGapText(counts: Map<TapObstacle, number>): string {
  if (counts.size === 0) return '';
  const text: Record<TapObstacle, string> = {
    disabled: 'the TAP method is off',
    guest: 'guests: a TAP cannot be issued to a guest',
    excluded: 'excluded from the TAP method',
    'not-targeted': 'not targeted by the TAP method',
    'one-time-only': 'the TAP policy issues only one-time passes, which this grant does not accept',
  };
  return `A Temporary Access Pass would get them through, but ${[...counts].map(([g, n]) => `${plural(n, 'user')} cannot have one (${text[g]})`).join('; ')}.`;
}

/** How the policy's filter for devices came out for the users it reaches, per platform and kind of phone. */
export function deviceFilterLine(policy: ConditionalAccessPolicy, m: AuditModel, reached: Int32Array, conditions: Map<Platform, Applicability[]>): string {
  const filter = policy.conditions?.devices?.deviceFilter;
  return `Filter for devices (${filter?.mode}) "${filter?.rule}", decided by each user's Intune-managed phone: ${m.platforms
    .map((p) => {
      const classOf = m.deviceClassOf.get(p)!;
      const perClass = new Map<number, number>();
      for (const i of reached) perClass.set(classOf[i], (perClass.get(classOf[i]) ?? 0) + 1);
      const parts = [...perClass]
        .sort(([a], [b]) => a - b)
        .map(([c, users]) => {
          const a = conditions.get(p)![c].applies;
          return `${a === true ? 'applies to' : a === 'unknown' ? 'may apply to' : 'does not apply to'} ${plural(users, 'user')} with ${m.deviceClasses.get(p)![c].values}`;
        });
      return `on ${p === 'iOS' ? 'iOS' : 'Android'} it ${parts.join('; it ')}`;
    })
    .join('; ')}.`;
}

/** What a Conditional Access finding's evidence is made from. */
export interface CaEvidenceInput {
  m: AuditModel;
  policy: ConditionalAccessPolicy;
  ref: PolicyRef;
  event: SignInEvent;
  users: PolicyUsers;
  /** Platforms where it applies (or may) to a counted user. */
  covered: Platform[];
  anyYes: boolean;
  unknowns: string[];
  /** "resources: All resources" or "user action: ...", as the engine matched it. */
  resources: string | undefined;
  platformsText: string;
  /** deviceFilterLine(), or '' without a filter for devices. */
  deviceLine: string;
  scope: Scope;
  bare: GrantResult;
  splitMobile: boolean;
}

/** The evidence of a Conditional Access finding, in the order an admin reads it. */
export function caEvidence(x: CaEvidenceInput): string[] {
  const { m, ref, users: u, scope, bare, splitMobile } = x;
  const { total, withValidTap, samples } = u;
  const tapLine =
    total.needTap > 0
      ? `${count(total.needTap, 'user', 'gets', 'get')} through only with a Temporary Access Pass${withValidTap ? ` (${withValidTap} ${withValidTap === 1 ? 'holds' : 'hold'} one valid at ${fmtAt(m.at)})` : ''}.`
      : '';
  const tapGaps = tapGapText(u.gapCounts);
  return [
    `"${ref.name}" (${stateText(ref.state)}) ${x.anyYes ? 'applies' : 'may apply'} to ${x.event === 'register-security-info' ? 'the "Register security information" user action' : 'the Microsoft Authenticator sign-in'} on ${x.covered.join(' and ')}${x.resources ? ` — ${x.resources.replace(/^resources: /, '')}` : ''}; platforms: ${x.platformsText}.`,
    ...(x.unknowns.length ? [`It may apply: ${x.unknowns.join('; ')}.`] : []),
    ...(x.deviceLine ? [x.deviceLine] : []),
    `Grant: ${bare.summary}${bare.acceptsTap ? ' — a Temporary Access Pass satisfies it' : ' — a Temporary Access Pass does not satisfy it'}.`,
    `Users: ${scope.includes.join(', ') || 'nobody'}${scope.excludes.length ? `; excluding ${scope.excludes.join(', ')}` : ''}.`,
    ...[...u.whyBlocked].map((w) => `Blocked users: ${w}.`),
    ...(u.blockedWithPasskey
      ? [`${count(u.blockedWithPasskey, 'blocked user', 'already has', 'already have')} a passkey in Authenticator, but on the other platform: it cannot be used to sign in to Authenticator on the phone where they are blocked.`]
      : []),
    ...(splitMobile
      ? [
          `Working as designed: this is the mobile half of the guide's split design (Android and iOS, All resources, accepts a Temporary Access Pass or a passkey in Microsoft Authenticator), so it causes no registration loop; users without a passkey sign in to Authenticator with a TAP and register.`,
        ]
      : []),
    ...(tapLine ? [tapLine] : []),
    ...(tapGaps && !splitMobile ? [tapGaps] : []),
    ...(tapGaps && splitMobile
      ? [`${tapGaps.replace(/\.$/, '')}: that is the Temporary Access Pass policy's gap, and those users are counted as blocked in its finding (e.g. "Guests cannot get a Temporary Access Pass"), not here.`]
      : []),
    ...(samples.blocked.length ? [`For example blocked: ${samples.blocked.map((i) => m.upn(i)).join(', ')}${total.blocked > samples.blocked.length ? ', …' : ''}.`] : []),
    ...(samples.needTap.length ? [`For example needing a TAP: ${samples.needTap.map((i) => m.upn(i)).join(', ')}${total.needTap > samples.needTap.length ? ', …' : ''}.`] : []),
    ...(x.policy.state === REPORT_ONLY ? ['Report-only: it blocks nobody today, but would once turned on.'] : []),
  ];
}

/** The notes on a split design the tenant already has. */
export function designNotes(
  m: AuditModel,
  desktop: ConditionalAccessPolicy | undefined,
  f: AuditFinding,
  gaps: number,
  blocked: number,
  rsi: { name: string; requirement: string; acceptsTapAndAuthenticatorPasskey: boolean }[],
): string[] {
  return [
    desktop
      ? `Desktop half: "${desktop.displayName}" requires ${requirementOf(desktop, m.tenant)} everywhere except Android and iOS.`
      : 'No matching desktop policy (All resources, excluding Android and iOS, same users) was found; the desktop half of the design may be missing.',
    `Mobile half: "${f.policy.name}" accepts a Temporary Access Pass, so ${plural(f.outcome.needTap - gaps, 'user')} without a passkey can sign in to Authenticator with one and register: no loop.`,
    ...(blocked ? [`${count(blocked, 'user', 'cannot get a TAP (a guest, or not targeted by the TAP method) and is', 'cannot get a TAP (guests, or not targeted by the TAP method) and are')} still blocked.`] : []),
    rsi.length === 0
      ? 'No Register security information policy reaches these users, so nothing has to match the mobile strength.'
      : rsi.every((r) => r.acceptsTapAndAuthenticatorPasskey)
        ? 'The Register security information policies that reach these users accept a TAP and a passkey in Authenticator, matching the mobile policy.'
        : `Register security information policies that do not match the mobile strength: ${rsi.filter((r) => !r.acceptsTapAndAuthenticatorPasskey).map((r) => `"${r.name}" (${r.requirement})`).join(', ')}.`,
  ];
}
