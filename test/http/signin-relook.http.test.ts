// Issue 13 (the bot side): sign-ins reach the log after minutes. A ticket opened before the
// user's failed sign-in is in the log gets stored looks at it 5 and 15 minutes after the report
// (real server, loopback Graph over the demo tenant, injected clock, scheduler ticked by hand).
// The demo's sign-ins keep their times (the bot starts at the demo clock, 14:00 UTC): a report
// made before one of them is a report whose failure has not reached the log yet.
// - Vic: the prediction only says the trusted-locations policy may apply (his location is
//   unknown); his sign-in at 13:47:31 shows it failing. Reported at 13:45: seen on the 13:50 look;
//   the card shows it, the thread says so, and Vic is told once.
// - Tom: reported at 13:35; his sign-in (13:40:12) is not there at the 13:40 look, and is at
//   13:50. It confirms the prediction: card and thread, no message to Tom.
// - Marc: no failure ever arrives: after the 15-minute look the ticket says so and the bot stops.
// - Lena: her failure is in the log when she asks: the card shows it at once, no look is stored.
import { cardOf, cardText, startHarness, submitData, type Harness } from './helpers';
import type { Sent } from './loopback-connector';

const CHANNEL = 'help-desk-channel';
let clock = new Date('2026-10-05T14:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(async () => {
  await h.stop();
});

const HELP = /Contact the help desk|Request a Temporary Access Pass/;
const sentSince = (from: number) => h.connector.sent.slice(from);
const personal = (as: string, from: number) => sentSince(from).filter((s) => s.conversationId === `personal-${as}`);
const threadLines = (from: number) => sentSince(from).filter((s) => s.conversationId.startsWith(`${CHANNEL};messageid=`)).map((s) => String(s.activity.text));
const textOf = (s: Sent) => cardText(cardOf(s.activity));
const ticketIdIn = (text: string) => /PK-[A-Z0-9]{4}/.exec(text)?.[0];
const relookJobs = async (ticketId: string) => (await h.bot.scheduler.pending('signInRelook')).filter((j) => j.payload.ticketId === ticketId);

function channelCard(ticketId: string): any {
  const posts = h.connector.sent.filter((s) => s.conversationId === CHANNEL && cardText(cardOf(s.activity)).includes(ticketId));
  if (posts.length === 0) throw new Error(`no channel card for ${ticketId}`);
  return cardOf(posts.at(-1)!.activity);
}

async function escalate(as: string, text: string): Promise<string> {
  const [diagnosis] = await h.say(as, { text });
  const from = h.connector.sent.length;
  await h.say(as, { value: submitData(cardOf(diagnosis), HELP) });
  const id = ticketIdIn(personal(as, from).map(textOf).join('\n'));
  if (!id) throw new Error('no ticket id');
  return id;
}

async function tickAt(iso: string): Promise<void> {
  clock = new Date(iso);
  await h.bot.scheduler.tick();
}

const TRUSTED = 'Privileged admins: block sign-ins outside trusted locations';

