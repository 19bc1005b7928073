// Several bot instances share one store: when one instance's help desk changes a user, another
// instance holding that user's facts in its cache reads them afresh — through the real Graph
// client against the loopback Graph server (the one Graph both instances would share).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '../../src/storage/file-storage';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { Diagnoser } from '../../src/support/diagnoser';
import { UserChanges } from '../../src/support/user-changes';

const EXAMPLE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'examples', '01-registration-loop.json'), 'utf8'));
const LENA = EXAMPLE.snapshot.users[0];
const CONTEXT = { platform: 'android' as const, at: new Date('2026-10-05T14:00:00Z') };
const PASSKEY = {
  '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
  id: 'c0ffee00-0000-4000-8000-000000000002',
  aaGuid: 'de1e552d-db1d-4423-a619-566b625cdc84',
  displayName: 'Microsoft Authenticator - Android',
  createdDateTime: '2026-10-05T13:59:00Z',
};

let graph: GraphConnection;
let dir: string;
let store: FileStorage;
beforeEach(async () => {
  graph = await connectGraph({ snapshot: EXAMPLE.snapshot, retryDelaySeconds: 0, whatIf: false });
  dir = mkdtempSync(join(tmpdir(), 'pksb-changes-'));
  store = new FileStorage(dir);
});
afterEach(async () => {
  await graph.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const batches = () => graph.emulator!.requests.filter((r) => r.path.includes('$batch')).length;
const instance = () => new Diagnoser(graph.client, graph.tenantFacts, { whatIf: false, userFactsTtlMs: 60_000, userChanges: new UserChanges(store) });

it('reads a user afresh when another instance marked them changed, and keeps its cache otherwise', async () => {
  const a = instance();
  const before = await a.diagnose(LENA.id, CONTEXT);
  await a.diagnose(LENA.id, CONTEXT);
  expect(batches()).toBe(1); // cached

  // Instance B (its own UserChanges over the shared store) changes Lena: she registers a passkey.
  graph.emulator!.userRegisters(LENA.id, PASSKEY as never);
  await new UserChanges(store).mark(LENA.id);

  const after = await a.diagnose(LENA.id, CONTEXT);
  expect(batches()).toBe(2);
  expect(JSON.stringify(after.findings)).not.toEqual(JSON.stringify(before.findings));
  // Instances' clocks may differ, so for 30 s after a mark the user keeps being read afresh.
  await a.diagnose(LENA.id, CONTEXT);
  expect(batches()).toBe(3);
});

it('ignores a mark from well before the cached read', async () => {
  await new UserChanges(store, () => Date.now() - 120_000).mark(LENA.id);
  const a = instance();
  await a.diagnose(LENA.id, CONTEXT);
  await a.diagnose(LENA.id, CONTEXT);
  expect(batches()).toBe(1);
});
