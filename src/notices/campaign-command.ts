// The admins' chat command for campaigns:
//   campaign start <group id or name> <YYYY-MM-DD>   |   campaign status [campaign id]
import type { Client } from '@microsoft/microsoft-graph-client';
import { noticeCard, type AdaptiveCard } from '../cards';
import { readAll } from '../graph';
import { CampaignError, type Campaigns } from './campaign';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USAGE = 'Try "campaign start <group id or name> <YYYY-MM-DD>" or "campaign status".';

export async function campaignCommand(
  deps: { campaigns: Campaigns; graph: Client; adminGroupId?: string },
  userId: string,
  text: string,
): Promise<AdaptiveCard> {
  if (!(await deps.campaigns.isAdmin(userId, deps.adminGroupId))) {
    return noticeCard({ title: 'Campaigns are for identity admins', text: 'Only Global, Authentication Policy or Privileged Authentication Administrators (or members of the configured admin group) can run passkey campaigns.' });
  }
  const words = text.trim().split(/\s+/).slice(1);
  try {
    if (words[0]?.toLowerCase() === 'start' && words.length >= 3) {
      const enforceOn = words[words.length - 1];
      const group = await resolveGroup(deps.graph, words.slice(1, -1).join(' '));
      const c = await deps.campaigns.start({ groupId: group, enforceOn, startedBy: userId });
      return noticeCard({
        title: `Campaign ${c.id} started`,
        tone: 'success',
        text: `${c.targeted.length} member(s) of ${c.groupName} have no passkey in Microsoft Authenticator yet: they are being told now, and reminded a week and a day before ${c.enforceOn}. ${c.alreadyRegistered} already have one.`,
      });
    }
    if (words[0]?.toLowerCase() === 'status') {
      const ids = await deps.campaigns.ids();
      const id = words[1] ?? ids[ids.length - 1];
      if (!id) return noticeCard({ title: 'No campaign yet', text: USAGE });
      const r = await deps.campaigns.report(id);
      return noticeCard({
        title: `Passkey adoption: ${r.campaign.groupName}`,
        text: `Enforcement on ${r.campaign.enforceOn}. ${Math.round((100 * r.registered) / Math.max(1, r.members))}% of members have a passkey in Microsoft Authenticator.`,
        facts: [
          { title: 'Members', value: String(r.members) },
          { title: 'Registered', value: String(r.registered) },
          { title: 'Still pending', value: String(r.pending) },
          { title: 'Could not be reached', value: String(r.unreachable) },
        ],
      });
    }
  } catch (e) {
    if (e instanceof CampaignError) return noticeCard({ title: 'That campaign did not start', text: `${e.message}. ${USAGE}` });
    throw e;
  }
  return noticeCard({ title: 'Campaign commands', text: USAGE });
}

async function resolveGroup(graph: Client, idOrName: string): Promise<string> {
  if (GUID.test(idOrName)) return idOrName;
  const name = idOrName.replace(/^"|"$/g, '').replace(/'/g, "''");
  const found = await readAll<{ id: string }>(graph, `/groups?$filter=displayName eq '${encodeURIComponent(name)}'&$select=id`);
  if (found.length !== 1) throw new CampaignError(found.length === 0 ? `there is no group named "${idOrName}"` : `several groups are named "${idOrName}": use the group id`);
  return found[0].id;
}
