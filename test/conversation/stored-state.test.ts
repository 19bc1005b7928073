// A conversation saved by an earlier version of the bot (before evidence was data) still works
// after an upgrade: its last diagnosis, stored with `policyIds`/`policyNames` and evidence
// sentences, is shown again when the employee presses a button on an older card.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleTurn, type ConversationDeps, type ConversationState } from '../../src/conversation/controller';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { words } from '../cards/check-card';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const lena = DEMO.users.find((u: { mail: string }) => u.mail.startsWith('lena@'));
const from = { aadObjectId: lena.id, name: lena.displayName };

let graph: GraphConnection;
let deps: ConversationDeps;
beforeAll(async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, retryDelaySeconds: 0 });
  let n = 0;
  deps = { diagnose: (userId, context) => graph.diagnoser.diagnose(userId, context), now: () => NOW, newSession: () => `session-${++n}` };
});
afterAll(async () => {
  await graph.close();
});

/** The state as the previous version stored it: parallel id/name arrays, evidence as sentences. */
function asStoredBefore(state: ConversationState): ConversationState {
  const json = JSON.parse(JSON.stringify(state));
  for (const f of json.lastDiagnosis.findings) {
    f.policyIds = f.policies.map((p: { id: string }) => p.id);
    f.policyNames = f.policies.map((p: { name: string }) => p.name);
    delete f.policies;
    f.evidence = ['"Passkey pilot: passkey in Authenticator everywhere" (enabled) applies to the Microsoft Authenticator app sign-in on android.'];
  }
  return json;
}

it('shows the last diagnosis of a conversation saved before evidence was data', async () => {
  const first = await handleTurn(deps, undefined, { kind: 'text', text: "I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself" }, from);
  expect(first.state.lastDiagnosis).toBeDefined();
  const old = asStoredBefore(first.state);

  // A button from a card of an earlier session: "here is where we are now" and the diagnosis again.
  const again = await handleTurn(deps, old, { kind: 'submit', value: { action: 'fixed', session: 'an-earlier-session' } }, from);
  const text = again.cards.map((c) => words(c)).join('\n');
  expect(text).toContain('earlier conversation');
  expect(text).toContain('Passkey pilot: passkey in Authenticator everywhere');
  expect(again.state.lastDiagnosis!.findings[0]).toHaveProperty('policies');
});
