// The admins' chat command for campaigns:
//   campaign start <group> <date>   |   campaign status [campaign id]
// The group is its display name or id; the date is written as people write dates ("31 December
// 2026", "Dec 31", "31/12/2026", "2026-12-31"), and shown back the same way (formatDate), in the
// admin's language (the conversation's messages; the command words stay English: the bot reads those).
import type { Client } from '@microsoft/microsoft-graph-client';
import { noticeCard, type AdaptiveCard } from '../cards';
import { MONTH_NAMES, formatDate } from '../cards/copy';
import { readAll } from '../graph';
import { english, type Messages } from '../i18n';
import { CampaignError, type Campaigns } from './campaign';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The commands, with their placeholders, as the admin types them (shown as typed, never as markdown). */
export const CAMPAIGN_COMMANDS = [
  { command: 'campaign start <group> <date>', note: 'tells the members without a passkey, and reminds them a week and a day before the date' },
  { command: 'campaign status', note: 'how many have added one so far' },
] as const;
/** The usage's example and date forms, as the admin would type them (the bot reads English month names). */
const EXAMPLE_COMMAND = 'campaign start Passkey rollout wave 1 31 December 2026';
const DATE_FORMS = '31 December 2026, Dec 31, 31/12/2026, 2026-12-31';

export async function campaignCommand(
  deps: { campaigns: Campaigns; graph: Client; adminGroupId?: string; now?: () => Date },
  userId: string,
  text: string,
  m: Messages = english(),
): Promise<AdaptiveCard> {
  if (!(await deps.campaigns.isAdmin(userId, deps.adminGroupId))) {
    return noticeCard({ title: m.t('campaignCommand.notAdmin.title'), text: m.t('campaignCommand.notAdmin.text') }, m);
  }
  const words = text.trim().split(/\s+/).slice(1);
  const now = (deps.now ?? (() => new Date()))();
  try {
    if (words[0]?.toLowerCase() === 'start') {
      const parsed = groupAndDate(words.slice(1), now, m);
      if ('error' in parsed) return usage(m.t('campaignCommand.failed.title'), parsed.error, m);
      const group = await resolveGroup(deps.graph, parsed.group, m);
      if (typeof group !== 'string') return usage(m.t('campaignCommand.failed.title'), group.error, m);
      const c = await deps.campaigns.start({ groupId: group, enforceOn: parsed.date, startedBy: userId });
      return noticeCard(
        {
          title: m.t('campaignCommand.started.title', { group: c.groupName }),
          tone: 'success',
          text: m.t('campaignCommand.started.text', { targeted: c.targeted.length, group: c.groupName, date: formatDate(c.enforceOn, m), already: c.alreadyRegistered }),
          commands: [{ command: CAMPAIGN_COMMANDS[1].command, note: m.t('campaignCommand.command.follow') }],
        },
        m,
      );
    }
    if (words[0]?.toLowerCase() === 'status') {
      const ids = await deps.campaigns.ids();
      const id = words[1] ?? ids[ids.length - 1];
      if (!id) return usage(m.t('campaignCommand.none.title'), m.t('campaignCommand.none.text'), m);
      const r = await deps.campaigns.report(id);
      return noticeCard(
        {
          title: m.t('campaignCommand.status.title', { group: r.campaign.groupName }),
          text: m.t('campaignCommand.status.text', { date: formatDate(r.campaign.enforceOn, m), percent: Math.round((100 * r.registered) / Math.max(1, r.members)) }),
          facts: [
            { title: m.t('campaignCommand.status.members'), value: String(r.members) },
            { title: m.t('campaignCommand.status.registered'), value: String(r.registered) },
            { title: m.t('campaignCommand.status.pending'), value: String(r.pending) },
            { title: m.t('campaignCommand.status.unreachable'), value: String(r.unreachable) },
          ],
        },
        m,
      );
    }
  } catch (e) {
    if (e instanceof CampaignError) return usage(m.t('campaignCommand.failed.title'), campaignProblem(e, m), m);
    throw e;
  }
  return usage(m.t('campaignCommand.usage.title'), m.t('campaignCommand.usage.text'), m);
}

function usage(title: string, text: string, m: Messages): AdaptiveCard {
  return noticeCard(
    {
      title,
      text,
      commands: [
        { command: m.t('campaignCommand.command.startSyntax'), note: m.t('campaignCommand.command.start') },
        { command: CAMPAIGN_COMMANDS[1].command, note: m.t('campaignCommand.command.status') },
      ],
      after: m.t('campaignCommand.usage.example', { example: EXAMPLE_COMMAND, forms: DATE_FORMS }),
    },
    m,
  );
}

/** Dates in a text (YYYY-MM-DD) as the reader writes them. */
const datesAsWords = (text: string, m: Messages) => text.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => formatDate(iso, m));

