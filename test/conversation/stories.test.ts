// The employees' stories, turn by turn, through the conversation controller wired as the bot wires
// it: the real Diagnoser and Graph client against the loopback Graph server over the demo tenant,
// "That fixed it" checked with a fresh Graph read of the user's passkeys, the tenant's facts from
// the Graph layer's cache. What each employee reads and which buttons they get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTTONS, FINDINGS } from '../../src/cards';
import { handleTurn, type ConversationDeps, type ConversationState } from '../../src/conversation/controller';
import { hasAuthenticatorPasskey } from '../../src/notices/window-notices';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { cardText, submitData } from '../http/helpers';
import { byId, submits, visibleSize, words, withoutDetails } from '../cards/check-card';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const person = (name: string) => DEMO.users.find((u: { mail: string }) => u.mail.startsWith(`${name}@`));

let graph: GraphConnection;
let deps: ConversationDeps;
let passkeyReads = 0;
beforeAll(async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, retryDelaySeconds: 0 });
  let n = 0;
  deps = {
    diagnose: (userId, context) => graph.diagnoser.diagnose(userId, context),
    forgetUser: (userId) => graph.diagnoser.forgetUser(userId),
    passkeyRegistered: (userId, since) => {
      passkeyReads++;
      return hasAuthenticatorPasskey(graph.client, userId, since);
    },
    tenantFacts: () => graph.tenantFacts.get(),
    now: () => NOW,
    newSession: () => `session-${++n}`,
  };
});
afterAll(async () => {
  await graph.close();
});

/** One employee's chat: say text or press a button, get the cards back. */
function chat(name: string) {
  const from = { aadObjectId: person(name).id, name: person(name).displayName };
  let state: ConversationState | undefined;
  const turn = async (t: { text: string } | { value: unknown }) => {
    const r = await handleTurn(deps, state, 'text' in t ? { kind: 'text', text: t.text } : { kind: 'submit', value: t.value }, from);
    state = r.state;
    return r.cards as any[];
  };
  return {
    say: async (text: string) => (await turn({ text })).at(-1),
    press: async (card: any, title: RegExp) => (await turn({ value: submitData(card, title) })).at(-1),
    /** A button on an older card of this conversation (the same session). */
    send: async (value: unknown) => (await turn({ value })).at(-1),
    get session() {
      return state!.intake.session;
    },
  };
}

const visible = (card: any) => words(withoutDetails(card));
const actions = (card: any) => submits(card).map((d) => d.action);
const isQuestion = (card: any) => /Which phone|Which version|Where does it fail|Android profile|Where did you create|Bluetooth turned off/.test(cardText(card));

describe('Tom: his TAP expired, and the tenant already has the split design', () => {
  it('"my TAP expired" reaches the answer in two taps; the expired TAP is the headline, a new one the only action', async () => {
    const tom = chat('tom');
    let card = await tom.say('my TAP expired');
    card = await tom.press(card, /^Android$/);
    card = await tom.press(card, /Android 15 or newer/);
    expect(isQuestion(card)).toBe(false);
    expect(card.body[0]).toMatchObject({ text: FINDINGS['tap-expired'].title });
    expect(visible(card)).not.toContain(FINDINGS['ca-auth-strength-loop'].title);
    expect(actions(card)).toEqual(['requestTap']);
    expect(visible(card)).not.toContain(BUTTONS.fixed);
    // No split design proposed to a tenant that has it: "Wave 1 mobile" is its mobile half.
    const it = words(byId(card, 'itTeam'));
    expect(it).toContain('Wave 1 mobile: TAP or passkey');
    expect(it).not.toMatch(/two Conditional Access policies|Use separate policies for mobile and desktop/);
    expect(it).toMatch(/No change is needed/);
  });
});

