// The Correlation ID (or Request ID) the user pastes from the error page reaches the diagnoser,
// so the sign-in it names is read with the diagnosis (contract: "Observed sign-ins").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleTurn, type ConversationDeps } from '../../src/conversation/controller';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const vic = DEMO.users.find((u: { mail: string }) => u.mail.startsWith('vic@'));

let graph: GraphConnection;
const calls: unknown[] = [];
let deps: ConversationDeps;
beforeAll(async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, retryDelaySeconds: 0 });
  deps = {
    diagnose: (userId, context, call) => {
      calls.push(call);
      return graph.diagnoser.diagnose(userId, context, call);
    },
    now: () => NOW,
    newSession: () => 'session-1',
  };
});
afterAll(async () => {
  await graph.close();
});

it('the diagnosis reads the sign-in the user named by its Correlation ID', async () => {
  const text = 'AADSTS53003 on my iPhone, iOS 18, on the phone itself. Correlation ID: C0A1F2E3-4B5C-4D6E-8F70-8192A3B4C5D6';
  await handleTurn(deps, undefined, { kind: 'text', text }, { aadObjectId: vic.id, name: vic.displayName });
  expect(calls).toEqual([{ correlationId: 'c0a1f2e3-4b5c-4d6e-8f70-8192a3b4c5d6' }]);
});
