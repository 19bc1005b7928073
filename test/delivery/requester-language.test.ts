// What the help desk sends a requester arrives in the requester's language: the Teams locale kept
// with their conversation reference ("de-DE") picks it, the zone kept with it the clock. The TAP
// delivery says its window as start–end with the zone in the reader's locale ("10:00–11:00 MEZ"),
// and its value travels only in that one card (never in the channel, a thread line or the log).
// The help desk's ticket card gets the desk's messages (deskMessages, English by default).
import { RequesterReplies, type RequesterRepliesDeps } from '../../src/helpdesk/requester-replies';
import { TeamsHelpDeskNotifier } from '../../src/teams/helpdesk-notifier';
import { ConversationReferences, type ConversationRef } from '../../src/delivery/references';
import type { EdgeMessenger, OutgoingActivity } from '../../src/delivery/outgoing';
import { messagesFor, type Messages } from '../../src/i18n';
import type { KeyValueStore, StoreItems } from '../../src/storage/key-value';
import type { Person, Ticket } from '../../src/tickets/ticket';
import type { AdaptiveCard } from '../../src/cards';
import { cardProblems, words } from '../cards/check-card';

function memoryStore(): KeyValueStore {
  const items: StoreItems = {};
  return {
    read: async (keys) => Object.fromEntries(keys.filter((k) => items[k]).map((k) => [k, JSON.parse(JSON.stringify(items[k]))])),
    write: async (changes) => void Object.assign(items, JSON.parse(JSON.stringify(changes))),
    delete: async (keys) => keys.forEach((k) => delete items[k]),
  };
}

const SECRET = 'Qz9-TAP-VALUE-7';
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim', userPrincipalName: 'hana@contoso.com' };
const START = '2026-11-27T09:00:00.000Z';
const END = '2026-11-27T10:00:00.000Z';
const ticket = {
  id: 'PK-7Q3D',
  createdAt: '2026-11-27T08:50:00.000Z',
  status: 'taken',
  requester: { aadObjectId: 'lena-id', name: 'Lena Vogel', userPrincipalName: 'lena@contoso.com' },
  assignee: HANA,
  reason: 'requestTap',
  diagnosis: null,
  transcript: [],
  history: [],
  tap: { by: HANA, at: '2026-11-27T08:59:00.000Z', start: START, end: END, oneTime: true, methodId: 'tap-1' },
  channelPost: { conversationId: '19:desk@thread.tacv2', activityId: 'post-1' },
} as unknown as Ticket;

async function rig(locale: string | undefined, zone: string | undefined, deskMessages?: Messages) {
  const references = new ConversationReferences(memoryStore());
  const ref: ConversationRef = { channelId: 'msteams', serviceUrl: 'https://smba.example/', ...(locale ? { locale } : {}), user: { id: 'lena-teams' }, bot: { id: 'bot' }, conversation: { id: 'a:lena', conversationType: 'personal' } };
  await references.remember({ from: { aadObjectId: 'lena-id' }, conversation: { id: 'a:lena', conversationType: 'personal' }, ...(zone ? { localTimezone: zone } : {}) }, ref);
  const sent: { to: string; activity: OutgoingActivity }[] = [];
  const logged: string[] = [];
  const messenger: EdgeMessenger = {
    send: async (to, activity) => (sent.push({ to: to.conversation!.id, activity }), 'id-1'),
    update: async (to, _id, activity) => void sent.push({ to: to.conversation!.id, activity }),
  };
  const deskLanguages: string[] = [];
  const notifier = new TeamsHelpDeskNotifier({
    messenger,
    tenantId: 'tenant-1',
    references,
    channelId: '19:desk@thread.tacv2',
    ticketCard: async (_t, desk) => (deskLanguages.push(desk.language), { type: 'AdaptiveCard', version: '1.5', body: [] } as unknown as AdaptiveCard),
    ...(deskMessages ? { deskMessages } : {}),
    log: (e) => void logged.push(JSON.stringify(e)),
  });
  const card = (i: number) => sent[i].activity.attachments![0].content as AdaptiveCard;
  return { notifier, sent, logged, card, deskLanguages };
}

