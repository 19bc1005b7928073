// The admin's campaign command cards in the admin's language: English reads exactly as before the
// catalogue (test/fixtures/campaign-command-cards-en.json was written from the English-only code),
// German and Japanese hold no English frame word, keep the group names (and what the admin typed)
// as written and say the same numbers, dates are in the reader's words; every language's card is a
// valid card; and a chat turn "campaign …" from a German Teams client gets German.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { AdaptiveCard } from '../../src/cards';
import { formatDate } from '../../src/cards/copy';
import { conversationDeps } from '../../src/compose/conversation';
import type { Config } from '../../src/config';
import { handleTurn } from '../../src/conversation/controller';
import { english, LANGUAGES, messagesFor, type Messages } from '../../src/i18n';
import { campaignRefusal, type Campaigns } from '../../src/notices/campaign';
import { campaignCommand } from '../../src/notices/campaign-command';
import type { GraphConnection } from '../../src/support/graph-connection';
import { cardProblems, words } from '../cards/check-card';

/** Every card the campaign command answers with (the admin's chat turns), in one language. */
const NOW = new Date('2026-12-01T09:00:00Z');
const GROUP_ID = '0f6b8c1e-3c2a-4d5e-9f10-2a3b4c5d6e7f';
const MISSING_ID = '99999999-3c2a-4d5e-9f10-2a3b4c5d6e7f';
const GROUP = 'Passkey rollout wave 1';

