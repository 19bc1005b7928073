// Issue 17 §2: the user's facts, sign-ins and What If are read while they answer the questions,
// so the diagnosis after their last answer makes no Graph round trip. Through the real
// conversation, the real Diagnoser and Graph client, against the loopback Graph (its request log).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleTurn, type ConversationDeps, type ConversationState, type Turn } from '../../src/conversation/controller';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { cardText } from '../http/helpers';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const lena = DEMO.users.find((u: { mail: string }) => u.mail.startsWith('lena@'));
const SESSION = 'session-1';

let graph: GraphConnection;
let logs: Record<string, unknown>[];
beforeEach(async () => {
  logs = [];
  // As the bot runs: USER_FACTS_TTL_SECONDS=60.
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, userFactsTtlMs: 60_000, retryDelaySeconds: 0, maxRetries: 0 });
});
afterEach(async () => {
  await graph.close();
});

function depsOf(g: GraphConnection): ConversationDeps {
  return {
    diagnose: (userId, context, call) => g.diagnoser.diagnose(userId, context, call),
    forgetUser: (userId) => g.diagnoser.forgetUser(userId),
    prefetch: (userId, hint) => g.diagnoser.prefetch(userId, hint),
    diagnosisReady: (userId, context, call) => g.diagnoser.diagnosisReady(userId, context, call),
    now: () => NOW,
    newSession: () => SESSION,
    log: (e) => logs.push(e),
  };
}

/** Lets the reads under way settle (the loopback Graph answers at once): until `done`, or fails the test by its timeout. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const kinds = (g: GraphConnection, from = 0) =>
  g.emulator!.requests.slice(from).map((r) => (r.path.includes('$batch') ? 'batch' : r.path.includes('/auditLogs/signIns') ? 'signIns' : r.path.includes('/conditionalAccess/evaluate') ? 'whatIf' : r.path));

async function say(deps: ConversationDeps, state: ConversationState | undefined, turn: Turn) {
  return handleTurn(deps, state, turn, { aadObjectId: lena.id, name: lena.displayName });
}
const answer = (question: string, value: string): Turn => ({ kind: 'submit', value: { action: 'answer', question, value, session: SESSION } });

it('the first message starts reading the user (their $batch and sign-ins), What If follows the platform answer, and the last answer reads nothing', async () => {
  const deps = depsOf(graph);
  await graph.tenantFacts.get(); // the bot keeps the tenant's facts cached
  const start = graph.emulator!.requests.length;

  let r = await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey in Microsoft Authenticator' });
  expect(cardText(r.cards[0])).toMatch(/Which phone/);
  await until(() => kinds(graph, start).filter((k) => k === 'signIns').length >= 2);
  // Before any answer: the user's facts and sign-ins; not What If (it depends on the platform).
  expect(kinds(graph, start).sort()).toEqual(['batch', 'signIns', 'signIns']);

  r = await say(deps, r.state, answer('platform', 'android'));
  expect(cardText(r.cards[0])).toMatch(/Which version/);
  await until(() => kinds(graph, start).filter((k) => k === 'whatIf').length >= 2);
  r = await say(deps, r.state, answer('osVersion', '15'));
  expect(cardText(r.cards[0])).toMatch(/Where does it fail/);
  await until(() => graph.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW }));
  const beforeLast = graph.emulator!.requests.length;

  r = await say(deps, r.state, answer('where', 'same-device'));
  // The diagnosis card, from what was read ahead: no Graph request after the last answer.
  expect(kinds(graph, beforeLast)).toEqual([]);
  expect(r.state.lastDiagnosis).toBeDefined();
  expect(kinds(graph, start).sort()).toEqual(['batch', 'signIns', 'signIns', 'whatIf', 'whatIf']);

  // The same diagnosis as one read afresh without any prefetch.
  const fresh = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id });
  try {
    const context = r.state.lastDiagnosis!.context;
    const direct = await fresh.diagnoser.diagnose(lena.id, { ...context, at: new Date(context.at) });
    expect(r.state.lastDiagnosis!.findings.map((f) => f.code)).toEqual(direct.findings.map((f) => f.code));
    expect(r.state.lastDiagnosis!.observed).toEqual(direct.observed);
  } finally {
    await fresh.close();
  }
});

it('prefetched sign-ins are used once: a second diagnosis reads the sign-in log again', async () => {
  const deps = depsOf(graph);
  await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey on my Android 15 phone, QR code on my laptop' });
  await until(() => kinds(graph).filter((k) => k === 'whatIf').length >= 2 && kinds(graph).filter((k) => k === 'signIns').length >= 2);
  await graph.diagnoser.diagnose(lena.id, { platform: 'android', at: NOW });
  const after = graph.emulator!.requests.length;
  await graph.diagnoser.diagnose(lena.id, { platform: 'android', at: NOW });
  // Facts and What If from the user cache; the sign-ins afresh (as before the prefetch existed).
  expect(kinds(graph, after).sort()).toEqual(['signIns', 'signIns']);
});

it('"start over" drops what was read ahead: the next conversation reads the user again', async () => {
  const deps = depsOf(graph);
  const r = await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey on my Android phone' });
  await until(() => graph.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW }));
  await say(deps, r.state, { kind: 'text', text: 'start over' });
  expect(graph.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW })).toBe(false);
});

it('a prefetch that fails says nothing early; the diagnosis reads again and succeeds', async () => {
  const deps = depsOf(graph);
  graph.emulator!.failNext(1, 500, { pathContains: '$batch' });
  let r = await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey on my Android 15 phone' });
  // The platform and version came with the message: one question left, and no error.
  expect(cardText(r.cards[0])).toMatch(/Where does it fail/);
  await until(() => kinds(graph).includes('batch'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(graph.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW })).toBe(false);
  expect(logs.filter((l) => l.event === 'diagnose.failed')).toEqual([]);
  const before = graph.emulator!.requests.length;
  r = await say(deps, r.state, answer('where', 'same-device'));
  // The diagnosis read the user's facts itself, and got them.
  expect(kinds(graph, before)).toContain('batch');
  expect(r.state.lastDiagnosis).toBeDefined();
  expect(cardText(r.cards[0])).not.toMatch(/could not check/);
});

it('when every read fails, the error shows at diagnosis time only, as it always did', async () => {
  const deps = depsOf(graph);
  graph.emulator!.failNext(100, 500, { pathContains: '$batch' });
  let r = await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey on my Android 15 phone' });
  await until(() => kinds(graph).includes('batch'));
  // The first message still gets its question, and the operator log has no failure yet.
  expect(cardText(r.cards[0])).toMatch(/Where does it fail/);
  expect(logs.filter((l) => l.event === 'diagnose.failed')).toEqual([]);
  r = await say(deps, r.state, answer('where', 'same-device'));
  expect(cardText(r.cards[0])).toMatch(/I could not check your settings/);
  expect(cardText(r.cards[0])).toMatch(/busy or not answering/);
  expect(logs.filter((l) => l.event === 'diagnose.failed')).toEqual([expect.objectContaining({ kind: 'unavailable' })]);
});

it('without a user cache (USER_FACTS_TTL_SECONDS=0) nothing is read ahead: every diagnosis reads Graph', async () => {
  const uncached = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, userFactsTtlMs: 0 });
  try {
    const deps = depsOf(uncached);
    const start = uncached.emulator!.requests.length;
    await say(deps, undefined, { kind: 'text', text: 'I cannot add a passkey on my Android 15 phone' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(kinds(uncached, start)).toEqual([]);
    expect(uncached.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW })).toBe(false);
  } finally {
    await uncached.close();
  }
});
