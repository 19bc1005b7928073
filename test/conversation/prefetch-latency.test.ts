// Reading ahead never slows the questions down: with a Graph that holds every response back (the
// emulator's latency knob), the reads started by the first message are under way while the user
// keeps getting their next question at once, and the diagnosis is not counted as ready.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleTurn, type ConversationDeps } from '../../src/conversation/controller';
import { startGraphEmulator } from '../../src/graph-emulator';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { cardText } from '../http/helpers';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const lena = DEMO.users.find((u: { mail: string }) => u.mail.startsWith('lena@'));

let graph: GraphConnection;
afterEach(async () => {
  await graph?.close(); // releases the held requests
});

it('the questions come at once while the reads they started are held by Graph', async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, userFactsTtlMs: 60_000 });
  await graph.tenantFacts.get();
  // From now on Graph answers nothing within the test: a minute per request.
  graph.emulator!.setLatency(60_000);
  const deps: ConversationDeps = {
    diagnose: (userId, context, call) => graph.diagnoser.diagnose(userId, context, call),
    prefetch: (userId, hint) => graph.diagnoser.prefetch(userId, hint),
    diagnosisReady: (userId, context, call) => graph.diagnoser.diagnosisReady(userId, context, call),
    now: () => NOW,
    newSession: () => 's',
  };
  const from = { aadObjectId: lena.id, name: lena.displayName };
  let r = await handleTurn(deps, undefined, { kind: 'text', text: 'I cannot add a passkey in Microsoft Authenticator' }, from);
  expect(cardText(r.cards[0])).toMatch(/Which phone/);
  r = await handleTurn(deps, r.state, { kind: 'submit', value: { action: 'answer', question: 'platform', value: 'android', session: 's' } }, from);
  expect(cardText(r.cards[0])).toMatch(/Which version/);
  // The user's $batch, sent with the first message, reaches Graph and is held there (the answers did not wait for it).
  while (!graph.emulator!.requests.some((q) => q.path.includes('$batch'))) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(graph.diagnoser.diagnosisReady(lena.id, { platform: 'android', at: NOW })).toBe(false);
});

it('the latency knob takes whole milliseconds from 0 to 60,000', async () => {
  await expect(startGraphEmulator(structuredClone(DEMO), { latencyMs: -1 })).rejects.toThrow(RangeError);
  await expect(startGraphEmulator(structuredClone(DEMO), { latencyMs: 1.5 })).rejects.toThrow(/whole number/);
  const emulator = await startGraphEmulator(structuredClone(DEMO), { latencyMs: 0 });
  try {
    expect(() => emulator.setLatency(60_001)).toThrow(RangeError);
  } finally {
    await emulator.close();
  }
});
