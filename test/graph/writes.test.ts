// The help-desk writes against the emulator, read back through readUserFacts.
import {
  GraphReadError,
  addGroupMember,
  createTemporaryAccessPass,
  deleteTemporaryAccessPass,
  readUserFacts,
  removeGroupMember,
} from '../../src/graph';
import { IDS, clientFor, directoryTenant, emulators, rejectionOf } from './helpers';

const TAP_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethod';
const pool = emulators();

describe('Temporary Access Pass', () => {
  it('creates a TAP (value returned once) that readUserFacts then sees', async () => {
    const emulator = await pool.start(directoryTenant());
    const client = clientFor(emulator);
    const startDateTime = new Date(Date.now() + 60 * 60_000);

    const tap = await createTemporaryAccessPass(client, IDS.ana, { lifetimeInMinutes: 120, isUsableOnce: true, startDateTime });

    expect(tap).toMatchObject({ lifetimeInMinutes: 120, isUsableOnce: true });
    expect(typeof tap.temporaryAccessPass).toBe('string');
    expect(tap.temporaryAccessPass!.length).toBeGreaterThan(0);
    expect(new Date(tap.startDateTime!).getTime()).toBe(startDateTime.getTime());
    expect(tap).not.toHaveProperty('@odata.context');
    expect(emulator.requests.at(-1)).toEqual({ method: 'POST', path: `/v1.0/users/${IDS.ana}/authentication/temporaryAccessPassMethods` });

    const facts = await readUserFacts(client, 'ana@fabrikam.com');
    const read = facts.methods.find((m) => m.id === tap.id);
    expect(read).toMatchObject({ '@odata.type': TAP_TYPE, lifetimeInMinutes: 120, isUsableOnce: true, temporaryAccessPass: null });
  });

  it('uses the tenant defaults when no options are given', async () => {
    const emulator = await pool.start(directoryTenant());
    const tap = await createTemporaryAccessPass(clientFor(emulator), IDS.ana);
    expect(tap.id).toEqual(expect.any(String));
    expect(tap.lifetimeInMinutes).toEqual(expect.any(Number));
  });

  it('deletes a TAP, and says when it was already gone', async () => {
    const emulator = await pool.start(directoryTenant());
    const client = clientFor(emulator);
    const tap = await createTemporaryAccessPass(client, IDS.ana, { lifetimeInMinutes: 60 });

    await expect(deleteTemporaryAccessPass(client, IDS.ana, tap.id!)).resolves.toEqual({ existed: true });
    await expect(deleteTemporaryAccessPass(client, IDS.ana, tap.id!)).resolves.toEqual({ existed: false });
    const facts = await readUserFacts(client, IDS.ana);
    expect(facts.methods.some((m) => m.id === tap.id)).toBe(false);
  });

  it('reports a refused TAP as a GraphReadError without the request body', async () => {
    const emulator = await pool.start(directoryTenant());
    const client = clientFor(emulator);
    await createTemporaryAccessPass(client, IDS.ana, { lifetimeInMinutes: 60 });

    const error = await rejectionOf(createTemporaryAccessPass(client, IDS.ana, { lifetimeInMinutes: 60 }));

    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'badRequest', status: 400, method: 'POST' });
    expect(error.message).toMatch(new RegExp(`^Graph POST /users/${IDS.ana}/authentication/temporaryAccessPassMethods: 400 `));
  });
});

describe('group membership', () => {
  it('adds a member once, then reports "already a member"', async () => {
    const emulator = await pool.start(directoryTenant());
    const client = clientFor(emulator);

    await expect(addGroupMember(client, IDS.unrelated, IDS.ana)).resolves.toEqual({ alreadyMember: false });
    await expect(addGroupMember(client, IDS.unrelated, IDS.ana)).resolves.toEqual({ alreadyMember: true });

    const facts = await readUserFacts(client, IDS.ana);
    expect(facts.groupIds).toContain(IDS.unrelated);
    expect(facts.directGroupIds).toContain(IDS.unrelated);
  });

  it('removes a member once, then reports "was not a member"', async () => {
    const emulator = await pool.start(directoryTenant());
    const client = clientFor(emulator);

    await expect(removeGroupMember(client, IDS.inner, IDS.ana)).resolves.toEqual({ wasMember: true });
    await expect(removeGroupMember(client, IDS.inner, IDS.ana)).resolves.toEqual({ wasMember: false });

    const facts = await readUserFacts(client, IDS.ana);
    expect(facts.groupIds).toEqual([]);
    expect(facts.roleTemplateIds).toHaveLength(1); // the role held directly stays
  });

  it('fails with "notFound" when adding to a group that does not exist', async () => {
    const emulator = await pool.start(directoryTenant());
    const error = await rejectionOf(addGroupMember(clientFor(emulator), '0b000000-0000-4000-8000-0000000000ff', IDS.ana));
    expect(error).toMatchObject({ kind: 'notFound', status: 404 });
  });
});
