// The employees' and admins' side over HTTP, as Teams delivers it: the real server and adapter,
// replies on a loopback connector, Graph served by the loopback emulator over the demo tenant.
// Each card is read as its reader reads it: what is visible before tapping anything, and the
// buttons they get.
import { byId, submits, visibleSize, words, withoutDetails } from '../cards/check-card';
import { cardOf, cardText, startHarness, submitData, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const visible = (card: any) => words(withoutDetails(card));
const actions = (card: any) => submits(card).map((d) => d.action);
const isQuestion = (card: any) => /Which phone|Which version|Where does it fail|Android profile|Where did you create|Bluetooth turned off/.test(cardText(card));

/** Says something (or presses a button) in a fresh conversation of its own and returns the last card. */
async function say(as: string, message: { text?: string; value?: unknown }, conversation: string): Promise<any> {
  const replies = await h.say(as, message, 1, conversation);
  return cardOf(replies[replies.length - 1]);
}

describe("Tom's story: his TAP expired, in a tenant that already has the split design", () => {
  it('two taps from "my TAP expired" to a card whose headline is the expired TAP, a new pass the only action, no split design proposed', async () => {
    let card = await say('tom', { text: 'my TAP expired' }, 'tom-story');
    card = await say('tom', { value: submitData(card, /^Android$/) }, 'tom-story');
    card = await say('tom', { value: submitData(card, /Android 15 or newer/) }, 'tom-story');
    expect(isQuestion(card)).toBe(false);
    expect(card.body[0].text).toBe('Your Temporary Access Pass has expired');
    expect(visible(card)).not.toMatch(/Authenticator asks for the passkey you are creating/);
    expect(actions(card)).toEqual(['requestTap']);
    expect(cardText(card)).not.toMatch(/That fixed it/);
    expect(cardText(card)).not.toMatch(/two Conditional Access policies|Use separate policies for mobile and desktop/);
  });
});

describe("Lena's story: the loop, which a TAP does not fix", () => {
  it('is not told a TAP will fix it, gets the help desk as her one action, and is not congratulated for a passkey she does not have', async () => {
    const card = await say('lena', { text: "I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself" }, 'lena-story');
    expect(card.body[0].text).toBe('Authenticator asks for the passkey you are creating');
    expect(visible(card)).not.toMatch(/Temporary Access Pass/);
    expect(actions(card)).toEqual(['contactHelpDesk']);
    expect(cardText(card)).not.toMatch(/That fixed it/);
    // The admin's part is there, collapsed, for the IT team.
    expect(byId(card, 'itTeam')).toMatchObject({ isVisible: false });
    expect(words(byId(card, 'itTeam'))).toContain('Passkey pilot: passkey in Authenticator everywhere');
    expect(visibleSize(card).characters).toBeLessThan(600);

    // "That fixed it" from an older card of this conversation: Graph has no passkey for her.
    const { session } = submitData(card, /Contact the help desk/);
    const answer = await say('lena', { value: { action: 'fixed', session } }, 'lena-story');
    expect(cardText(answer)).not.toMatch(/glad|is ready|Great/i);
    // The bot really looked (Graph), rather than saying it could not check.
    expect(cardText(answer)).toMatch(/I don't see your passkey yet/);
    expect(actions(answer)).toContain('contactHelpDesk');
  });
});

describe('each employee reads their own case', () => {
  it('Pia is told the group "Contractors" turns passkeys off for her', async () => {
    const card = await say('pia', { text: 'cannot add a passkey, Android 15, on the phone itself' }, 'pia-story');
    expect(card.body[2].text).toContain('"Contractors"');
  });

  it('Victor is told only security keys are allowed, and pointed to a security key', async () => {
    const card = await say('vic', { text: 'AADSTS53003 on my iPhone, iOS 18, on the phone itself' }, 'vic-story');
    expect(card.body[0].text).toBe('Only security keys are allowed for you');
    expect(words(byId(card, 'steps'))).toMatch(/security key/);
    expect(actions(card)).toEqual(['contactHelpDesk']);
  });

  it('Uma, a guest, is never offered a Temporary Access Pass', async () => {
    const card = await say('uma', { text: 'stuck in a loop, it wants a passkey, Android 15, on the phone itself' }, 'uma-story');
    expect(actions(card)).not.toContain('requestTap');
    expect(visible(card)).not.toMatch(/Temporary Access Pass/);
  });
});

describe('free text is understood', () => {
  it.each(['14', 'Version 14', 'not sure, 14 maybe'])('"%s" answers the version question', async (reply) => {
    const conversation = `raj-version-${reply.length}`;
    let card = await say('raj', { text: "Authenticator won't create the passkey" }, conversation);
    card = await say('raj', { value: submitData(card, /^Android$/) }, conversation);
    card = await say('raj', { text: reply }, conversation);
    expect(cardText(card)).toMatch(/Where does it fail/);
    card = await say('raj', { value: submitData(card, /On the phone/) }, conversation);
    expect(card.body[1].text).toBe('Raj Patel · Android 14');
  });

  it('"Bluetooth is blocked by IT" answers the Bluetooth question', async () => {
    let card = await say('sofia', { text: 'I scan the QR code on my laptop with my iPhone, iOS 18, and it fails' }, 'sofia-bt');
    expect(cardText(card)).toMatch(/Bluetooth turned off or restricted/);
    card = await say('sofia', { text: 'Bluetooth is blocked by IT' }, 'sofia-bt');
    expect(isQuestion(card)).toBe(false);
  });

  it('Android 15, on the phone: no Android 14 advice, no QR-code section', async () => {
    const card = await say('raj', { text: "Authenticator won't create the passkey on my Pixel, Android 15, on the phone itself" }, 'raj-15');
    expect(visible(card)).not.toMatch(/Android 14|QR code/);
  });
});

describe('the admin chat', () => {
  it('"campaign" shows its commands with their placeholders, as typed', async () => {
    const card = await say('ada', { text: 'campaign' }, 'ada-campaign');
    const runs = JSON.stringify(card.body);
    expect(runs).toContain('"type":"TextRun","text":"campaign start <group> <date>"');
    expect(cardText(card)).not.toMatch(/Something went wrong/);
  });

  it('a campaign starts with the date as people write it, and says it back that way', async () => {
    const card = await say('ada', { text: 'campaign start Passkey pilot 31 December 2099' }, 'ada-campaign');
    expect(cardText(card)).toMatch(/reminded a week and a day before 31 December 2099/);
  });

  it('"audit" gives a summary with a next step, and no npm script to run', async () => {
    const card = await say('ada', { text: 'audit' }, 'ada-audit');
    expect(cardText(card)).toMatch(/Next step: /);
    expect(cardText(card)).not.toMatch(/npm/);
  });

  it('the campaign notice an employee gets has no "Something went wrong" button, and no TAP offer', async () => {
    await h.say('lena', { text: 'hi' }, 1, 'personal-lena');
    await say('ada', { text: 'campaign start Passkey pilot 30 November 2099' }, 'ada-campaign');
    await h.bot.scheduler.tick();
    const notice = h.connector.sent.filter((s) => s.conversationId === 'personal-lena' && s.activity.channelData?.noticeId).map((s) => cardOf(s.activity)).at(-1);
    expect(notice.body[0].text).toBe('Passkeys will be required from 30 November 2099');
    expect(notice.actions.map((a: any) => a.title)).toEqual(["I can't add it"]);
  });
});
