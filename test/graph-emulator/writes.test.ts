import { startGraphEmulator, type GraphEmulator } from '../../src/graph-emulator';
import type { TenantSnapshot } from '../../src/snapshot';
import { IDS, ROLE, call, contoso, expectGraphError } from './helpers';

const NOW = new Date('2026-10-05T14:00:00Z');

async function withEmulator(
  test: (emulator: GraphEmulator) => Promise<void>,
  change: (snapshot: Record<string, any>) => void = () => undefined,
): Promise<void> {
  const snapshot = contoso();
  change(snapshot);
  const emulator = await startGraphEmulator(snapshot as TenantSnapshot, { now: () => NOW });
  try {
    await test(emulator);
  } finally {
    await emulator.close();
  }
}

const tapPath = (user: string) => `/users/${user}/authentication/temporaryAccessPassMethods`;
const createTap = (emulator: GraphEmulator, user: string, json: unknown = {}) => call(emulator, tapPath(user), { method: 'POST', json });
const tapConfig = (snapshot: Record<string, any>) =>
  snapshot.authenticationMethodsPolicy.authenticationMethodConfigurations.find((c: any) => c.id === 'TemporaryAccessPass');

describe('Temporary Access Pass', () => {
  it('creates a TAP whose value appears only in the creation response', () =>
    withEmulator(async (emulator) => {
      const created = await createTap(emulator, 'Alice.Smith@contoso.com', { lifetimeInMinutes: 120, isUsableOnce: true });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
        id: expect.any(String),
        temporaryAccessPass: expect.stringMatching(/^.{10}$/), // the policy's defaultLength
        createdDateTime: NOW.toISOString(),
        startDateTime: NOW.toISOString(),
        lifetimeInMinutes: 120,
        isUsableOnce: true,
        isUsable: true,
        methodUsabilityReason: 'EnabledByPolicy',
      });
      const { id } = created.body;

      const listed = (await call(emulator, tapPath(IDS.alice))).body.value;
      expect(listed).toEqual([expect.objectContaining({ id, temporaryAccessPass: null, lifetimeInMinutes: 120 })]);
      const single = (await call(emulator, `${tapPath(IDS.alice)}/${id}`)).body;
      expect(single.temporaryAccessPass).toBeNull();
      const methods = (await call(emulator, `/users/${IDS.alice}/authentication/methods`)).body.value;
      expect(methods.map((m: any) => m.id)).toContain(id);
      const stored = emulator.snapshot().users.find((u) => u.id === IDS.alice);
      expect(stored?.authenticationMethods.find((m) => m.id === id)?.temporaryAccessPass).toBeNull();
      expect(JSON.stringify(emulator.snapshot())).not.toContain(created.body.temporaryAccessPass);
    }));

  it("uses the policy's default lifetime, and a future start is not yet usable", () =>
    withEmulator(async (emulator) => {
      const { body } = await createTap(emulator, IDS.alice, { startDateTime: '2026-10-06T09:00:00Z' });
      expect(body).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: false, isUsable: false, methodUsabilityReason: 'NotYetValid' });
      expect(body.startDateTime).toBe('2026-10-06T09:00:00.000Z');
    }));

  it('refuses a lifetime outside the policy (400) and accepts the bounds', () =>
    withEmulator(async (emulator) => {
      for (const lifetimeInMinutes of [30, 481, 43200]) {
        const result = await createTap(emulator, IDS.alice, { lifetimeInMinutes });
        expectGraphError(result, 400, 'BadRequest');
        expect(result.body.error.message).toContain('60 to 480 minutes');
      }
      expectGraphError(await createTap(emulator, IDS.alice, { lifetimeInMinutes: '60' }), 400, 'BadRequest');
      expect((await createTap(emulator, IDS.alice, { lifetimeInMinutes: 480 })).status).toBe(201);
      expect(emulator.snapshot().users[0].authenticationMethods).toHaveLength(2);
    }));

  it('allows one TAP per user: a second is refused until the first is deleted', () =>
    withEmulator(async (emulator) => {
      const second = await createTap(emulator, IDS.dave);
      expectGraphError(second, 400, 'BadRequest');
      expect(second.body.error.message).toContain('already has a Temporary Access Pass');

      const deleted = await call(emulator, `${tapPath(IDS.dave)}/${IDS.daveTap}`, { method: 'DELETE' });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect((await call(emulator, tapPath(IDS.dave))).body.value).toEqual([]);
      expectGraphError(await call(emulator, `${tapPath(IDS.dave)}/${IDS.daveTap}`, { method: 'DELETE' }), 404, 'Request_ResourceNotFound');
      // the fido2 method is not a TAP, so it cannot be deleted through this endpoint
      expectGraphError(await call(emulator, `${tapPath(IDS.dave)}/${IDS.daveFido}`, { method: 'DELETE' }), 404, 'Request_ResourceNotFound');
      expect((await createTap(emulator, IDS.dave)).status).toBe(201);
    }));

  it('refuses when the TAP method is disabled', () =>
    withEmulator(
      async (emulator) => {
        const result = await createTap(emulator, IDS.alice);
        expectGraphError(result, 400, 'BadRequest');
        expect(result.body.error.message).toContain('disabled');
      },
      (s) => (tapConfig(s).state = 'disabled'),
    ));

  it('refuses a user the TAP policy excludes, or does not include', () =>
    withEmulator(
      async (emulator) => {
        expectGraphError(await createTap(emulator, IDS.carol), 400, 'BadRequest'); // in the excluded group
        expectGraphError(await createTap(emulator, IDS.alice), 400, 'BadRequest'); // not in Payroll
        expect((await createTap(emulator, IDS.bob)).status).toBe(201); // in Payroll
      },
      (s) => (tapConfig(s).includeTargets = [{ targetType: 'group', id: IDS.payroll }]),
    ));

  it('refuses a reusable pass when the policy only allows one-time passes', () =>
    withEmulator(
      async (emulator) => {
        expectGraphError(await createTap(emulator, IDS.alice, { isUsableOnce: false }), 400, 'BadRequest');
        expect((await createTap(emulator, IDS.alice)).body.isUsableOnce).toBe(true);
      },
      (s) => (tapConfig(s).isUsableOnce = true),
    ));

  it('404s an unknown user and 400s a body that is not an object', () =>
    withEmulator(async (emulator) => {
      expectGraphError(await createTap(emulator, 'ghost@contoso.com'), 404, 'Request_ResourceNotFound');
      expectGraphError(await createTap(emulator, IDS.alice, [1, 2]), 400, 'BadRequest');
    }));
});

