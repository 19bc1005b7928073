// An agent's click is judged against the requester read from Graph at that moment, not against
// what the ticket stored: Lena's ticket was opened while Graph could not be read, so its card could
// not say what works; "Issue a TAP" then checks her afresh, finds a TAP will not clear her block,
// does nothing, and redraws the card — whose warned form then issues it, if the agent still wants.
import { cardOf, cardText, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';

const CHANNEL = 'help-desk-channel';
const clock = new Date('2026-10-05T10:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(async () => {
  await h.stop();
});

const HELP = /Contact the help desk|Request a Temporary Access Pass/;
const taps = () => h.bot.graph.emulator!.snapshot().users.find((u: any) => u.mail.startsWith('lena@'))!.authenticationMethods.filter((m: any) => m['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod'));
const threadLines = (from: number) => h.connector.sent.slice(from).filter((s) => s.conversationId.startsWith(`${CHANNEL};messageid=`)).map((s) => String(s.activity.text));
const lastCard = (ticketId: string) => cardOf(h.connector.sent.filter((s) => s.conversationId === CHANNEL && cardText(cardOf(s.activity)).includes(ticketId)).at(-1)!.activity);
const tapButton = (card: any) => (card.actions ?? []).find((a: any) => a.card?.actions?.[0]?.verb === 'ticket.issueTap');

function issueTap(ticketId: string) {
  const hana = persona('hana');
  return h.invoke({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `check-invoke-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: 'hana-teams-id', name: hana.displayName, aadObjectId: hana.id },
    recipient: { id: 'bot-id' },
    conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
    channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } },
    value: { action: { type: 'Action.Execute', verb: 'ticket.issueTap', data: { ticketId, tapLifetime: '60' } }, trigger: 'manual' },
  });
}

it('a click the card could not warn about is checked afresh, refused with the reason, and the card redrawn; its warned form then goes through', async () => {
  const [diagnosis] = await h.say('lena', { text: "I'm stuck in a loop adding a passkey on my Android 15 phone, on the phone itself" });
  // Graph cannot be read while the ticket opens (1 try + 3 retries of the user's $batch).
  h.bot.graph.emulator!.failNext(4, 503, { retryAfterSeconds: 0, pathContains: '$batch' });
  const from = h.connector.sent.length;
  await h.say('lena', { value: submitData(cardOf(diagnosis), HELP) });
  const ticketId = /PK-[A-Z0-9]{4}/.exec(h.connector.sent.slice(from).map((s) => cardText(cardOf(s.activity))).join('\n'))![0];
  const opened = lastCard(ticketId);
  expect(cardText(opened)).toMatch(/What works could not be checked at 10:00 UTC \(Graph: 503/);
  expect(tapButton(opened)).toMatchObject({ title: 'Issue a TAP' });

  // The agent presses it: Lena is read from Graph now, and a TAP would not clear her block.
  const before = h.connector.sent.length;
  const refused = await issueTap(ticketId);
  expect(JSON.stringify(refused.body)).toMatch(/Not done\. Checked just now: A Temporary Access Pass \(multi-use, 60 minutes\) will not help: 'Passkey pilot: passkey in Authenticator everywhere' accepts only a passkey in Microsoft Authenticator\. Lena Fischer would still be blocked/);
  expect(taps()).toEqual([]);
  expect(threadLines(before)).toEqual([expect.stringMatching(new RegExp(`^${ticketId}: Hana Kim's "Issue a TAP" was not carried out: Not done\\. Checked just now`))]);
  const redrawn = lastCard(ticketId);
  expect(cardText(redrawn)).toContain("Issue a TAP — A Temporary Access Pass (multi-use, 60 minutes) will not help: 'Passkey pilot: passkey in Authenticator everywhere'");
  expect(tapButton(redrawn)).toMatchObject({ title: 'Issue a TAP (will not clear)' });

  // From the warned form the card now shows, it is carried out (and Lena told the truth).
  const issued = await issueTap(ticketId);
  expect(cardText(issued.body.value)).toMatch(/TAP issued 10:00–11:00 UTC by Hana Kim, reusable; checked with it in place: still blocked/);
  expect(taps()).toHaveLength(1);
});
