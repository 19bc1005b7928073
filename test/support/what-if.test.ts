// Conditional Access What If as the authority on applicability, the local evaluator as fallback
// and cross-check — through the real Graph client against the loopback Graph server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { Diagnoser } from '../../src/support/diagnoser';

const EXAMPLE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'examples', '01-registration-loop.json'), 'utf8'));
const LOOP_POLICY = '5111a30a-d74e-46e2-a125-7fef599bf843';
const LENA = 'lena@fabrikam.com';
const CONTEXT = { platform: 'android' as const, at: new Date('2026-10-05T14:00:00Z') };

let graph: GraphConnection | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

// What If's timeout: long by default, so a busy machine never falls back by accident; the timeout
// test passes a short one against a What If held back for a minute.
function diagnoserWith(g: GraphConnection, logs: Record<string, unknown>[], timeoutMs = 15_000) {
  return new Diagnoser(g.client, g.tenantFacts, { whatIfTimeoutMs: timeoutMs, log: (e) => logs.push(e) });
}

it('uses What If when the tenant allows it, and says so in the evidence', async () => {
  graph = await connectGraph({ snapshot: EXAMPLE.snapshot, retryDelaySeconds: 0 });
  const logs: Record<string, unknown>[] = [];
  const d = await diagnoserWith(graph, logs).diagnose(LENA, CONTEXT);
  const loop = d.findings.find((f) => f.code === 'ca-auth-strength-loop')!;
  expect(loop.blocking).toBe(true);
  expect(loop.evidence).toMatchObject([{ kind: 'policy', source: 'what-if' }]);
  expect(graph.emulator!.requests.filter((r) => r.path.includes('evaluate'))).toHaveLength(2); // both sign-in events
  expect(logs.filter((l) => l.event === 'whatif.disagreement')).toEqual([]);
});

it('trusts What If over the local evaluator and logs the disagreement with both reasons', async () => {
  const userId = EXAMPLE.snapshot.users[0].id;
  const snapshot = {
    ...EXAMPLE.snapshot,
    whatIfResults: [
      { userId, context: '4813382a-8fa7-425e-ab75-3b753aab3abb', devicePlatform: 'android', results: [{ policyId: LOOP_POLICY, policyApplies: false, analysisReasons: 'users' }] },
      { userId, context: 'registerSecurityInformation', results: [{ policyId: LOOP_POLICY, policyApplies: false, analysisReasons: 'userActions' }] },
    ],
  };
  graph = await connectGraph({ snapshot, retryDelaySeconds: 0 });
  const logs: Record<string, unknown>[] = [];
  const d = await diagnoserWith(graph, logs).diagnose(LENA, CONTEXT);
  expect(d.findings.map((f) => f.code)).not.toContain('ca-auth-strength-loop');
  expect(logs).toContainEqual(
    expect.objectContaining({ event: 'whatif.disagreement', policyId: LOOP_POLICY, signIn: 'authenticator-sign-in', whatIf: 'does not apply (users)', local: expect.stringMatching(/^applies: users: all users; resources: All resources/) }),
  );
});

it('falls back to the local evaluator when What If is refused (403), and says so', async () => {
  graph = await connectGraph({ snapshot: EXAMPLE.snapshot, retryDelaySeconds: 0, emulatorWhatIf: 'forbidden' });
  const logs: Record<string, unknown>[] = [];
  const diagnoser = diagnoserWith(graph, logs);
  const d = await diagnoser.diagnose(LENA, CONTEXT);
  const loop = d.findings.find((f) => f.code === 'ca-auth-strength-loop')!;
  expect(loop.blocking).toBe(true);
  expect(loop.evidence).toMatchObject([{ kind: 'policy', source: { unavailable: 'What If is not permitted for this app (Policy.Read.ConditionalAccess)' } }]);
  // Refused once: not asked again on the next message.
  const before = graph.emulator!.requests.length;
  await diagnoser.diagnose(LENA, CONTEXT);
  expect(graph.emulator!.requests.slice(before).filter((r) => r.path.includes('evaluate'))).toEqual([]);
});

it('falls back to the local evaluator when What If times out', async () => {
  graph = await connectGraph({ snapshot: EXAMPLE.snapshot, retryDelaySeconds: 0 });
  graph.emulator!.delayNext(2, 60_000, 'evaluate'); // released by close()
  const logs: Record<string, unknown>[] = [];
  const d = await diagnoserWith(graph, logs, 200).diagnose(LENA, CONTEXT);
  expect(d.findings.find((f) => f.code === 'ca-auth-strength-loop')!.evidence).toMatchObject([{ kind: 'policy', source: { unavailable: 'What If timed out' } }]);
  expect(logs).toContainEqual({ event: 'whatif.unavailable', reason: 'What If timed out' });
});

it('asks What If once per user and platform within the TTL, and again once the user is forgotten', async () => {
  graph = await connectGraph({ snapshot: EXAMPLE.snapshot, retryDelaySeconds: 0 });
  const diagnoser = new Diagnoser(graph.client, graph.tenantFacts, { userFactsTtlMs: 60_000 });
  const evaluations = () => graph!.emulator!.requests.filter((r) => r.path.includes('evaluate')).length;
  const first = await diagnoser.diagnose(LENA, CONTEXT);
  await diagnoser.diagnose(LENA, CONTEXT);
  expect(evaluations()).toBe(2); // the two sign-in events, once
  await diagnoser.diagnose(LENA, { ...CONTEXT, platform: 'iOS' });
  expect(evaluations()).toBe(4); // another platform is another question
  diagnoser.forgetUser(EXAMPLE.snapshot.users[0].id);
  const again = await diagnoser.diagnose(LENA, CONTEXT);
  expect(evaluations()).toBe(6);
  expect(again.findings).toEqual(first.findings);
});