describe('Lena: the registration loop, which a TAP does not get her through', () => {
  it('is not told a TAP will fix it; the help desk is the action; "That fixed it" is not offered', async () => {
    const lena = chat('lena');
    const card = await lena.say("I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself");
    expect(card.body[0]).toMatchObject({ text: FINDINGS['ca-auth-strength-loop'].title });
    expect(visible(card)).not.toMatch(/Temporary Access Pass/);
    expect(actions(card)).toEqual(['contactHelpDesk']);
    expect(words(byId(card, 'itTeam'))).toContain('Use the split design you already have');
    expect(visibleSize(card).characters).toBeLessThan(600);
  });

  it('pressing "That fixed it" (an older card) without a passkey in Graph: not congratulated, told so, offered help; once it is there: ready', async () => {
    const lena = chat('lena');
    await lena.say("I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself");
    const reads = passkeyReads;
    const notYet = await lena.send({ action: 'fixed', session: lena.session });
    expect(passkeyReads).toBe(reads + 1);
    expect(cardText(notYet)).toMatch(/I don't see your passkey yet/);
    expect(cardText(notYet)).not.toMatch(/glad|is ready|Great/i);
    expect(actions(notYet)).toEqual(['fixed', 'contactHelpDesk']);

    graph.emulator!.userRegisters(person('lena').id, {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: 'b1a2c3d4-0000-4000-8000-000000000042',
      displayName: 'Microsoft Authenticator - Android',
      aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84',
      createdDateTime: new Date(NOW.getTime() + 60_000).toISOString(),
    } as never);
    const ready = await lena.press(notYet, new RegExp(BUTTONS.checkAgain));
    expect(ready.body[0]).toMatchObject({ text: 'Your passkey is ready', color: 'Good' });
  });

  it('an old passkey from before the diagnosis does not count (Sofia\'s is on her iPhone, she is on Android)', async () => {
    const sofia = chat('sofia');
    const card = await sofia.say('Authenticator will not add a passkey on my Pixel, Android 15, on the phone itself');
    expect(actions(card)).toEqual(['fixed', 'contactHelpDesk']);
    const answer = await sofia.press(card, new RegExp(BUTTONS.fixed));
    expect(cardText(answer)).toMatch(/I don't see your passkey yet/);
  });
});

describe('advice consistent with the person and the tenant', () => {
  it('Pia is told which group turns passkeys off for her', async () => {
    const card = await chat('pia').say('I cannot add a passkey, Android 15, on the phone itself');
    expect(card.body[2].text).toContain('"Contractors"');
    expect(actions(card)).toEqual(['contactHelpDesk']);
  });

  it('Victor is told only security keys are allowed, and pointed to one first', async () => {
    const card = await chat('vic').say('AADSTS53003 on my iPhone, iOS 18, on the phone itself');
    expect(card.body[0]).toMatchObject({ text: 'Only security keys are allowed for you' });
    expect(words(byId(card, 'steps'))).toMatch(/^1\. \nIf you have a security key/m);
  });

  it('Uma, a guest, is never offered a Temporary Access Pass, even when she asks for one', async () => {
    const uma = chat('uma');
    const card = await uma.say('I need a temporary access pass, the loop keeps asking for a passkey, Android 15, on the phone itself');
    expect(actions(card)).toEqual(['contactHelpDesk']);
    expect(visible(card)).not.toMatch(/Temporary Access Pass/);
  });
});

describe('free text is understood, and answers are honoured', () => {
  it.each(['14', 'Version 14', 'not sure, 14 maybe'])('"%s" answers the version question', async (reply) => {
    const raj = chat('raj');
    let card = await raj.say("Authenticator won't create the passkey");
    card = await raj.press(card, /^Android$/);
    expect(cardText(card)).toMatch(/Which version/);
    card = await raj.say(reply);
    expect(cardText(card)).toMatch(/Where does it fail/);
    card = await raj.press(card, /On the phone/);
    expect(card.body[1]).toMatchObject({ text: 'Raj Patel · Android 14' });
  });

  it('"Bluetooth is blocked by IT" answers the Bluetooth question', async () => {
    const sofia = chat('sofia');
    let card = await sofia.say('I scan the QR code on my laptop with my iPhone, iOS 18, and it fails');
    expect(cardText(card)).toMatch(/Bluetooth turned off or restricted/);
    card = await sofia.say('Bluetooth is blocked by IT');
    expect(isQuestion(card)).toBe(false);
  });

  it('someone on Android 15 on the phone is not told about Android 14 or QR codes', async () => {
    const card = await chat('raj').say("Authenticator won't create the passkey on my Pixel, Android 15, on the phone itself");
    expect(visible(card)).not.toMatch(/Android 14|QR code/);
    expect(actions(card)).toEqual(['fixed', 'contactHelpDesk']);
  });
});

describe('"Did this fix it?" on a resolved ticket', () => {
  it('closes the ticket, and says the passkey is ready only when Graph shows it', async () => {
    const closed: string[] = [];
    const helpDesk = {
      open: async () => {
        throw new Error('not in this story');
      },
      openTicketOf: async () => undefined,
      requesterAnswer: async (ticketId: string) => {
        closed.push(ticketId);
        return { outcome: 'done', message: '' };
      },
    };
    const from = { aadObjectId: person('noor').id, name: 'Noor Haddad' };
    const withDesk = { ...deps, helpDesk } as ConversationDeps;
    const first = await handleTurn(withDesk, undefined, { kind: 'submit', value: { action: 'ticketFixed', ticketId: 'PK-7Q3D' } }, from);
    expect(closed).toEqual(['PK-7Q3D']);
    expect(cardText(first.cards[0])).toMatch(/Ticket PK-7Q3D is closed/);
    expect(cardText(first.cards[0])).not.toMatch(/is ready|glad/i);

    graph.emulator!.userRegisters(person('noor').id, {
      '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
      id: 'b1a2c3d4-0000-4000-8000-000000000043',
      displayName: 'Microsoft Authenticator - iOS',
      aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f',
      createdDateTime: NOW.toISOString(),
    } as never);
    const second = await handleTurn(withDesk, first.state, { kind: 'submit', value: { action: 'ticketFixed', ticketId: 'PK-7Q3E' } }, from);
    expect(second.cards[0]).toMatchObject({ body: [expect.objectContaining({ text: 'Your passkey is ready' }), expect.anything()] });
  });
});