/** Why the campaigns refused, in the reader's words, from the refusal's data; a refusal without data as it said it. */
function campaignProblem(e: CampaignError, m: Messages): string {
  switch (e.problem?.kind) {
    case 'pastDate':
      return m.t('campaignCommand.error.pastDate', { date: formatDate(e.problem.date, m) });
    case 'badDate':
      return m.t('campaignCommand.error.badDate', { text: e.problem.text });
    case 'noGroup':
      return m.t('campaignCommand.error.noGroupId', { group: e.problem.groupId });
    case 'noCampaign':
      return m.t('campaignCommand.error.noCampaign', { id: datesAsWords(e.problem.id, m) });
    case undefined:
      return m.t('campaignCommand.error.other', { reason: capitalise(datesAsWords(e.message, m)) });
  }
}

/** The group's id, or why there is none to start a campaign for. */
async function resolveGroup(graph: Client, idOrName: string, m: Messages): Promise<string | { error: string }> {
  if (GUID.test(idOrName)) return idOrName;
  const name = idOrName.replace(/^"|"$/g, '').replace(/'/g, "''");
  const found = await readAll<{ id: string }>(graph, `/groups?$filter=displayName eq '${encodeURIComponent(name)}'&$select=id`);
  if (found.length === 0) return { error: m.t('campaignCommand.error.noGroupNamed', { group: idOrName }) };
  if (found.length > 1) return { error: m.t('campaignCommand.error.severalGroups', { group: idOrName }) };
  return found[0].id;
}

// ---- Dates as people write them -------------------------------------------------------------------

const MONTHS = MONTH_NAMES.map((m) => m.toLowerCase());

/** The group (all words but the date) and the date (the last one to four words that read as one). */
export function groupAndDate(words: string[], now: Date, m: Messages = english()): { group: string; date: string } | { error: string } {
  if (words.length === 0) return { error: m.t('campaignCommand.error.noGroupOrDate') };
  let firstError: string | undefined;
  for (let n = Math.min(4, words.length - 1); n >= 1; n--) {
    const read = readDate(words.slice(-n).join(' '), now, m);
    if (read === undefined) continue;
    if ('error' in read) {
      firstError ??= read.error;
      continue;
    }
    return { group: words.slice(0, -n).join(' '), date: read.date };
  }
  if (words.length === 1 && readDate(words[0], now, m) !== undefined) return { error: m.t('campaignCommand.error.groupFirst') };
  return { error: firstError ?? m.t('campaignCommand.error.noDate', { text: words.join(' ').slice(0, 80) }) };
}

const monthOf = (word: string): number | undefined => {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((name) => name.startsWith(w) || (w === 'sept' && name === 'september'));
  return i >= 0 ? i + 1 : undefined;
};

const pad = (n: number) => String(n).padStart(2, '0');

const monthFormats = new Map<string, Intl.DateTimeFormat>();
/** A month's name (1-12) in the reader's language: "April", "April", "avril", "4月". */
function monthName(month: number, m: Messages): string {
  let f = monthFormats.get(m.locale);
  if (!f) monthFormats.set(m.locale, (f = new Intl.DateTimeFormat(m.locale, { timeZone: 'UTC', month: 'long' })));
  return f.format(new Date(Date.UTC(2000, month - 1, 1)));
}

/**
 * A date as people write it → YYYY-MM-DD; undefined when the text is not a date at all, an error
 * (in the reader's words) when it is one but cannot be read safely ("03/04/2027": March or April?).
 * Without a year: the next such day from today on.
 */
export function readDate(text: string, now: Date, m: Messages = english()): { date: string } | { error: string } | undefined {
  const t = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let r: RegExpExecArray | null;
  if ((r = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t))) [year, month, day] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(t))) {
    const [a, b] = [Number(r[1]), Number(r[3])];
    year = Number(r[4]);
    if (r[2] === '.' || a > 12) [day, month] = [a, b];
    else if (b > 12) [month, day] = [a, b];
    else if (a === b) [day, month] = [a, b];
    else {
      // Both read as a month (1-12): day-month or month-day? The way to type it uses the English month
      // name (the one the bot reads), whatever the reader's language.
      const values = { text, a: String(a), b: String(b), monthA: monthName(a, m), monthB: monthName(b, m), typed: `${a} ${MONTH_NAMES[b - 1]} ${year}`, iso: `${year}-${pad(b)}-${pad(a)}` };
      return { error: m.t('campaignCommand.error.ambiguous', values) };
    }
  } else if ((r = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+\.?)(?: (\d{4}))?$/.exec(t)) && monthOf(r[2])) {
    [day, month, year] = [Number(r[1]), monthOf(r[2]), r[3] ? Number(r[3]) : undefined];
  } else if ((r = /^([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$/.exec(t)) && monthOf(r[1])) {
    [month, day, year] = [monthOf(r[1]), Number(r[2]), r[3] ? Number(r[3]) : undefined];
  } else return undefined;

  if (month === undefined || day === undefined || month < 1 || month > 12) return { error: m.t('campaignCommand.error.unreadable', { text }) };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (year === undefined) {
    year = now.getUTCFullYear();
    if (Date.UTC(year, month - 1, day) < today) year++;
  }
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return { error: m.t('campaignCommand.error.noSuchDay', { day: String(day), month: monthName(month, m), year: String(year) }) };
  return { date: `${year}-${pad(month)}-${pad(day)}` };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