const tapIssued = { value: SECRET, start: START, end: END, oneTime: true };

describe('the requester reads the help desk\'s news in their own language', () => {
  it('German requester (de-DE, Europe/Berlin): the pass in German, "10:00–11:00 MEZ", the value only there', async () => {
    const r = await rig('de-DE', 'Europe/Berlin');
    await r.notifier.deliverTap(ticket, tapIssued);
    await r.notifier.requesterUpdate(ticket, { kind: 'tapIssued' });
    const pass = words(r.card(0));
    expect(pass).toContain('Ihr Befristeter Zugriffspass');
    expect(pass).toContain('Gültig 10:00–11:00 MEZ.');
    expect(pass).toContain(SECRET);
    expect(cardProblems(r.card(0), null)).toEqual([]);
    const update = words(r.card(1));
    expect(update).toContain('Ihr Befristeter Zugriffspass ist bereit');
    expect(update).toContain('10:00–11:00 MEZ');
    expect(update).not.toContain(SECRET);
    expect(r.sent.every((s) => s.to === 'a:lena')).toBe(true);
    expect(r.logged.join('\n')).not.toContain(SECRET);
  });

  it('English requester (en-US): word for word as before, in CET', async () => {
    const r = await rig('en-US', 'Europe/Berlin');
    await r.notifier.deliverTap(ticket, tapIssued);
    expect(words(r.card(0))).toContain('Valid 10:00–11:00 CET.');
    expect(words(r.card(0))).toContain('Your Temporary Access Pass');
  });

  it('a reference without a locale or zone: English, and UTC said as such', async () => {
    const r = await rig(undefined, undefined);
    await r.notifier.deliverTap(ticket, tapIssued);
    expect(words(r.card(0))).toContain('Valid 09:00–10:00 UTC.');
  });

  it('the resolution: "Did this fix it?" in German, buttons in German', async () => {
    const r = await rig('de-DE', 'Europe/Berlin');
    await r.notifier.requesterUpdate({ ...ticket, status: 'resolved', resolution: { by: HANA, at: END, note: '' } } as unknown as Ticket, { kind: 'resolved' });
    const text = words(r.card(0));
    expect(text).toContain('Hana Kim vom Helpdesk hat es als gelöst markiert.');
    expect(text).toContain('Ja, es funktioniert');
  });

  it('the ticket card in the channel gets the desk\'s messages: English by default, the configured language otherwise', async () => {
    const english = await rig('de-DE', 'Europe/Berlin');
    await english.notifier.ticketChanged(ticket, 'Hana Kim took the ticket');
    expect(english.deskLanguages).toEqual(['en']);
    const german = await rig('ja-JP', 'Asia/Tokyo', messagesFor('de'));
    await german.notifier.ticketChanged(ticket, 'Hana Kim took the ticket');
    expect(german.deskLanguages).toEqual(['de']);
  });

  it('a refusal on someone else\'s ticket is said to the requester in their language, and audited', async () => {
    const audited: unknown[] = [];
    const deps = { auditWriter: { write: async (e: unknown) => (audited.push(e), { written: true }) }, now: () => new Date(END) } as unknown as RequesterRepliesDeps;
    const replies = new RequesterReplies(deps);
    const lena: Person = { aadObjectId: 'lena-id', name: 'Lena Vogel', userPrincipalName: 'lena@contoso.com' };
    expect(await replies.answer('not-a-ticket', lena, true, messagesFor('de'))).toEqual({ outcome: 'refused', message: 'Dieses Ticket gehört nicht Ihnen, deshalb habe ich es nicht geändert.' });
    expect(await replies.followUp('not-a-ticket', lena, 'still broken', messagesFor('ja'))).toEqual({ outcome: 'refused', message: 'このチケットはあなたのものではないため、変更していません。' });
    expect(await replies.answer('not-a-ticket', lena, false)).toEqual({ outcome: 'refused', message: 'That ticket is not yours, so I did not change it.' });
    expect(audited).toHaveLength(3);
  });
});