/** Graph as the command reads it: groups by display name. */
function fakeGraph(): Client {
  const byName: Record<string, { id: string }[]> = { Finance: [{ id: GROUP_ID }], Sales: [{ id: 'a' }, { id: 'b' }] };
  return {
    api: (path: string) => {
      const request = {
        header: () => request,
        get: async () => ({ value: byName[decodeURIComponent(/displayName eq '([^']*)'/.exec(path)?.[1] ?? '').replace(/''/g, "'")] ?? [] }),
      };
      return request;
    },
  } as unknown as Client;
}

/** Campaigns as the command sees them; the errors are the ones src/notices/campaign.ts throws. */
function fakeCampaigns(o: { admin?: boolean; ids?: string[]; targeted?: number; already?: number } = {}): Campaigns {
  return {
    isAdmin: async () => o.admin ?? true,
    ids: async () => o.ids ?? ['0f6b8c1e-2026-12-31'],
    start: async (input: { groupId: string; enforceOn: string; startedBy: string }) => {
      if (Date.parse(`${input.enforceOn}T00:00:00Z`) <= NOW.getTime()) throw campaignRefusal({ kind: 'pastDate', date: input.enforceOn });
      if (input.groupId === MISSING_ID) throw campaignRefusal({ kind: 'noGroup', groupId: input.groupId });
      return {
        id: `${input.groupId.slice(0, 8)}-${input.enforceOn}`,
        groupId: input.groupId,
        groupName: input.groupId === GROUP_ID ? GROUP : input.groupId,
        enforceOn: input.enforceOn,
        startedAt: NOW.toISOString(),
        startedBy: input.startedBy,
        targeted: Array.from({ length: o.targeted ?? 37 }, (_, i) => `user-${i}`),
        alreadyRegistered: o.already ?? 12,
      };
    },
    report: async (id: string) => {
      if (id !== '0f6b8c1e-2026-12-31') throw campaignRefusal({ kind: 'noCampaign', id });
      const campaign = { id, groupId: GROUP_ID, groupName: GROUP, enforceOn: '2026-12-31', startedAt: NOW.toISOString(), startedBy: 'admin-1', targeted: [], alreadyRegistered: 12 };
      return { campaign, members: 49, registered: 20, pending: 26, unreachable: 3 };
    },
  } as unknown as Campaigns;
}

const TURNS: Record<string, [string, Parameters<typeof fakeCampaigns>[0]?]> = {
  usage: ['campaign'],
  usageUnknown: ['campaign stop'],
  notAdmin: ['campaign status', { admin: false }],
  started: [`campaign start ${GROUP_ID} 31 December 2026`],
  startedByName: ['campaign start Finance Dec 31'],
  startedOne: [`campaign start ${GROUP_ID} 2027-01-15`, { targeted: 1, already: 1 }],
  startedNone: [`campaign start ${GROUP_ID} 15/01/2027`, { targeted: 0, already: 0 }],
  noGroupNoDate: ['campaign start'],
  dateOnly: ['campaign start 2026-12-31'],
  noDate: ['campaign start Finance team'],
  ambiguousDate: ['campaign start Finance 03/04/2027'],
  noSuchDay: ['campaign start Finance 31 February 2027'],
  unreadableDate: ['campaign start Finance 2027-13-01'],
  pastDate: ['campaign start Finance 1 January 2020'],
  noGroupNamed: ['campaign start Marketing 31 December 2026'],
  severalGroups: ['campaign start Sales 31 December 2026'],
  noGroupId: [`campaign start ${MISSING_ID} 31 December 2026`],
  status: ['campaign status'],
  statusUnknown: ['campaign status 12345678-2027-01-01'],
  statusNone: ['campaign status', { ids: [] }],
};

async function cards(m = english()): Promise<Record<string, AdaptiveCard>> {
  const out: Record<string, AdaptiveCard> = {};
  for (const [name, [text, o]] of Object.entries(TURNS)) {
    out[name] = await campaignCommand({ campaigns: fakeCampaigns(o), graph: fakeGraph(), now: () => NOW }, 'admin-1', text, m);
  }
  return out;
}

/** What the admin typed or the tenant named, shown back as written (longest first when removed). */
const NAMES = [GROUP, GROUP_ID, MISSING_ID, 'Finance team', 'Marketing', 'Sales', '03/04/2027', '2027-13-01', '12345678'];
/** The usage's example and date forms: typed as the bot reads them (English month names) in every language. */
const TYPED = ['campaign start Passkey rollout wave 1 31 December 2026', '31 December 2026, Dec 31, 31/12/2026, 2026-12-31'];

/** A card's words without the names, what is typed as shown (commands, example, date to type) and the product name. */
function frame(card: AdaptiveCard): string {
  let text = words(card);
  for (const n of [...TYPED, ...NAMES].sort((a, b) => b.length - a.length)) text = text.split(n).join(' ');
  return text
    .replace(/campaign (start|status)/g, ' ')
    .replace(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/g, ' ')
    .replace(/Microsoft Authenticator/g, ' ');
}

/** German words spelled as English ones: Microsoft's German term Passkey, der Name, der April. */
const SAME_IN_GERMAN = new Set(['passkey', 'passkeys', 'name', 'april']);

describe('English', () => {
  const fixtureText = readFileSync(join(__dirname, '..', 'fixtures', 'campaign-command-cards-en.json'), 'utf8');
  const fixture = JSON.parse(fixtureText) as Record<string, AdaptiveCard>;

  it('every card reads exactly as before the catalogue (byte for byte)', async () => {
    expect(Object.keys(fixture)).toEqual(Object.keys(TURNS));
    expect(`${JSON.stringify(await cards(), null, 2)}\n`).toBe(fixtureText);
  });

  it('is what the command gives without a language (english() is the default)', async () => {
    const card = await campaignCommand({ campaigns: fakeCampaigns(), graph: fakeGraph(), now: () => NOW }, 'admin-1', 'campaign status');
    expect(JSON.stringify(card)).toBe(JSON.stringify(fixture.status));
  });
});

describe.each(['de', 'ja'] as const)('%s', (language) => {
  const m = messagesFor(language);
  let all: Record<string, AdaptiveCard>;
  let en: Record<string, AdaptiveCard>;
  let englishWords: Set<string>;
  beforeAll(async () => {
    [all, en] = [await cards(m), await cards()];
    englishWords = new Set(Object.values(en).flatMap((card) => (frame(card).match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase())));
  });
  const leftovers = (card: AdaptiveCard) =>
    (frame(card).match(/[A-Za-z]{3,}/g) ?? []).filter((w) => englishWords.has(w.toLowerCase()) && !(language === 'de' && SAME_IN_GERMAN.has(w.toLowerCase())));

  it('the frame check finds the English card’s own words (it can fail)', () => {
    expect(leftovers(en.started)).toEqual(expect.arrayContaining(['Campaign', 'started', 'member', 'told', 'reminded', 'already']));
    expect(leftovers(en.ambiguousDate)).toEqual(expect.arrayContaining(['could', 'write', 'month', 'word', 'March']));
  });

  it.each(Object.keys(TURNS))('%s holds no English frame word', (name) => {
    expect(leftovers(all[name])).toEqual([]);
    // Japanese keeps no Latin word at all besides the names, what is typed and the product name.
    if (language === 'ja') expect((frame(all[name]).match(/[A-Za-z]{2,}/g) ?? []).filter((w) => w !== 'ID')).toEqual([]);
  });

  it.each([
    ['started', GROUP],
    ['startedByName', GROUP],
    ['status', GROUP],
    ['noGroupNamed', 'Marketing'],
    ['severalGroups', 'Sales'],
    ['noDate', 'Finance team'],
    ['ambiguousDate', '03/04/2027'],
    ['noGroupId', MISSING_ID],
  ])('%s keeps "%s" as written', (name, shown) => {
    expect(words(all[name])).toContain(shown);
    expect(words(en[name])).toContain(shown);
  });

  it('puts the group in the language’s quotes where the English card named it in quotes or in a sentence', () => {
    const [open, close] = language === 'de' ? ['„', '“'] : ['「', '」'];
    for (const [name, group] of [['started', GROUP], ['noGroupNamed', 'Marketing'], ['severalGroups', 'Sales']]) expect(words(all[name])).toContain(`${open}${group}${close}`);
  });

  it.each(['started', 'startedOne', 'startedNone', 'status'])('%s says the same numbers as the English card, the date in the reader’s words', (name) => {
    const iso = name === 'started' || name === 'status' ? '2026-12-31' : '2027-01-15';
    const numbers = (card: AdaptiveCard, r: Messages) => (frame(card).split(formatDate(iso, r)).join(' ').match(/\d+/g) ?? []).map(Number).sort((a, b) => a - b);
    expect(numbers(all[name], m)).toEqual(numbers(en[name], english()));
    expect(numbers(en[name], english()).length).toBeGreaterThan(1);
    expect(words(all[name])).toContain(formatDate(iso, m));
  });

  it('words the dates it could not read with the reader’s month names, and the one to type in English', () => {
    expect(words(all.ambiguousDate)).toContain(language === 'de' ? '3. April oder der 4. März' : '4月3日とも 3月4日');
    expect(words(all.ambiguousDate)).toContain('(3 April 2027)');
    expect(words(all.noSuchDay)).toContain(language === 'de' ? '31. Februar 2027' : '2027年2月31日');
    expect(words(all.pastDate)).toContain(formatDate('2020-01-01', m));
  });
});

it.each(LANGUAGES)('every card in %s is a valid card, with the commands as typed', async (language) => {
  const all = await cards(messagesFor(language));
  for (const [name, card] of Object.entries(all)) {
    expect([name, cardProblems(card, null)]).toEqual([name, []]);
    if (!['notAdmin', 'status'].includes(name)) expect(words(card)).toMatch(/campaign status/);
    if (name.startsWith('usage') || name === 'statusNone') expect(words(card)).toMatch(/campaign start </);
  }
});

describe('the chat turn "campaign …"', () => {
  const deps = {
    ...conversationDeps({
      config: { offline: false } as Config,
      graph: { client: fakeGraph() } as unknown as GraphConnection,
      campaigns: fakeCampaigns(),
      now: () => NOW,
      log: () => {},
    }),
    diagnose: () => {
      throw new Error('"campaign" is a command, not a question');
    },
  };
  const turn = (text: string, locale: string) => handleTurn(deps, undefined, { kind: 'text', text }, { aadObjectId: 'admin-1', name: 'Ada', locale });

  it('"campaign status" from a de-DE client answers in German', async () => {
    const { cards: answer } = await turn('campaign status', 'de-DE');
    const de = await campaignCommand({ campaigns: fakeCampaigns(), graph: fakeGraph(), now: () => NOW }, 'admin-1', 'campaign status', messagesFor('de'));
    expect(answer).toEqual([de]);
    expect(words(answer[0])).toContain('Passkeys sind ab dem 31. Dezember 2026 erforderlich. 41 % der Mitglieder');
  });

  it('"campaign start" with a past date from a de-DE client refuses in German; from en-US as before', async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'campaign-command-cards-en.json'), 'utf8'));
    const de = await turn('campaign start Finance 1 January 2020', 'de-DE');
    expect(words(de.cards[0])).toContain('Die Kampagne wurde nicht gestartet');
    expect(words(de.cards[0])).toContain('1. Januar 2020');
    const en = await turn('campaign start Finance 1 January 2020', 'en-US');
    expect(JSON.stringify(en.cards)).toBe(JSON.stringify([fixture.pastDate]));
  });
});
