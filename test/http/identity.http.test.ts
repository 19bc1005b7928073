// Identity comes from Microsoft Teams only. With production authentication on (real botbuilder
// JWT checks against the loopback token service), an activity from another channel of the same
// Azure Bot — Web Chat, Direct Line, where the client chooses `from` — carries a valid token,
// yet must not be trusted to say who the user is, nor which tenant.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardOf, cardText, EDGES, persona, submitData, TENANT_ID } from './helpers';
import { startConnector, type LoopbackConnector } from './loopback-connector';
import { CHANNEL, startSecureHarness, type SecureHarness } from './secure-harness';

describe.each(EDGES)('on the %s edge', (sdk) => {
  const OTHER_TENANT = '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';
  const clock = new Date('2026-10-05T10:00:00Z');
  let h: SecureHarness;
  /** The service the attacker's Web Chat / Direct Line client talks through: the bot's replies to it land here. */
  let attacker: LoopbackConnector;
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    h = await startSecureHarness({ sdk, now: () => clock, log: (e) => logs.push(e) });
    attacker = await startConnector();
  });
  afterAll(async () => {
    await h.stop();
    await attacker.close();
  });

  async function escalate(as: string, text: string): Promise<string> {
    const [diagnosis] = await h.say(as, { text });
    const before = h.connector.sent.length;
    await h.say(as, { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 2);
    const confirmation = h.connector.sent.slice(before).find((s) => s.conversationId === `personal-${as}`)!;
    return /PK-[A-Z0-9]{4}/.exec(cardText(cardOf(confirmation.activity)))![0];
  }

  /** An activity from Web Chat / Direct Line of the same bot: the client chose `from`. */
  function fromWebChat(claimedAs: string, activity: Record<string, unknown>, channelId = 'webchat'): Record<string, unknown> {
    const user = persona(claimedAs);
    return {
      id: `webchat-${Math.random()}`,
      channelId,
      serviceUrl: attacker.url,
      from: { id: 'dl_attacker', name: user.displayName, aadObjectId: user.id },
      recipient: { id: 'bot' },
      conversation: { id: `attacker-${channelId}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      ...activity,
    };
  }

  /** The TAP value is the one Monospace text of the delivery card, sent to a personal chat. */
  const tapDeliveries = (sent: LoopbackConnector['sent'], from = 0) =>
    sent.slice(from).filter((s) => !s.conversationId.startsWith(CHANNEL) && /"fontType":"Monospace"/.test(JSON.stringify(s.activity)) && /Temporary Access Pass/.test(JSON.stringify(s.activity)));
  const audit = () => readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8');
  const refusalsSince = (from: number) => logs.slice(from).filter((l) => l.event === 'activity.refused');

  describe('an activity from another channel of the same bot', () => {
    it("claiming Lena's object id does not take over her conversation: the help desk's TAP still reaches her Teams chat", async () => {
      const ticketId = await escalate('lena', "I'm stuck in a loop adding a passkey, Android 15, on the phone itself");

      const logsBefore = logs.length;
      for (const channelId of ['webchat', 'directline']) {
        expect((await h.post(fromWebChat('lena', { type: 'message', text: 'hello' }, channelId))).status).toBe(200);
        // Installing / "joining" from there changes nothing either.
        await h.post(fromWebChat('lena', { type: 'conversationUpdate', membersAdded: [{ id: 'dl_attacker' }] }, channelId));
      }

      const before = h.connector.sent.length;
      const r = await h.post(h.agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' }));
      expect(cardText(r.body.value)).toContain('TAP issued 10:00–11:00');
      expect(tapDeliveries(h.connector.sent, before).map((d) => d.conversationId)).toEqual(['personal-lena']);
      expect(tapDeliveries(attacker.sent)).toEqual([]);

      // Nothing of theirs was stored: no reference, no conversation or user state.
      expect(readFileSync(join(h.dataDir, 'state.jsonl'), 'utf8')).not.toMatch(/attacker-|dl_attacker|webchat|directline/);

      // The attacker was told, once per message, and each refusal is one log event.
      expect(attacker.sent.map((s) => [s.conversationId, s.activity.text])).toEqual([
        ['attacker-webchat', expect.stringMatching(/only works in Microsoft Teams for /)],
        ['attacker-directline', expect.stringMatching(/only works in Microsoft Teams for /)],
      ]);
      expect(refusalsSince(logsBefore)).toEqual([
        expect.objectContaining({ reason: 'channel', channelId: 'webchat', type: 'message' }),
        expect.objectContaining({ reason: 'channel', channelId: 'webchat', type: 'conversationUpdate' }),
        expect.objectContaining({ reason: 'channel', channelId: 'directline', type: 'message' }),
        expect.objectContaining({ reason: 'channel', channelId: 'directline', type: 'conversationUpdate' }),
      ]);
    });

    it("claiming the help-desk agent's id can neither take a ticket nor grant an exemption", async () => {
      const ticketId = await escalate('noor', 'AADSTS53002 on my iPhone iOS 18, on the phone itself');
      const exemptionGroup = () => h.bot.graph.emulator!.snapshot().groups.find((g: any) => g.displayName === 'Passkey exemptions')!;
      const auditBefore = audit();

      const take = await h.post(fromWebChat('hana', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticket.take', data: { ticketId } } } }));
      const before = attacker.sent.length;
      await h.post(fromWebChat('hana', { type: 'message', value: { verb: 'ticket.grantExemption', ticketId, exemptionHours: '2' } }));

      expect(exemptionGroup().members).not.toContain(persona('noor').id);
      expect(audit()).toBe(auditBefore);
      expect(JSON.stringify(take.body)).not.toMatch(/took|Taken by/);
      expect(take.body).toMatchObject({ statusCode: 200, value: expect.stringMatching(/only works in Microsoft Teams/) });
      const [reply] = await attacker.waitFor(before, 1);
      expect(reply.activity.text).toMatch(/only works in Microsoft Teams/);
      // The real agent, in Teams, finds the ticket untouched.
      const real = await h.post(h.agentInvoke('hana', 'ticket.take', { ticketId }));
      expect(cardText(real.body.value)).toMatch(/Hana Kim/);
      const added = audit().slice(auditBefore.length).trim().split('\n').map((l) => JSON.parse(l));
      expect(added).toEqual([expect.objectContaining({ action: 'take', ticketId, outcome: 'done', actor: expect.objectContaining({ name: 'Hana Kim' }) })]);
    });
  });

  describe('the tenant of a Teams activity', () => {
    const diagnosisFor = async (activity: Record<string, unknown>) => {
      const before = h.connector.sent.length;
      const logsBefore = logs.length;
      const r = await h.post(activity);
      expect(r.status).toBe(200);
      const [reply] = await h.connector.waitFor(before, 1);
      return { reply: reply.activity, refusals: refusalsSince(logsBefore) };
    };

    it('is refused when channelData.tenant.id and conversation.tenantId disagree (either way round)', async () => {
      const a = h.teamsMessage('pia', { text: 'AADSTS53003 on my Android 15 phone' });
      const oursInConversation = { ...a, channelData: { tenant: { id: OTHER_TENANT } } };
      const oursInChannelData = { ...a, conversation: { ...(a.conversation as object), tenantId: OTHER_TENANT } };
      for (const activity of [oursInConversation, oursInChannelData]) {
        const { reply, refusals } = await diagnosisFor(activity);
        expect(reply.text).toMatch(/only works in Microsoft Teams for /);
        expect(reply.attachments ?? []).toEqual([]);
        expect(refusals).toEqual([expect.objectContaining({ reason: 'tenant' })]);
      }
    });

    it('is refused when the activity names no tenant at all', async () => {
      const a = h.teamsMessage('pia', { text: 'AADSTS53003 on my Android 15 phone' });
      const { reply, refusals } = await diagnosisFor({ ...a, channelData: {}, conversation: { id: 'personal-pia', conversationType: 'personal' } });
      expect(reply.text).toMatch(/only works in Microsoft Teams for /);
      expect(refusals).toEqual([expect.objectContaining({ reason: 'tenant' })]);
    });

    it('is served when both fields name our tenant, or only one does', async () => {
      const a = h.teamsMessage('pia', { text: 'AADSTS53003 on my Android 15 phone, on the phone itself' });
      const { reply } = await diagnosisFor({ ...a, channelData: {} });
      expect(cardText(cardOf(reply)).length).toBeGreaterThan(0);
    });
  });

  describe('a Teams conversation without a conversationType', () => {
    it("is not taken for the user's personal chat: the TAP goes to the chat they installed the bot in", async () => {
      const ticketId = await escalate('tom', 'my TAP expired, Android 15, on the phone itself');
      const before0 = h.connector.sent.length;
      const groupChat = { ...h.teamsMessage('tom', { text: 'help' }), conversation: { id: '19:group-chat-with-tom@thread.v2', tenantId: TENANT_ID } };
      expect((await h.post(groupChat)).status).toBe(200);
      await h.connector.waitFor(before0, 1);

      const before = h.connector.sent.length;
      await h.post(h.agentInvoke('hana', 'ticket.issueTap', { ticketId, tapLifetime: '60' }));
      expect(tapDeliveries(h.connector.sent, before).map((d) => d.conversationId)).toEqual(['personal-tom']);
    });
  });

  describe('the help-desk channel', () => {
    it('is only learnt from Teams: a Web Chat activity claiming its id does not redirect ticket cards', async () => {
      const channel = { conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID }, channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } } };
      await h.post(fromWebChat('hana', { type: 'message', text: 'hi', ...channel }));
      const before = h.connector.sent.length;
      const attackerBefore = attacker.sent.length;
      await escalate('marc', 'AADSTS53003 on my Android 15 phone, on the phone itself');
      expect(attacker.sent.slice(attackerBefore).filter((s) => s.conversationId === CHANNEL)).toEqual([]);
      expect(h.connector.sent.slice(before).some((s) => s.conversationId === CHANNEL && s.method === 'POST')).toBe(true);
    });
  });
});
