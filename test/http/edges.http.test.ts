// Two edges, one bot (BOT_SDK=botbuilder|agents). What is specific to having two:
//  - switching BOT_SDK keeps what the bot knows: conversation state, and the conversation
//    references the other SDK stored (botbuilder names the bot `bot`, the Agents SDK `agent`),
//    through which proactive notices still reach the user;
//  - on the Agents SDK edge, the SDK's own JWT check (authorizeJWT) runs after the token screen,
//    and its refusal reaches restify as a 401 (restify's res.status() returns a number: the SDK's
//    res.status(401).send() would have thrown, and restify answered 500);
//  - an unknown BOT_SDK stops start-up with a message naming the setting and the allowed values.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noticeCard } from '../../src/cards';
import { ConfigError, loadConfig, type BotSdk } from '../../src/config';
import { FileStorage } from '../../src/storage/file-storage';
import { createEdge } from '../../src/teams/edges';
import { TeamsNoticeSender } from '../../src/delivery/notice-sender';
import { ProactiveSender } from '../../src/delivery/proactive-sender';
import { ConversationReferences } from '../../src/delivery/references';
import { cardOf, cardText, persona, ROOT, startHarness, submitData } from './helpers';
import { startConnector } from './loopback-connector';
import { APP_ID, startSecureHarness } from './secure-harness';

describe('BOT_SDK', () => {
  it('is botbuilder unless set, and takes agents', () => {
    expect(loadConfig({}, ROOT).botSdk).toBe('botbuilder');
    expect(loadConfig({ BOT_SDK: 'agents' }, ROOT).botSdk).toBe('agents');
  });

  it('stops start-up on an unknown value, naming the setting and the allowed values', () => {
    expect(() => loadConfig({ BOT_SDK: 'teams-ai' }, ROOT)).toThrow(ConfigError);
    expect(() => loadConfig({ BOT_SDK: 'teams-ai' }, ROOT)).toThrow('BOT_SDK: expected botbuilder or agents, got "teams-ai"');
  });
});

describe.each([
  ['botbuilder', 'agents'],
  ['agents', 'botbuilder'],
] as [BotSdk, BotSdk][])('switching BOT_SDK from %s to %s', (first, second) => {
  const lena = persona('lena');

  it('keeps the conversation, and notices reach the user through the reference the other SDK stored', async () => {
    const connector = await startConnector();
    const dataDir = mkdtempSync(join(tmpdir(), 'pksb-switch-'));
    try {
      // On the first edge: Lena starts describing her problem; the bot asks which phone.
      const before = await startHarness({ sdk: first, connector, dataDir });
      const [question] = await before.say('lena', { text: "I'm stuck in a loop adding a passkey" });
      expect(cardText(cardOf(question))).toMatch(/Which phone/);
      await before.stop();

      // The reference as the first edge's SDK stored it.
      const storage = new FileStorage(dataDir);
      const references = new ConversationReferences(storage);
      const stored = await references.user(lena.id);
      expect(stored).toMatchObject({ conversation: { id: 'personal-lena' }, serviceUrl: connector.url });
      expect(Object.keys(stored!)).toContain(first === 'agents' ? 'agent' : 'bot');

      // A notice through the second edge's messenger, from that reference.
      const edge = await createEdge(loadConfig({ BOT_SDK: second, DATA_DIR: dataDir }, ROOT), () => undefined);
      const notices = new TeamsNoticeSender(new ProactiveSender({ messenger: edge.messenger }), references);
      const from = connector.sent.length;
      expect(await notices.toUser(lena.id, noticeCard({ title: 'Your exemption ends soon', text: 'Add your passkey before 14:00.' }), 'switch-notice')).toBe('sent');
      const [notice] = await connector.waitFor(from, 1);
      expect(notice.conversationId).toBe('personal-lena');
      expect(notice.activity.channelData).toEqual({ noticeId: 'switch-notice' });
      expect(cardText(cardOf(notice.activity))).toMatch(/Your exemption ends soon/);
      await storage.close();

      // On the second edge: she answers the first edge's question; the conversation goes on.
      const after = await startHarness({ sdk: second, connector, dataDir });
      const [next] = await after.say('lena', { value: submitData(cardOf(question), /^Android$/) });
      expect(cardText(cardOf(next))).toMatch(/Which version/);
      await after.stop();
    } finally {
      await connector.close();
    }
  });
});

describe('on the agents edge, the SDK checks the token after the screen', () => {
  it("refuses with 401 and one log line a token the screen passes but the SDK does not take (RS384; the SDK takes RS256 only)", async () => {
    const logs: Record<string, unknown>[] = [];
    const results: Record<string, { status: number; refusals: Record<string, unknown>[]; replies: number }> = {};
    for (const sdk of ['botbuilder', 'agents'] as BotSdk[]) {
      const h = await startSecureHarness({ sdk, log: (e) => logs.push(e) });
      try {
        const now = Math.floor(Date.now() / 1000);
        const token = h.tokens.sign({ alg: 'RS384', typ: 'JWT', kid: h.tokens.kid }, { iss: h.tokens.issuer, aud: APP_ID, serviceurl: h.connector.url, nbf: now - 5, exp: now + 3600 });
        const logFrom = logs.length;
        const r = await h.post(h.teamsMessage('tom', { text: 'help' }), `Bearer ${token}`);
        if (r.status === 200) await h.connector.waitFor(0, 1);
        results[sdk] = { status: r.status, refusals: logs.slice(logFrom).filter((e) => e.event === 'request.refused'), replies: h.connector.sent.length };
      } finally {
        await h.stop();
      }
    }
    // botbuilder takes RS256, RS384 and RS512 (Microsoft signs with RS256): the turn is served.
    expect(results.botbuilder).toMatchObject({ status: 200, refusals: [], replies: 1 });
    expect(results.agents).toEqual({
      status: 401,
      refusals: [expect.objectContaining({ status: 401, reason: expect.stringMatching(/^the Agents SDK refused the token: /) })],
      replies: 0,
    });
  });
});