describe('group membership writes', () => {
  const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
  const addMember = (emulator: GraphEmulator, group: string, json: unknown) =>
    call(emulator, `/groups/${group}/members/$ref`, { method: 'POST', json });

  it('adds a member (204) and later reads see it, through nesting and roles too', () =>
    withEmulator(async (emulator) => {
      // warm the memoised transitive membership first, so the write must invalidate it
      expect((await call(emulator, `/users/${IDS.dave}/transitiveMemberOf`)).body.value).toEqual([]);
      const added = await addMember(emulator, IDS.payroll, ref(IDS.dave));
      expect(added.status).toBe(204);
      expect(added.body).toBeUndefined();
      const ids = (await call(emulator, `/users/${IDS.dave}/transitiveMemberOf?$select=id`)).body.value.map((o: any) => o.id);
      expect(ids).toEqual([IDS.payroll, IDS.finance, IDS.allStaff, ROLE.globalReader]);
      const members = (await call(emulator, `/groups/${IDS.payroll}/members?$select=id`)).body.value.map((o: any) => o.id);
      expect(members).toEqual([IDS.bob, IDS.dave]);
      const dave = emulator.snapshot().users.find((u) => u.id === IDS.dave);
      expect(dave?.memberOf).toEqual([IDS.payroll]);
    }));

  it('answers 400 when the member is already there, as Graph does', () =>
    withEmulator(async (emulator) => {
      const result = await addMember(emulator, IDS.finance, ref(IDS.alice));
      expectGraphError(result, 400, 'BadRequest');
      expect(result.body.error.message).toBe(
        "One or more added object references already exist for the following modified properties: 'members'.",
      );
    }));

  it('validates the reference', () =>
    withEmulator(async (emulator) => {
      expectGraphError(await addMember(emulator, IDS.finance, ref('no-such-object')), 404, 'Request_ResourceNotFound');
      expectGraphError(await addMember(emulator, 'no-such-group', ref(IDS.dave)), 404, 'Request_ResourceNotFound');
      expectGraphError(await addMember(emulator, IDS.finance, {}), 400, 'BadRequest');
      expectGraphError(await addMember(emulator, IDS.finance, ref(IDS.finance)), 400, 'BadRequest');
      // users/{id} form of @odata.id is accepted too; a group can be nested
      expect((await addMember(emulator, IDS.allStaff, { '@odata.id': `https://graph.microsoft.com/v1.0/groups/${IDS.tapExcluded}` })).status).toBe(204);
      expect((await call(emulator, `/users/${IDS.carol}/transitiveMemberOf?$select=id`)).body.value.map((o: any) => o.id)).toEqual([
        IDS.tapExcluded,
        IDS.allStaff,
        ROLE.globalReader,
      ]);
    }));

  it('removes a member (204), then 404s removing it again', () =>
    withEmulator(async (emulator) => {
      const removed = await call(emulator, `/groups/${IDS.payroll}/members/${IDS.bob}/$ref`, { method: 'DELETE' });
      expect(removed.status).toBe(204);
      expect((await call(emulator, `/users/${IDS.bob}/transitiveMemberOf`)).body.value).toEqual([]);
      expect(emulator.snapshot().groups.find((g) => g.id === IDS.payroll)?.members).toEqual([]);
      expectGraphError(await call(emulator, `/groups/${IDS.payroll}/members/${IDS.bob}/$ref`, { method: 'DELETE' }), 404, 'Request_ResourceNotFound');
    }));

  it('never writes into the snapshot object it was started with', async () => {
    const original = contoso();
    const emulator = await startGraphEmulator(original as TenantSnapshot);
    try {
      await call(emulator, `/groups/${IDS.payroll}/members/${IDS.bob}/$ref`, { method: 'DELETE' });
      expect(original.groups[1].members).toEqual([IDS.bob]);
      const copy = emulator.snapshot();
      copy.users.length = 0; // a copy: mutating it does not change the emulator
      expect((await call(emulator, `/users/${IDS.bob}`)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});
