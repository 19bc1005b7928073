// The bot through botbuilder's TestAdapter: the Teams layer + conversation + the real Graph
// client against the loopback Graph server over the demo tenant.
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { demoPersonas } from '../../src/demo/demo-tenant';
import { SupportBot } from '../../src/teams/bot';
import { validateSnapshot } from '../../src/snapshot';
import { cardText, submitData } from '../http/helpers';

const ROOT = join(__dirname, '..', '..');
const DEMO = validateSnapshot(JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8')));
const TENANT = DEMO.tenant.id;
const AT = new Date('2026-10-05T14:00:00Z'); // the demo tenant's clock
const user = (mail: string) => DEMO.users.find((u) => u.mail?.startsWith(`${mail}@`))!;

let graph: GraphConnection;
const logs: Record<string, unknown>[] = [];
beforeAll(async () => {
  // A timeout long enough that a busy machine never hits it; the timeout test has its own connection.
  graph = await connectGraph({ snapshot: DEMO, timeoutMs: 15_000, maxRetries: 1, retryDelaySeconds: 0 });
});
afterAll(async () => {
  await graph.close();
});

function botFor(options: { personas?: boolean; graph?: GraphConnection } = {}) {
  const bot = new SupportBot({
    storage: new MemoryStorage(),
    tenantId: TENANT,
    diagnoser: (options.graph ?? graph).diagnoser,
    conversation: { now: () => AT, personas: options.personas ? demoPersonas(DEMO) : undefined, log: (e) => logs.push(e) },
    log: (e) => logs.push(e),
  });
  const adapter = new TestAdapter(async (context) => {
    // These tests read the cards in order. A slow diagnosis (a busy machine) is preceded by a
    // typing indicator; test/teams/typing.test.ts covers that, so it is left out here.
    context.onSendActivities(async (_ctx, activities, next) => {
      for (let i = activities.length - 1; i >= 0; i--) if (activities[i].type === 'typing') activities.splice(i, 1);
      return next();
    });
    await bot.run(context);
  });
  return adapter;
}

function as(mail: string, activity: Partial<Activity>): Partial<Activity> {
  const u = user(mail);
  return {
    channelId: 'msteams',
    from: { id: `${mail}-teams`, name: u.displayName ?? mail, aadObjectId: u.id as string },
    conversation: { id: `conv-${mail}`, conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
    ...activity,
  };
}

const card = (a: Partial<Activity>) => (a.attachments ?? [])[0]?.content;

describe('first contact', () => {
  it('welcomes a user who installs the bot, with the demo personas in local mode', async () => {
    const adapter = botFor({ personas: true });
    await adapter
      .send(as('lena', { type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'bot', name: 'bot' }], recipient: { id: 'bot', name: 'bot' } }))
      .assertReply((a) => {
        const text = cardText(card(a));
        expect(text).toContain('Diagnose my passkey problem');
        expect(text).toContain('Victor Nakamura');
      });
  });
});

describe('a conversation without a conversationType', () => {
  const install = (mail: string) => {
    const a = as(mail, { type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'bot', name: 'bot' }], recipient: { id: 'bot', name: 'bot' } });
    return { ...a, conversation: { id: 'chat-without-type', tenantId: TENANT, isGroup: false, name: '' } } as Partial<Activity>;
  };

  const botIn = (playground: boolean) => {
    const bot = new SupportBot({ storage: new MemoryStorage(), tenantId: TENANT, playground, diagnoser: graph.diagnoser, conversation: { now: () => AT, personas: playground ? demoPersonas(DEMO) : undefined } });
    return new TestAdapter(async (context) => bot.run(context));
  };

  it('is not taken for a personal chat: no welcome there', async () => {
    const adapter = botIn(false);
    await adapter.send(install('lena'));
    expect(adapter.activeQueue).toEqual([]);
  });

  it('is a personal chat in the Agents Playground (offline demo), which leaves the type out', async () => {
    const adapter = botIn(true);
    await adapter.send(install('lena')).assertReply((a) => expect(cardText(card(a))).toContain('Diagnose my passkey problem'));
  });
});

describe('a guided conversation', () => {
  it('asks only what it needs, diagnoses, and does not congratulate without a passkey', async () => {
    const adapter = botFor();
    let questionCard: any;
    let diagnosis: any;
    await adapter
      .send(as('tom', { type: 'message', text: 'my TAP expired, on my iPhone' }))
      .assertReply((a) => {
        questionCard = card(a);
        expect(cardText(questionCard)).toMatch(/Which version/);
      });
    // A TAP is used in Authenticator on the phone: no "where does it fail" question.
    await adapter.send(as('tom', { type: 'message', value: submitData(questionCard, /iOS 18/) })).assertReply((a) => {
      diagnosis = card(a);
      const text = cardText(diagnosis);
      expect(text).toContain('Wave 1 mobile: TAP or passkey');
      expect(diagnosis.body[0].text).toMatch(/expired/i);
      expect(text).toMatch(/Request a Temporary Access Pass/);
      expect(text).not.toMatch(/That fixed it/);
    });
    const { session } = submitData(diagnosis, /Request a Temporary Access Pass/);
    await adapter.send(as('tom', { type: 'message', value: { action: 'fixed', session } })).assertReply((a) => {
      expect(cardText(card(a))).not.toMatch(/glad|is ready/i);
    });
  });

  it('switches to a demo persona from the welcome card', async () => {
    const adapter = botFor({ personas: true });
    let welcome: any;
    await adapter.send(as('lena', { type: 'message', text: 'help' })).assertReply((a) => {
      welcome = card(a);
    });
    await adapter
      .send(as('lena', { type: 'message', value: submitData(welcome, /Victor Nakamura/) }))
      .assertReply((a) => expect(cardText(card(a))).toMatch(/You are now Victor Nakamura/))
      .assertReply((a) => expect(cardText(card(a))).toMatch(/Which phone/));
  });

  it('refuses a card clicked by someone else in the conversation', async () => {
    const adapter = botFor();
    let questionCard: any;
    await adapter.send(as('noor', { type: 'message', text: 'AADSTS53002 approved app' })).assertReply((a) => {
      questionCard = card(a);
    });
    const intruder = { ...as('omid', { type: 'message', value: submitData(questionCard, /Android/) }), conversation: as('noor', {}).conversation };
    await adapter.send(intruder).assertReply((a) => expect(cardText(card(a))).toMatch(/someone else/));
  });
});

describe('Graph trouble', () => {
  it('a Graph timeout gives the user a clear card and the operator a log line without secrets', async () => {
    // A short client timeout against a Graph that holds every $batch for a minute: the client gives
    // up first however busy the machine is (close() then releases the held requests).
    const slow = await connectGraph({ snapshot: DEMO, timeoutMs: 200, maxRetries: 1, retryDelaySeconds: 0 });
    try {
      const adapter = botFor({ graph: slow });
      slow.emulator!.delayNext(100, 60_000, '$batch');
      await adapter.send(as('pia', { type: 'message', text: 'AADSTS53003 on my Android 15 phone, on the phone itself' })).assertReply((a) => {
        expect(cardText(card(a))).toMatch(/busy or not answering/);
      });
      const line = logs.find((l) => l.event === 'diagnose.failed');
      expect(line).toMatchObject({ kind: 'timeout' });
      expect(JSON.stringify(line)).not.toMatch(/offline-demo|Bearer/);
    } finally {
      await slow.close();
    }
  });
});
