// Window notices and the campaign notice in the employee's language: the Teams locale kept with
// their conversation reference ("de-DE", "ja-JP") picks the catalogue, the zone kept with it the
// clock — "gilt jetzt, bis 11:00 MEZ" always names the end and its zone. English is word for word
// as before; a user whose reference names no locale reads English. Every notice passes the card
// checker in every language. Fake clock, in-memory store, handlers called as the scheduler would.
import type { Client } from '@microsoft/microsoft-graph-client';
import { TeamsNoticeSender } from '../../src/delivery/notice-sender';
import type { ProactiveSender } from '../../src/delivery/proactive-sender';
import { ConversationReferences } from '../../src/delivery/references';
import { LANGUAGES, INTL_LOCALE } from '../../src/i18n';
import { Campaigns } from '../../src/notices/campaign';
import { WindowNotices, type NoticeKind, type NoticePayload, type WindowFacts } from '../../src/notices/window-notices';
import type { Job, JobHandler, JobScheduler } from '../../src/scheduler/scheduler';
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';
import type { AdaptiveCard } from '../../src/cards';
import { cardProblems, words } from '../cards/check-card';

function memoryStore(): KeyValueStore & { items: StoreItems } {
  const items: StoreItems = {};
  return {
    items,
    read: async (keys) => Object.fromEntries(keys.filter((k) => items[k]).map((k) => [k, JSON.parse(JSON.stringify(items[k]))])),
    write: async (changes) => void Object.assign(items, JSON.parse(JSON.stringify(changes))),
    delete: async (keys) => keys.forEach((k) => delete items[k]),
  };
}

/** Graph as the notices ask it: the user's passkeys in Authenticator (none, or one). */
function fakeGraph(passkeys: Record<string, unknown>[] = []): Client {
  const request = { header: () => request, get: async () => ({ value: passkeys }) };
  return { api: () => request } as unknown as Client;
}

const USER = 'lena-aad-id';
const CAMPAIGN = 'group-1-2026-12-31';
// Winter: 09:00–10:00 UTC is 10:00–11:00 in Berlin (MEZ/CET), 18:00–19:00 in Tokyo (JST).
const START = '2026-11-27T09:00:00.000Z';
const END = '2026-11-27T10:00:00.000Z';
const reference = (locale?: string) => ({ channelId: 'msteams', serviceUrl: 'https://smba.example/', ...(locale ? { locale } : {}), user: { id: 'lena-teams' }, bot: { id: 'bot' }, conversation: { id: 'a:lena', conversationType: 'personal' } });

async function rig(locale: string | undefined, zone: string, options: { facts?: WindowFacts; passkeys?: Record<string, unknown>[] } = {}) {
  const store = memoryStore();
  const references = new ConversationReferences(store);
  await references.remember({ from: { aadObjectId: USER }, conversation: { id: 'a:lena', conversationType: 'personal' }, localTimezone: zone }, reference(locale));
  const sent: AdaptiveCard[] = [];
  const proactive = { send: async (_ref: unknown, a: { attachments?: { content: unknown }[] }) => (sent.push(a.attachments![0].content as AdaptiveCard), { outcome: 'sent', attempts: 1 }) } as unknown as ProactiveSender;
  const handlers = new Map<string, JobHandler>();
  const scheduler = { on: (kind: string, h: JobHandler) => void handlers.set(kind, h), cancelPrefix: async () => undefined } as unknown as JobScheduler;
  const sender = new TeamsNoticeSender(proactive, references);
  const graph = fakeGraph(options.passkeys);
  new WindowNotices({ graph, scheduler, store, now: () => new Date(START), sender, tickets: { resolveByBot: async () => undefined, windowFacts: async () => options.facts ?? { tapValue: 'elsewhere', through: true } } });
  new Campaigns({ graph, store, scheduler, sender, now: () => new Date('2026-12-01T09:00:00Z') });
  await store.write({ [`campaigns/${CAMPAIGN}`]: { id: CAMPAIGN, groupId: 'group-1', groupName: 'Wave 1', enforceOn: '2026-12-31', startedAt: '2026-12-01T09:00:00.000Z', startedBy: 'admin', alreadyRegistered: 0, targetedKey: `campaigns/${CAMPAIGN}/targeted/1`, targetedCount: 1, eTag: '*' } });
  const fire = async (kind: NoticeKind) => {
    const job = { id: `notice:PK-7Q3D:tap:${START}:${kind}`, kind, dueAt: START, payload: { ticketId: 'PK-7Q3D', userId: USER, start: START, end: END }, attempts: 0 } as Job<NoticePayload>;
    await handlers.get(kind)!(job as unknown as Job);
    return sent[sent.length - 1];
  };
  const campaign = async (stage: 'announce' | 'week' | 'day') => {
    await handlers.get('campaign.notice')!({ id: `campaign:${CAMPAIGN}:${stage}:${USER}`, kind: 'campaign.notice', dueAt: START, payload: { campaignId: CAMPAIGN, userId: USER, stage }, attempts: 0 });
    return sent[sent.length - 1];
  };
  return { fire, campaign, sent };
}