describe('a failure not in the sign-in log yet', () => {
  it('Vic: the look at +5 minutes finds the failure the prediction said only may apply; card, thread, and one message to Vic', async () => {
    clock = new Date('2026-10-05T13:45:00Z');
    const ticketId = await escalate('vic', 'AADSTS53003 on my iPhone, iOS 18, on the phone itself');
    const opened = cardText(channelCard(ticketId));
    expect(opened).toContain('Not in the sign-in log yet');
    expect(opened).toContain('the bot looks again at 13:50 UTC');
    expect((await relookJobs(ticketId)).map((j) => j.dueAt).sort()).toEqual(['2026-10-05T13:50:00.000Z', '2026-10-05T14:00:00.000Z']);

    const from = h.connector.sent.length;
    await tickAt('2026-10-05T13:50:00Z');
    const lines = threadLines(from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("The sign-in log now shows Vic");
    expect(lines[0]).toContain(`failed sign-in at 13:47 UTC (Microsoft Authenticator, error 53003, failed: "${TRUSTED}")`);
    expect(lines[0]).toContain('only may apply');

    const card = cardText(channelCard(ticketId));
    expect(card).toContain('Observed sign-in (from the sign-in log)');
    expect(card).toContain('5 Oct, 13:47:31 UTC');
    expect(card).toContain('53003 — blocked by Conditional Access');
    expect(card).toContain(TRUSTED);
    expect(card).toContain('5e0c4a1e-3b5f-4d7a-9c21-7a1e2b3c4d06');
    expect(card).not.toContain('Not in the sign-in log yet');
    expect(card).not.toMatch(/\bca-[a-z-]+/);

    const told = personal('vic', from).map(textOf);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Your failed sign-in shows what blocks you');
    expect(told[0]).toContain(TRUSTED);

    // Found: the 15-minute look is gone, and ticking past it says nothing more.
    expect(await relookJobs(ticketId)).toEqual([]);
    const later = h.connector.sent.length;
    await tickAt('2026-10-05T14:01:00Z');
    expect(threadLines(later)).toEqual([]);
  });

  it('Tom: not there at the 5-minute look, there at the 15-minute one; it confirms the prediction, so Tom hears nothing', async () => {
    clock = new Date('2026-10-05T13:35:00Z');
    const ticketId = await escalate('tom', 'my TAP expired, Android 15, on the phone itself');
    expect(cardText(channelCard(ticketId))).toContain('the bot looks again at 13:40 UTC');

    let from = h.connector.sent.length;
    await tickAt('2026-10-05T13:40:00Z'); // his sign-in is from 13:40:12: not in the log yet
    expect(threadLines(from)).toEqual([]);
    expect(cardText(channelCard(ticketId))).not.toContain('Observed sign-in (from the sign-in log)');
    expect((await relookJobs(ticketId)).map((j) => j.dueAt)).toEqual(['2026-10-05T13:50:00.000Z']);

    from = h.connector.sent.length;
    await tickAt('2026-10-05T13:50:00Z');
    const lines = threadLines(from);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('failed sign-in at 13:40 UTC (Microsoft Authenticator, error 53003, failed: "Wave 1 mobile: TAP or passkey")');
    expect(lines[0]).toContain('it confirms what the ticket says');
    const card = cardText(channelCard(ticketId));
    expect(card).toContain('Observed sign-in (from the sign-in log)');
    expect(card).toContain('5 Oct, 13:40:12 UTC');
    expect(card).toContain('c0a1f2e3-4b5c-4d6e-8f70-8192a3b4c5d4');
    expect(personal('tom', from)).toEqual([]);
  });

  it('Marc: no failure reaches the log; after the 15-minute look the ticket says so and the bot stops', async () => {
    clock = new Date('2026-10-05T14:10:00Z');
    const ticketId = await escalate('marc', 'AADSTS53003 on Android 15 on the phone itself');
    expect(cardText(channelCard(ticketId))).toContain('the bot looks again at 14:15 UTC');
    let from = h.connector.sent.length;
    await tickAt('2026-10-05T14:15:00Z');
    expect(threadLines(from)).toEqual([]);
    from = h.connector.sent.length;
    await tickAt('2026-10-05T14:25:00Z');
    // Nothing happened: no thread line; the ticket (and its card, when next drawn) says the bot stopped.
    expect(threadLines(from)).toEqual([]);
    const ticket = (await h.bot.helpDesk!.ticket(ticketId))!;
    expect(ticket.signInRelook).toMatchObject({ done: true });
    expect(ticket.history.at(-1)!.text).toContain('No failed sign-in of Marc');
    expect(ticket.history.at(-1)!.text).toContain('the bot stopped looking');
    expect(personal('marc', from).map(textOf).join('\n')).not.toMatch(/sign-in/i); // (his TAP's window notice is another story)
    expect(await relookJobs(ticketId)).toEqual([]);
  });

  it('a resolved ticket is not looked at again', async () => {
    clock = new Date('2026-10-05T13:30:00Z');
    const ticketId = await escalate('pia', 'AADSTS53003 on Android 15 on the phone itself');
    expect(await relookJobs(ticketId)).toHaveLength(2);
    await h.bot.helpDesk!.resolveByBot(ticketId, 'the passkey is registered');
    expect(await relookJobs(ticketId)).toEqual([]);
    const from = h.connector.sent.length;
    await tickAt('2026-10-05T13:50:00Z');
    expect(threadLines(from)).toEqual([]);
  });
});

describe('a failure already in the log', () => {
  it('Lena: the card shows her failed sign-in at once, and no look is stored', async () => {
    clock = new Date('2026-10-05T14:00:00Z');
    const ticketId = await escalate('lena', "I'm stuck in a loop adding a passkey on my Android 15 phone, on the phone itself");
    const card = cardText(channelCard(ticketId));
    expect(card).toContain('Observed sign-in (from the sign-in log)');
    expect(card).toContain('5 Oct, 13:52:04 UTC');
    expect(card).toContain('Passkey pilot: passkey in Authenticator everywhere');
    expect(await relookJobs(ticketId)).toEqual([]);
  });
});
