// One conversion of a sign-in to the engine's form (src/snapshot/sign-ins.ts): the audit reads a
// snapshot's `signIns` with the same parseSignIn the diagnosis uses on what Graph returns, so the
// two cannot drift apart.
import { resolve } from 'node:path';
import { startGraphEmulator } from '../../src/graph-emulator';
import { readSignIns } from '../../src/graph/sign-ins';
import { loadSnapshotFile, parseSignIn } from '../../src/snapshot';
import { clientFor } from '../graph/helpers';

const DEMO = resolve(__dirname, '..', '..', 'fixtures', 'demo-tenant.json');

describe('parseSignIn on a snapshot sign-in', () => {
  const snapshot = loadSnapshotFile(DEMO);

  it('reads every sign-in of the demo tenant: status, app and the policies it applied', () => {
    const facts = snapshot.signIns!.map(parseSignIn);
    expect(facts).toHaveLength(6);
    expect(facts.every((f) => f !== null)).toBe(true);
    const failed = facts.filter((f) => f!.errorCode !== 0);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => f!.policies.length > 0 || f!.failureReason)).toBe(true);
  });

  it('defaults as Graph is read: no status is errorCode 0, a policy without result is "unknown"', () => {
    const s = { id: 'a', createdDateTime: '2026-10-05T13:52:04Z', userId: 'u', appliedConditionalAccessPolicies: [{ id: 'p' }] };
    expect(parseSignIn(s)).toEqual({ id: 'a', createdDateTime: '2026-10-05T13:52:04Z', userId: 'u', errorCode: 0, policies: [{ id: 'p', result: 'unknown' }] });
  });

  it('gives the same facts for a sign-in in the snapshot and for the same one read through Graph', async () => {
    const emulator = await startGraphEmulator(snapshot);
    try {
      const client = clientFor(emulator);
      const lena = snapshot.users.find((u) => u.userPrincipalName === 'lena@contoso.com')!;
      const at = new Date('2026-10-05T14:00:00Z');
      const read = await readSignIns(client, { userId: lena.id, at });
      expect(read.map((s) => s.createdDateTime)).toEqual(['2026-10-05T13:52:04Z', '2026-10-05T13:49:40Z']); // Authenticator, the 24 hours before
      const fromSnapshot = new Map(snapshot.signIns!.map((s) => [s.id, parseSignIn(s)]));
      for (const s of read) expect(s).toEqual(fromSnapshot.get(s.id));
    } finally {
      await emulator.close();
    }
  });
});