describe('notices in the employee\'s language and time', () => {
  it('English (en-US, or no locale at all) is word for word as before', async () => {
    for (const locale of ['en-US', undefined]) {
      const r = await rig(locale, 'Europe/Berlin');
      expect(words(await r.fire('tap.start'))).toContain('It works now, until 11:00 CET (10:00–11:00 CET). Open Microsoft Authenticator and add your passkey now.');
      expect(words(await r.fire('tap.reminder'))).toContain('It stops working at 11:00 CET.');
      expect(words(await r.fire('tap.end'))).toContain('Your Temporary Access Pass (10:00–11:00 CET) has ended and no passkey was added.');
      const campaign = words(await r.campaign('announce'));
      expect(campaign).toContain('Passkeys will be required from 31 December 2026');
      expect(campaign).toContain('tap "I can\'t add it" and I will find out why.');
    }
  });

  it('a German employee (de-DE, Europe/Berlin): the window notices in German, with the end and "MEZ"', async () => {
    const r = await rig('de-DE', 'Europe/Berlin');
    const start = words(await r.fire('tap.start'));
    expect(start).toContain('Ihr Befristeter Zugriffspass gilt jetzt');
    expect(start).toContain('bis 11:00 MEZ (10:00–11:00 MEZ)');
    expect(start).not.toContain('Temporary Access Pass');
    expect(words(await r.fire('tap.reminder'))).toContain('11:00 MEZ');
    const end = await r.fire('tap.end');
    expect(words(end)).toContain('(10:00–11:00 MEZ)');
    expect(words(end)).toContain('Neuen Pass anfordern');
    expect(words(await r.fire('exemption.reminder'))).toContain('11:00 MEZ');
  });

  it('a German employee whose pass does not get them through is told why, in German', async () => {
    const r = await rig('de-DE', 'Europe/Berlin', { facts: { tapValue: 'elsewhere', through: false, blocking: [{ code: 'ca-approved-client-app', policyNames: ['Require approved app'] }] } });
    const text = words(await r.fire('tap.start'));
    expect(text).toContain('bis 11:00 MEZ (10:00–11:00 MEZ)');
    expect(text).toContain('Eine Anmelderegel lässt Authenticator nicht zu (die Richtlinie „Require approved app“)');
  });

  it('a Japanese employee (ja-JP, Asia/Tokyo): in Japanese, "19:00 JST" as the end', async () => {
    const r = await rig('ja-JP', 'Asia/Tokyo');
    const start = words(await r.fire('tap.start'));
    expect(start).toContain('一時アクセス パス');
    expect(start).toContain('19:00 JST');
    expect(start).toContain('18:00–19:00 JST');
    expect(words(await r.fire('tap.reminder'))).toContain('19:00 JST');
    expect(words(await r.campaign('announce'))).toContain('2026年12月31日');
  });

  it('the campaign notice in German: the date as a German reader writes it, the group as the tenant named it', async () => {
    const r = await rig('de-DE', 'Europe/Berlin');
    const text = words(await r.campaign('announce'));
    expect(text).toContain('31. Dezember 2026');
    expect(text).toContain('Wave 1');
    expect(text).not.toContain('Passkeys will be required');
  });

  it('a passkey found before a reminder: congratulated in the employee\'s language', async () => {
    const r = await rig('de-DE', 'Europe/Berlin', { passkeys: [{ aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f', createdDateTime: END }] });
    const card = await r.fire('tap.reminder');
    expect(words(card)).toContain('Ihr Passkey ist bereit');
  });

  it.each(LANGUAGES)('%s: every notice passes the card checker and names the end of the window', async (language) => {
    const r = await rig(INTL_LOCALE[language], 'Europe/Berlin');
    // A proactive notice has no conversation session yet: its buttons carry session '' (the turn they start opens one).
    const problems = (card: AdaptiveCard) => cardProblems(card, null).filter((p) => !(p.includes('"session":""') && p.endsWith('has an empty or non-string value')));
    for (const kind of ['tap.start', 'tap.reminder', 'tap.end', 'exemption.reminder'] as const) {
      const card = await r.fire(kind);
      expect(problems(card)).toEqual([]);
      expect(words(card)).toMatch(/11:00/);
      // Read in the employee's language: no English sentence left over.
      if (language !== 'en') expect(words(card)).not.toMatch(/Temporary Access Pass|Microsoft Authenticator and add|The sign-in rule/);
    }
    for (const stage of ['announce', 'week', 'day'] as const) expect(problems(await r.campaign(stage))).toEqual([]);
  });
});
