// Issue 17 §2: Teams' typing indicator when the diagnosis after the last answer was not read ahead
// and takes more than a moment; none when it was read ahead. Through SupportCore (the SDK-free
// turn both edges run), with a controlled diagnosis and a fake clock; then the typing activity
// through botbuilder's TestAdapter and the Agents SDK's Activity, as each edge sends it.
import { Activity as AgentsActivity } from '@microsoft/agents-activity';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKING_AFTER_MS } from '../../src/conversation/controller';
import type { Diagnosis } from '../../src/diagnosis';
import { validateSnapshot } from '../../src/snapshot';
import { SupportBot } from '../../src/teams/bot';
import { SupportCore, typingActivity, type EdgeTurn, type OutgoingActivity, type SupportBotOptions } from '../../src/teams/edge';
import type { ConversationRef } from '../../src/delivery/references';
import { connectGraph } from '../../src/support/graph-connection';

const DEMO = validateSnapshot(JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8')));
const TENANT = DEMO.tenant.id;
const AT = new Date('2026-10-05T14:00:00Z');
const lena = DEMO.users.find((u) => u.mail?.startsWith('lena@'))!;
let LENA_DIAGNOSIS: Diagnosis;
beforeAll(async () => {
  // A real diagnosis, read through Graph (the loopback emulator) once; the tests then control when it arrives.
  const graph = await connectGraph({ snapshot: DEMO, emulatorNow: () => AT, tenantId: TENANT });
  try {
    LENA_DIAGNOSIS = await graph.diagnoser.diagnose(lena.id as string, { platform: 'android', osVersion: 15, at: AT });
  } finally {
    await graph.close();
  }
});
// Everything the intake needs in one message: the diagnosis follows at once.
const ALL_SAID = 'I cannot add a passkey on my Android 15 phone, on the phone itself';

/** A diagnoser whose diagnosis the test settles, and whose readiness it sets. */
function controlledDiagnoser(ready: boolean) {
  let settle!: (d: Diagnosis) => void;
  const pending = new Promise<Diagnosis>((resolve) => (settle = resolve));
  const diagnoser: SupportBotOptions['diagnoser'] = {
    diagnoseTeamsUser: () => pending,
    prefetch: () => undefined,
    diagnosisReady: () => ready,
  };
  return { diagnoser, settle };
}

function coreTurn(core: SupportCore, text: string) {
  const sent: OutgoingActivity[] = [];
  const turn: EdgeTurn = {
    activity: {
      type: 'message',
      channelId: 'msteams',
      text,
      from: { id: '29:lena', aadObjectId: lena.id as string, name: 'Lena' },
      conversation: { id: 'a:lena', conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    },
    reference: () => ({ conversation: { id: 'a:lena' } }) as ConversationRef,
    send: async (a) => {
      sent.push(a);
    },
    invokeResponse: async () => undefined,
    rosterUpn: async () => undefined,
  };
  return { sent, done: core.run(turn, () => core.message(turn)) };
}

const coreFor = (diagnoser: SupportBotOptions['diagnoser']) => new SupportCore({ storage: new MemoryStorage(), tenantId: TENANT, conversation: { now: () => AT }, diagnoser });

describe('SupportCore (both edges)', () => {
  beforeEach(() => jest.useFakeTimers({ now: AT }));
  afterEach(() => jest.useRealTimers());

  it('sends typing, then the card, when the diagnosis was not read ahead and takes more than a moment', async () => {
    const { diagnoser, settle } = controlledDiagnoser(false);
    const { sent, done } = coreTurn(coreFor(diagnoser), ALL_SAID);
    await jest.advanceTimersByTimeAsync(WORKING_AFTER_MS - 1);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ type: 'typing' }]);
    settle(LENA_DIAGNOSIS);
    await done;
    expect(sent.map((a) => a.type)).toEqual(['typing', 'message']);
    expect(JSON.stringify(sent[1])).toMatch(/Authenticator asks for the passkey you are creating/);
  });

  it('sends no typing when the diagnosis was read ahead, however long it then takes', async () => {
    const { diagnoser, settle } = controlledDiagnoser(true);
    const { sent, done } = coreTurn(coreFor(diagnoser), ALL_SAID);
    await jest.advanceTimersByTimeAsync(5 * WORKING_AFTER_MS);
    settle(LENA_DIAGNOSIS);
    await done;
    expect(sent.map((a) => a.type)).toEqual(['message']);
  });

  it('sends no typing when a diagnosis not read ahead answers within the moment', async () => {
    const { diagnoser, settle } = controlledDiagnoser(false);
    const { sent, done } = coreTurn(coreFor(diagnoser), ALL_SAID);
    await jest.advanceTimersByTimeAsync(WORKING_AFTER_MS - 1);
    settle(LENA_DIAGNOSIS);
    await done;
    await jest.advanceTimersByTimeAsync(5 * WORKING_AFTER_MS);
    expect(sent.map((a) => a.type)).toEqual(['message']);
  });

  it('sends typing before the error card when Graph fails slowly', async () => {
    let fail!: (e: Error) => void;
    const diagnoser: SupportBotOptions['diagnoser'] = { diagnoseTeamsUser: () => new Promise((_, reject) => (fail = reject)), diagnosisReady: () => false };
    const { sent, done } = coreTurn(coreFor(diagnoser), ALL_SAID);
    await jest.advanceTimersByTimeAsync(WORKING_AFTER_MS);
    fail(new Error('boom'));
    await done;
    expect(sent.map((a) => a.type)).toEqual(['typing', 'message']);
    expect(JSON.stringify(sent[1])).toMatch(/could not check your settings/);
  });
});

describe('the typing activity on each SDK', () => {
  it('botbuilder sends it as a typing activity, before the diagnosis card', async () => {
    // The diagnosis settles only once the typing activity went out (real time: WORKING_AFTER_MS).
    let adapter!: TestAdapter;
    const typingSent = async () => {
      while (!adapter.activeQueue.some((a) => a.type === 'typing')) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const diagnoser: SupportBotOptions['diagnoser'] = { diagnoseTeamsUser: () => typingSent().then(() => LENA_DIAGNOSIS), diagnosisReady: () => false };
    const bot = new SupportBot({ storage: new MemoryStorage(), tenantId: TENANT, conversation: { now: () => AT }, diagnoser });
    adapter = new TestAdapter(async (context) => bot.run(context));
    const received: Partial<Activity>[] = [];
    const turn = adapter.send({
      type: 'message',
      text: ALL_SAID,
      channelId: 'msteams',
      from: { id: '29:lena', name: 'Lena', aadObjectId: lena.id as string },
      conversation: { id: 'a:lena', conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
    });
    await turn
      .assertReply((a) => {
        received.push(a);
      })
      .assertReply((a) => {
        received.push(a);
      });
    expect(received.map((a) => a.type)).toEqual(['typing', 'message']);
  });

  it('the Agents SDK accepts it as a typing activity', () => {
    expect(AgentsActivity.fromObject(typingActivity()).type).toBe('typing');
  });
});
