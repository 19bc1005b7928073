// The offline demo tenant: personas for the welcome card, and a clock shift so that the demo's
// Temporary Access Pass windows (written against a fixed "demoClock") hold at today's time.
import type { Persona } from '../conversation/controller';
import type { TenantSnapshot } from '../snapshot';

/**
 * Moves every TAP start and every sign-in by (now - demoClock), so "valid now" stays valid now
 * and "your attempt 8 minutes ago" stays 8 minutes ago.
 */
export function rebaseDemoClock(json: unknown, now: Date): unknown {
  const doc = json as { demoClock?: unknown; users?: { authenticationMethods?: Record<string, unknown>[] }[]; signIns?: Record<string, unknown>[] };
  if (typeof doc?.demoClock !== 'string' || Number.isNaN(Date.parse(doc.demoClock))) return json;
  const shift = now.getTime() - Date.parse(doc.demoClock);
  const move = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(Date.parse(v) + shift).toISOString() : v);
  for (const user of doc.users ?? []) {
    for (const m of user.authenticationMethods ?? []) {
      if (m['@odata.type'] === '#microsoft.graph.temporaryAccessPassAuthenticationMethod') {
        m.startDateTime = move(m.startDateTime);
        m.createdDateTime = move(m.createdDateTime);
      }
    }
  }
  for (const signIn of Array.isArray(doc.signIns) ? doc.signIns : []) {
    if (signIn && typeof signIn === 'object') signIn.createdDateTime = move(signIn.createdDateTime);
  }
  return json;
}

export function demoPersonas(snapshot: TenantSnapshot): Persona[] {
  return snapshot.users.map((u) => ({
    id: u.id as string,
    name: (u.displayName as string) ?? (u.userPrincipalName as string),
    scenario: ((u as { jobTitle?: string }).jobTitle ?? '').trim() || 'Demo user',
  }));
}

/** Offline defaults for the help desk: the demo tenant's groups and the Playground's channel. */
export function demoHelpDesk(snapshot: TenantSnapshot): { groupId?: string; exemptionGroupId?: string; channelId: string } {
  const group = (name: string) => snapshot.groups.find((g) => g.displayName === name)?.id as string | undefined;
  return { groupId: group('Help desk'), exemptionGroupId: group('Passkey exemptions'), channelId: 'help-desk-channel' };
}
