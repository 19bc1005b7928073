// The admins' chat command "audit": the tenant-wide readiness audit as a summary card, for identity
// admins only (the same admins as campaigns: notices/campaign-command.ts). Offline the tenant is
// the snapshot the loopback Graph server serves; online there is no snapshot in the bot, so the
// card tells the admin to export the tenant and run npm run audit.
import type { AdaptiveCard } from '../cards';
import { english, type Messages } from '../i18n';
import type { TenantSnapshot } from '../snapshot';
import type { Campaigns } from '../notices/campaign';
import { auditTenant } from './audit';
import { auditForAdminsCard, auditInstructionsCard, auditSummaryCard } from './chat-summary';

export interface AuditCommandDeps {
  /** Who is an identity admin (a directory role or the admin group). */
  campaigns: Pick<Campaigns, 'isAdmin'>;
  adminGroupId?: string;
  /** The tenant the bot serves from a snapshot (the offline demo); undefined online. */
  snapshot: () => TenantSnapshot | undefined;
  now: () => Date;
}

/** `m`: the admin's language (the conversation's). */
export async function auditCommand(deps: AuditCommandDeps, userId: string, m: Messages = english()): Promise<AdaptiveCard> {
  if (!(await deps.campaigns.isAdmin(userId, deps.adminGroupId))) {
    return auditForAdminsCard(m);
  }
  const snapshot = deps.snapshot();
  if (!snapshot) return auditInstructionsCard(m);
  return auditSummaryCard(auditTenant(snapshot, { at: deps.now() }), m);
}
