// Window notices end to end: a TAP issued at 10:00 for an hour; its delivery is the message that
// it works (no start notice), and the scheduler (injected clock) sends the reminder at 10:45 and
// "you missed it" at 11:00 — each once — or, when the passkey shows up in Graph, congratulates,
// cancels the rest and resolves the ticket. A pass issued in the admin center is announced only as
// what it is: checked with it in place, Noor is still blocked.
import { createTemporaryAccessPass } from '../../src/graph';
import { cardOf, cardText, EDGES, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';

describe.each(EDGES)('on the %s edge', (sdk) => {
  const CHANNEL = 'help-desk-channel';
  let clock = new Date('2026-10-05T10:00:00Z');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ sdk, now: () => clock });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function ticketWithTap(as: string, text: string): Promise<string> {
    const [diagnosis] = await h.say(as, { text });
    const before = h.connector.sent.length;
    await h.say(as, { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 2);
    const confirmation = h.connector.sent.slice(before).find((s) => s.conversationId === `personal-${as}`)!;
    const ticketId = /PK-[A-Z0-9]{4}/.exec(cardText(cardOf(confirmation.activity)))![0];
    const agent = persona('hana');
    const r = await h.invoke({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `invoke-${ticketId}`,
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'hana-teams-id', name: agent.displayName, aadObjectId: agent.id },
      recipient: { id: 'bot-id' },
      conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
      value: { action: { type: 'Action.Execute', verb: 'ticket.issueTap', data: { ticketId, tapLifetime: '60' } } },
    });
    expect(r.status).toBe(200);
    return ticketId;
  }

  const noticesTo = (as: string, from: number) =>
    h.connector.sent
      .slice(from)
      .filter((s) => s.conversationId === `personal-${as}` && s.activity.channelData?.noticeId)
      .map((s) => cardText(cardOf(s.activity)).split('\n')[0]);

  async function at(iso: string) {
    clock = new Date(iso);
    await h.bot.scheduler.tick();
  }

  it('reminds before the TAP ends and says when it was missed — once each; the delivery was the "it works" message', async () => {
    clock = new Date('2026-10-05T10:00:00Z');
    await ticketWithTap('tom', 'my TAP expired, Android 15, on the phone itself');
    const from = h.connector.sent.length;
    await at('2026-10-05T10:00:00Z');
    await at('2026-10-05T10:00:30Z');
    expect(noticesTo('tom', from)).toEqual([]);
    await at('2026-10-05T10:44:00Z');
    expect(noticesTo('tom', from)).toEqual([]);
    await at('2026-10-05T10:45:00Z');
    await at('2026-10-05T10:50:00Z');
    expect(noticesTo('tom', from)).toEqual(['Your Temporary Access Pass ends soon']);
    await at('2026-10-05T11:00:00Z');
    await at('2026-10-05T11:30:00Z');
    expect(noticesTo('tom', from)).toEqual(['Your Temporary Access Pass ends soon', 'You missed the window']);
  });

  it('congratulates and stops when the passkey is already registered, and resolves the ticket', async () => {
    clock = new Date('2026-10-05T12:00:00Z');
    const ticketId = await ticketWithTap('marc', 'AADSTS53003 on my Android 15 phone, on the phone itself');
    const from = h.connector.sent.length;
    await at('2026-10-05T12:00:00Z');
    h.bot.graph.emulator!.userRegisters(persona('marc').id, {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: 'a2b0c1d2-0000-4000-8000-000000000001',
      displayName: 'Microsoft Authenticator - Android',
      aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84',
      createdDateTime: '2026-10-05T12:10:00Z',
    } as never);
    await at('2026-10-05T12:45:00Z');
    await at('2026-10-05T13:00:00Z');
    expect(noticesTo('marc', from)).toEqual(['Your passkey is ready 🎉']);
    expect((await h.bot.scheduler.pending()).filter((j) => j.id.includes(ticketId))).toEqual([]);
    expect((await h.bot.helpDesk!.ticket(ticketId))?.status).toBe('resolved');
  });

  it('notices a TAP issued outside the bot (admin center) for a user with an open ticket, once, as what it is', async () => {
    clock = new Date('2026-10-05T14:00:00Z');
    const [diagnosis] = await h.say('noor', { text: 'AADSTS53002 on my iPhone iOS 18, on the phone itself' });
    await h.say('noor', { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 2);
    const from = h.connector.sent.length;
    await createTemporaryAccessPass(h.bot.graph.client, persona('noor').id, { lifetimeInMinutes: 60 });
    await at('2026-10-05T14:10:00Z'); // a scan
    await at('2026-10-05T14:20:00Z'); // the next scan sees the same pass: nothing new
    await at('2026-10-05T14:30:00Z');
    expect(noticesTo('noor', from)).toEqual(['Your Temporary Access Pass will not get you through yet']);
  });
});
