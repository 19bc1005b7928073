// The real server over HTTP: Bot Framework activities in, replies captured on a loopback
// connector, Graph served by the loopback emulator over the demo tenant.
import { cardOf, cardText, EDGES, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';

describe.each(EDGES)('on the %s edge', (sdk) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sdk });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function answerAll(as: string, card: any): Promise<any> {
    // Answer question cards with their first choice until something else arrives.
    for (let i = 0; i < 6; i++) {
      const text = cardText(card);
      if (!/Which phone|Which version|Where does it fail|Android profile|Where did you create|Bluetooth turned off/.test(text)) return card;
      const choices = card.actions ?? [];
      const [reply] = await h.say(as, { value: choices[0].data });
      card = cardOf(reply);
    }
    throw new Error('too many questions');
  }

  describe('an employee in the registration loop (Lena)', () => {
    it('explains the loop and names the blocking policy', async () => {
      const [first] = await h.say('lena', { text: "I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself" });
      const card = await answerAll('lena', cardOf(first));
      const text = cardText(card);
      expect(text).toContain('Passkey pilot: passkey in Authenticator everywhere');
      expect(text).toMatch(/passkey/i);
      expect(card.version).toBe('1.5');
    });
  });

  describe('bad input never crashes the conversation', () => {
    it('answers a malformed card payload with a clear message and keeps going', async () => {
      const [reply] = await h.say('noor', { value: { action: 'format-disk' } });
      expect(cardText(cardOf(reply))).toMatch(/not one I know/);
      const [again] = await h.say('noor', { text: 'help' });
      expect(cardText(cardOf(again))).toMatch(/passkey/i);
    });

    it('refuses a stale card from an earlier conversation', async () => {
      const [welcome] = await h.say('omid', { text: 'help' });
      const start = submitData(cardOf(welcome), /diagnose/i);
      await h.say('omid', { value: start }, 2);
      const replies = await h.say('omid', { value: { action: 'answer', question: 'platform', value: 'android', session: 'an-old-session' } }, 2);
      expect(cardText(cardOf(replies[0]))).toMatch(/earlier conversation/);
    });

    it('tells a user unknown to the directory what to do', async () => {
      const from = h.connector.sent.length;
      await h.post({
        type: 'message',
        id: 'unknown-1',
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        text: 'AADSTS53003 on my iPhone iOS 18 on the phone itself',
        from: { id: 'ghost', name: 'Ghost', aadObjectId: '11111111-2222-4333-8444-555555555555' },
        recipient: { id: 'bot-id' },
        conversation: { id: 'personal-ghost', conversationType: 'personal', tenantId: TENANT_ID },
      });
      const [reply] = await h.connector.waitFor(from, 1);
      expect(cardText(cardOf(reply.activity))).toMatch(/could not find your account/);
    });

    it('matches a Teams user Graph does not know by id through the roster\'s userPrincipalName', async () => {
      h.connector.roster.set('teams-user-77', { id: 'teams-user-77', name: 'Lena F.', userPrincipalName: 'lena@contoso.com', aadObjectId: '77777777-2222-4333-8444-555555555555' });
      const from = h.connector.sent.length;
      await h.post({
        type: 'message',
        id: 'roster-1',
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        text: "I'm stuck in a loop, Android 15, on the phone itself",
        from: { id: 'teams-user-77', name: 'Lena F.', aadObjectId: '77777777-2222-4333-8444-555555555555' },
        recipient: { id: 'bot-id' },
        conversation: { id: 'personal-roster', conversationType: 'personal', tenantId: TENANT_ID },
      });
      const [reply] = await h.connector.waitFor(from, 1);
      expect(cardText(cardOf(reply.activity))).toContain('Passkey pilot: passkey in Authenticator everywhere');
    });

    it('refuses activities from another tenant', async () => {
      const from = h.connector.sent.length;
      const status = await h.post({
        type: 'message',
        id: 'other-tenant-1',
        channelId: 'msteams',
        serviceUrl: h.connector.url,
        text: 'help',
        from: { id: 'x', aadObjectId: persona('lena').id },
        recipient: { id: 'bot-id' },
        conversation: { id: 'personal-x', conversationType: 'personal', tenantId: '99999999-9999-4999-8999-999999999999' },
      });
      expect(status).toBeLessThan(300);
      const [reply] = await h.connector.waitFor(from, 1);
      expect(reply.activity.text).toMatch(/only serves/);
    });
  });

  describe('Graph outages', () => {
    it('a 503 from Graph gives a clear card, and the next try works', async () => {
      const emulator = h.bot.graph.emulator!;
      emulator.failNext(4, 503, { retryAfterSeconds: 0, pathContains: '$batch' });
      const [reply] = await h.say('pia', { text: 'AADSTS53003 on Android 15 on the phone itself' });
      expect(cardText(cardOf(reply))).toMatch(/busy or not answering/);
      const [retry] = await h.say('pia', { text: 'try again' });
      expect(cardText(cardOf(retry))).toMatch(/Passkey \(FIDO2\)|passkeys/i);
    });
  });

  describe("a user's facts are read once a minute (USER_FACTS_TTL_SECONDS, default 60)", () => {
    it('answers a second description from what it read, even while Graph is down; "start over" checks afresh', async () => {
      const emulator = h.bot.graph.emulator!;
      const text = 'AADSTS53003 on my iPhone, iOS 18, on the phone itself';
      const [first] = await h.say('vic', { text }, 1, 'vic-first');
      const withoutTimes = (card: any) => cardText(card).replace(/\d{1,2}:\d{2}/g, 'hh:mm'); // "Checked" may cross a minute
      const diagnosis = withoutTimes(cardOf(first));
      expect(diagnosis).not.toMatch(/busy or not answering/);

      emulator.failNext(4, 503, { retryAfterSeconds: 0, pathContains: '$batch' }); // 1 try + 3 retries
      const [again] = await h.say('vic', { text }, 1, 'vic-second');
      expect(withoutTimes(cardOf(again))).toBe(diagnosis);

      await h.say('vic', { text: 'start over' }, 1, 'vic-second');
      const [fresh] = await h.say('vic', { text }, 1, 'vic-second');
      expect(cardText(cardOf(fresh))).toMatch(/busy or not answering/);
    });
  });
});
