// Window notices speak the employee's time: the zone their Teams client names (localTimezone or
// the clientInfo entity) is kept with the stored conversation reference, and the notice sender
// reads it back when the scheduler fires — "works now, until 11:00 CET" always names the end and
// its zone. Unknown zone: UTC, said as such. Fake clock, in-memory store, the scheduler's handler
// called as it would on its tick.
import type { Client } from '@microsoft/microsoft-graph-client';
import { TeamsNoticeSender } from '../../src/delivery/notice-sender';
import type { ProactiveSender } from '../../src/delivery/proactive-sender';
import { ConversationReferences } from '../../src/delivery/references';
import { WindowNotices, type NoticeKind, type NoticePayload } from '../../src/notices/window-notices';
import type { Job, JobHandler, JobScheduler } from '../../src/scheduler/scheduler';
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';
import { cardText } from '../http/helpers';

function memoryStore(): KeyValueStore & { items: StoreItems } {
  const items: StoreItems = {};
  return {
    items,
    read: async (keys) => Object.fromEntries(keys.filter((k) => items[k]).map((k) => [k, JSON.parse(JSON.stringify(items[k]))])),
    write: async (changes) => void Object.assign(items, JSON.parse(JSON.stringify(changes))),
    delete: async (keys) => keys.forEach((k) => delete items[k]),
  };
}

const USER = 'lena-aad-id';
const REF = { channelId: 'msteams', serviceUrl: 'https://smba.example/', user: { id: 'lena-teams' }, bot: { id: 'bot' }, conversation: { id: 'a:lena', conversationType: 'personal' } };
const activity = (extra: Record<string, unknown>) => ({ from: { aadObjectId: USER }, conversation: { id: 'a:lena', conversationType: 'personal' }, ...extra });

function rig() {
  const store = memoryStore();
  const references = new ConversationReferences(store);
  const sent: string[] = [];
  const proactive = { send: async (_ref: unknown, a: { attachments?: { content: unknown }[] }) => (sent.push(cardText(a.attachments![0].content)), { outcome: 'sent', attempts: 1 }) } as unknown as ProactiveSender;
  const handlers = new Map<string, JobHandler>();
  const scheduler = { on: (kind: string, h: JobHandler) => void handlers.set(kind, h) } as unknown as JobScheduler;
  new WindowNotices({
    graph: {} as Client, // tap.start never asks Graph
    scheduler,
    store,
    now: () => new Date('2026-11-27T09:00:00Z'),
    sender: new TeamsNoticeSender(proactive, references),
    tickets: { resolveByBot: async () => undefined, windowFacts: async () => ({ tapValue: 'elsewhere', through: true }) },
  });
  const fire = async (kind: NoticeKind, start: string, end: string) => {
    const job: Job<NoticePayload> = { id: `notice:PK-1:tap:${start}:start`, kind, dueAt: start, payload: { ticketId: 'PK-1', userId: USER, start, end } } as Job<NoticePayload>;
    await handlers.get(kind)!(job as unknown as Job);
  };
  return { store, references, sent, fire };
}

describe('window notices in the employee\'s time zone', () => {
  it('a Berlin employee (clientInfo entity): "works now, until 11:00 CET" in winter', async () => {
    const r = rig();
    await r.references.remember(activity({ entities: [{ type: 'clientInfo', locale: 'de-DE', timezone: 'Europe/Berlin' }] }), REF);
    // The zone survives in the stored reference.
    expect(r.store.items['refs/user/lena-aad-id']).toMatchObject({ ref: { timeZone: 'Europe/Berlin' } });
    await r.fire('tap.start', '2026-11-27T09:00:00.000Z', '2026-11-27T10:00:00.000Z');
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]).toContain('Your Temporary Access Pass works now');
    expect(r.sent[0]).toContain('It works now, until 11:00 CET (10:00–11:00 CET).');
  });

  it('the same employee (localTimezone) in summer: CEST', async () => {
    const r = rig();
    await r.references.remember(activity({ localTimezone: 'Europe/Berlin' }), REF);
    await r.fire('tap.start', '2026-07-10T08:00:00.000Z', '2026-07-10T09:00:00.000Z');
    expect(r.sent[0]).toContain('until 11:00 CEST (10:00–11:00 CEST)');
  });

  it('a later activity without a zone keeps the one known; a new zone replaces it', async () => {
    const r = rig();
    await r.references.remember(activity({ localTimezone: 'Europe/Berlin' }), REF);
    await r.references.remember(activity({}), { ...REF, serviceUrl: 'https://smba.example/emea/' });
    expect(await r.references.timeZone(USER)).toBe('Europe/Berlin');
    await r.references.remember(activity({ localTimezone: 'Asia/Tokyo' }), REF);
    expect(await r.references.timeZone(USER)).toBe('Asia/Tokyo');
  });

  it('an unknown or invalid zone: the notice speaks UTC and says so', async () => {
    const r = rig();
    await r.references.remember(activity({ localTimezone: 'Not/AZone' }), REF);
    expect(await r.references.timeZone(USER)).toBeUndefined();
    await r.fire('tap.start', '2026-11-27T09:00:00.000Z', '2026-11-27T10:00:00.000Z');
    expect(r.sent[0]).toContain('It works now, until 10:00 UTC (09:00–10:00 UTC).');
    expect(r.sent[0]).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
