// 200 KB of text built to make the patterns backtrack, over HTTP, while another employee talks to
// the bot: both are answered, and the hostile message was read only up to a bound. (Before the
// fix, the hostile turn held the only thread for about twenty seconds and this test timed out.)
import { cardOf, cardText, persona, startHarness, TENANT_ID, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

function message(as: string, text: string, id: string) {
  const user = persona(as);
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: 'bot-id', name: 'Passkey help' },
    conversation: { id: `personal-${as}`, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text,
  };
}

describe('a 200 KB hostile message', () => {
  it('is bounded, and the bot answers another employee meanwhile', async () => {
    const from = h.connector.sent.length;
    const hostile = `help${' '.repeat(200 * 1024)}x`;
    const statuses = await Promise.all([h.post(message('lena', hostile, 'hostile-1')), h.post(message('omid', 'hi', 'normal-1'))]);
    expect(statuses).toEqual([200, 200]);
    const replies = await h.connector.waitFor(from, 3);
    const to = (as: string) => replies.filter((s) => s.conversationId === `personal-${as}`).map((s) => cardOf(s.activity));

    const [welcome] = to('omid');
    expect(cardText(welcome)).toMatch(/Diagnose my passkey problem/);

    const lena = to('lena');
    expect(lena).toHaveLength(2);
    expect(cardText(lena[0])).toMatch(/read only the first 8,000 characters/);
    expect(cardText(lena[1])).toMatch(/Which phone/);
    for (const card of lena) expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  }, 10_000);
});
