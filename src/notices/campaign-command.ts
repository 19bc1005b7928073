// The admins' chat command for campaigns:
//   campaign start <group> <date>   |   campaign status [campaign id]
// The group is its display name or id; the date is written as people write dates ("31 December
// 2026", "Dec 31", "31/12/2026", "2026-12-31"), and shown back the same way (formatDate).
import type { Client } from '@microsoft/microsoft-graph-client';
import { noticeCard, type AdaptiveCard } from '../cards';
import { MONTH_NAMES, formatDate } from '../cards/copy';
import { readAll } from '../graph';
import { CampaignError, type Campaigns } from './campaign';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The commands, with their placeholders, as the admin types them (shown as typed, never as markdown). */
export const CAMPAIGN_COMMANDS = [
  { command: 'campaign start <group> <date>', note: 'tells the members without a passkey, and reminds them a week and a day before the date' },
  { command: 'campaign status', note: 'how many have added one so far' },
] as const;
const EXAMPLE = 'For example: campaign start Passkey rollout wave 1 31 December 2026. The group is its name or id; the date is when passkeys become required, written as you like (31 December 2026, Dec 31, 31/12/2026, 2026-12-31).';

export async function campaignCommand(
  deps: { campaigns: Campaigns; graph: Client; adminGroupId?: string; now?: () => Date },
  userId: string,
  text: string,
): Promise<AdaptiveCard> {
  if (!(await deps.campaigns.isAdmin(userId, deps.adminGroupId))) {
    return noticeCard({ title: 'Campaigns are for identity admins', text: 'Only Global, Authentication Policy or Privileged Authentication Administrators (or members of the configured admin group) can run passkey campaigns.' });
  }
  const words = text.trim().split(/\s+/).slice(1);
  const now = (deps.now ?? (() => new Date()))();
  try {
    if (words[0]?.toLowerCase() === 'start') {
      const parsed = groupAndDate(words.slice(1), now);
      if ('error' in parsed) return usage('That campaign did not start', parsed.error);
      const group = await resolveGroup(deps.graph, parsed.group);
      const c = await deps.campaigns.start({ groupId: group, enforceOn: parsed.date, startedBy: userId });
      return noticeCard({
        title: `Campaign started for ${c.groupName}`,
        tone: 'success',
        text: `${c.targeted.length} member(s) of ${c.groupName} have no passkey in Microsoft Authenticator yet: they are being told now, and reminded a week and a day before ${formatDate(c.enforceOn)}. ${c.alreadyRegistered} already have one.`,
        commands: [{ command: 'campaign status', note: 'to follow it' }],
      });
    }
    if (words[0]?.toLowerCase() === 'status') {
      const ids = await deps.campaigns.ids();
      const id = words[1] ?? ids[ids.length - 1];
      if (!id) return usage('No campaign yet', 'Start one first.');
      const r = await deps.campaigns.report(id);
      return noticeCard({
        title: `Passkey adoption: ${r.campaign.groupName}`,
        text: `Passkeys are required from ${formatDate(r.campaign.enforceOn)}. ${Math.round((100 * r.registered) / Math.max(1, r.members))}% of members have a passkey in Microsoft Authenticator.`,
        facts: [
          { title: 'Members', value: String(r.members) },
          { title: 'Registered', value: String(r.registered) },
          { title: 'Still pending', value: String(r.pending) },
          { title: 'Could not be reached', value: String(r.unreachable) },
        ],
      });
    }
  } catch (e) {
    if (e instanceof CampaignError) return usage('That campaign did not start', `${capitalise(e.message.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => formatDate(iso)))}.`);
    throw e;
  }
  return usage('Campaign commands', 'Type one of these:');
}

function usage(title: string, text: string): AdaptiveCard {
  return noticeCard({ title, text, commands: CAMPAIGN_COMMANDS.map((c) => ({ ...c })), after: EXAMPLE });
}

async function resolveGroup(graph: Client, idOrName: string): Promise<string> {
  if (GUID.test(idOrName)) return idOrName;
  const name = idOrName.replace(/^"|"$/g, '').replace(/'/g, "''");
  const found = await readAll<{ id: string }>(graph, `/groups?$filter=displayName eq '${encodeURIComponent(name)}'&$select=id`);
  if (found.length !== 1) throw new CampaignError(found.length === 0 ? `there is no group named "${idOrName}"` : `several groups are named "${idOrName}": use the group id`);
  return found[0].id;
}

// ---- Dates as people write them -------------------------------------------------------------------

const MONTHS = MONTH_NAMES.map((m) => m.toLowerCase());

/** The group (all words but the date) and the date (the last one to four words that read as one). */
export function groupAndDate(words: string[], now: Date): { group: string; date: string } | { error: string } {
  if (words.length === 0) return { error: 'Say which group, and from when passkeys are required.' };
  let firstError: string | undefined;
  for (let n = Math.min(4, words.length - 1); n >= 1; n--) {
    const read = readDate(words.slice(-n).join(' '), now);
    if (read === undefined) continue;
    if ('error' in read) {
      firstError ??= read.error;
      continue;
    }
    return { group: words.slice(0, -n).join(' '), date: read.date };
  }
  if (words.length === 1 && readDate(words[0], now) !== undefined) return { error: 'Say which group the campaign is for, before the date.' };
  return { error: firstError ?? `I could not read a date at the end of "${words.join(' ').slice(0, 80)}".` };
}

const monthOf = (word: string): number | undefined => {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w) || (w === 'sept' && m === 'september'));
  return i >= 0 ? i + 1 : undefined;
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date as people write it → YYYY-MM-DD; undefined when the text is not a date at all, an error
 * when it is one but cannot be read safely ("03/04/2027": March or April?). Without a year: the
 * next such day from today on.
 */
export function readDate(text: string, now: Date): { date: string } | { error: string } | undefined {
  const t = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t))) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(t))) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    year = Number(m[4]);
    if (m[2] === '.' || a > 12) [day, month] = [a, b];
    else if (b > 12) [month, day] = [a, b];
    else if (a === b) [day, month] = [a, b];
    else return { error: `"${text}" could be ${a} ${MONTH_NAMES[b - 1] ?? b} or ${MONTH_NAMES[a - 1] ?? a} ${b}: write the month as a word (${a} ${MONTH_NAMES[b - 1] ?? b} ${year}) or as ${year}-${pad(b)}-${pad(a)}` };
  } else if ((m = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+\.?)(?: (\d{4}))?$/.exec(t)) && monthOf(m[2])) {
    [day, month, year] = [Number(m[1]), monthOf(m[2]), m[3] ? Number(m[3]) : undefined];
  } else if ((m = /^([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$/.exec(t)) && monthOf(m[1])) {
    [month, day, year] = [monthOf(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined];
  } else return undefined;

  if (month === undefined || day === undefined || month < 1 || month > 12) return { error: `"${text}" is not a date I can read` };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (year === undefined) {
    year = now.getUTCFullYear();
    if (Date.UTC(year, month - 1, day) < today) year++;
  }
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return { error: `there is no ${day} ${MONTH_NAMES[month - 1]} ${year}` };
  return { date: `${year}-${pad(month)}-${pad(day)}` };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
