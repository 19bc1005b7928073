// Times as each reader lives them, end to end: the help desk set to Europe/Berlin
// (HELPDESK_TIMEZONE) reads the ticket card and its thread lines in CEST; Tom's Teams client says
// America/New_York (the clientInfo entity of his message), so his TAP update and his window
// diagnosis card and notices speak EDT — with the zone named, never raw ISO. Injected clock; the scheduler is ticked by hand.
import { cardOf, cardText, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe('the help desk in Berlin, the employee in New York', () => {
  let clock = new Date('2026-10-05T10:00:00Z');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ now: () => clock, env: { HELPDESK_TIMEZONE: 'Europe/Berlin' } });
  });
  afterAll(async () => {
    await h.stop();
  });

  const textsTo = (conversation: (id: string) => boolean, from: number) =>
    h.connector.sent.slice(from).filter((s) => conversation(s.conversationId)).map((s) => (s.activity.attachments?.length ? cardText(cardOf(s.activity)) : String(s.activity.text ?? '')));

  it('the thread line and card in the help desk\'s zone; the requester\'s update and notices in his', async () => {
    const tom = persona('tom');
    const start = h.connector.sent.length;
    // Tom's message, as Teams sends it: the clientInfo entity names his time zone.
    expect(
      await h.post({
        type: 'message',
        id: 'tz-1',
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        from: { id: 'tom-teams-id', name: tom.displayName, aadObjectId: tom.id },
        recipient: { id: 'bot-id', name: 'Passkey help' },
        conversation: { id: 'personal-tom', conversationType: 'personal', tenantId: TENANT_ID },
        channelData: { tenant: { id: TENANT_ID } },
        entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Android', timezone: 'America/New_York' }],
        text: 'my TAP expired, Android 15, on the phone itself',
      }),
    ).toBeLessThan(300);
    const [diagnosis] = (await h.connector.waitFor(start, 1)).map((s) => s.activity);
    // The conversation keeps his zone: his diagnosis card says when it checked, in New York time.
    expect(cardText(cardOf(diagnosis))).toMatch(/Checked\n5 Oct, 06:00 EDT/);
    const before = h.connector.sent.length;
    await h.say('tom', { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 2);
    const ticketId = /PK-[A-Z0-9]{4}/.exec(textsTo((id) => id === 'personal-tom', before).join('\n'))![0];

    const issued = h.connector.sent.length;
    const agent = persona('hana');
    const r = await h.invoke({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `invoke-${ticketId}`,
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      from: { id: 'hana-teams-id', name: agent.displayName, aadObjectId: agent.id },
      recipient: { id: 'bot-id' },
      conversation: { id: 'help-desk-channel', conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
      value: { action: { type: 'Action.Execute', verb: 'ticket.issueTap', data: { ticketId, tapLifetime: '60' } } },
    });
    expect(r.status).toBe(200);

    // The help desk: the thread line and the card in Berlin time (CEST on 5 October).
    const thread = textsTo((id) => id.includes(';messageid='), issued);
    expect(thread.join('\n')).toContain(`${ticketId}: Hana Kim issued a Temporary Access Pass (12:00–13:00 CEST)`);
    expect(cardText(r.body.value)).toContain('TAP issued 12:00–13:00 CEST by Hana Kim');
    expect(cardText(r.body.value)).not.toMatch(ISO);

    // Tom: his update names the window in New York time (EDT).
    const toTom = textsTo((id) => id === 'personal-tom', issued).join('\n');
    expect(toTom).toContain('Valid 06:00–07:00 EDT');
    expect(toTom.replace(/\{\{(TIME|DATE)\([^)]*\)\}\}/g, '')).not.toMatch(ISO);

    // His notices, sent proactively from the stored reference: EDT, the end always named.
    const noticesFrom = h.connector.sent.length;
    for (const at of ['2026-10-05T10:45:00Z', '2026-10-05T11:00:00Z']) {
      clock = new Date(at);
      await h.bot.scheduler.tick();
    }
    const notices = h.connector.sent.slice(noticesFrom).filter((s) => s.conversationId === 'personal-tom' && s.activity.channelData?.noticeId).map((s) => cardText(cardOf(s.activity)));
    expect(notices).toEqual([expect.stringContaining('It stops working at 07:00 EDT.'), expect.stringContaining('Your Temporary Access Pass (06:00–07:00 EDT) has ended')]);
  });
});
