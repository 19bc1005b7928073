// UserCache (as the diagnoser uses it for each user's facts) over the real reader and client against the emulator, with an injected clock;
// Graph traffic is counted on the emulator (one $batch per read).
import { GraphReadError, readUserFacts } from '../../src/graph';
import { UserCache, type UserCacheOptions } from '../../src/graph/user-cache';
import type { UserFacts } from '../../src/diagnosis/facts';
import { clientFor, emulators, example } from './helpers';

const TTL = 60_000;
const pool = emulators();

async function setup(options: Partial<UserCacheOptions<UserFacts>> = {}) {
  const { snapshot } = example('02');
  const user = snapshot.users[0].id as string; // the Entra object id Teams gives us
  const upn = snapshot.users[0].userPrincipalName as string;
  const emulator = await pool.start(snapshot);
  const client = clientFor(emulator, { maxRetries: 0 });
  let now = 1_000_000;
  const cache = new UserCache<UserFacts>({ ttlMs: TTL, now: () => now, userOf: (facts) => facts.user.id ?? undefined, ...options });
  const get = (idOrUpn: string) => cache.get(idOrUpn, () => readUserFacts(client, idOrUpn));
  const batches = () => emulator.requests.filter((r) => r.path.includes('$batch')).length;
  const advance = (ms: number) => {
    now += ms;
  };
  return { emulator, cache, get, batches, advance, user, upn };
}

describe('UserCache of user facts', () => {
  it('serves a user read within the TTL without asking Graph, and reads again after it', async () => {
    const { get, batches, advance, user } = await setup();
    const first = await get(user);
    expect(batches()).toBe(1);
    advance(TTL - 1);
    expect(await get(user)).toEqual(first);
    expect(batches()).toBe(1);
    advance(1);
    await get(user);
    expect(batches()).toBe(2);
  });

  it('shares one read between concurrent diagnoses of the same user', async () => {
    const { get, batches, user } = await setup();
    await Promise.all([get(user), get(user), get(user)]);
    expect(batches()).toBe(1);
  });

  it('does not keep a failure: the next diagnosis asks Graph again', async () => {
    const { emulator, get, batches, user } = await setup();
    emulator.failNext(1, 503);
    await expect(get(user)).rejects.toBeInstanceOf(GraphReadError);
    await get(user);
    expect(batches()).toBe(2);
  });

  it('forgets a user by object id, including what was read by their UPN', async () => {
    const { cache, get, batches, user, upn } = await setup();
    await get(user);
    await get(upn.toUpperCase()); // UPNs are case-insensitive
    await get(upn);
    expect(batches()).toBe(2);
    cache.forget(user);
    await get(user);
    await get(upn);
    expect(batches()).toBe(4);
  });

  it('does not store a read that was under way when the user was forgotten', async () => {
    const { emulator, cache, get, batches, user } = await setup();
    emulator.delayNext(1, 100);
    const old = get(user);
    cache.forget(user);
    await old;
    await get(user);
    expect(batches()).toBe(2);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { get, batches, user, upn } = await setup({ maxEntries: 1 });
    await get(user);
    await get(upn); // a second key: the first is dropped
    await get(upn);
    expect(batches()).toBe(2);
    await get(user);
    expect(batches()).toBe(3);
  });

  it('with a TTL of 0 reads Graph for every diagnosis', async () => {
    const { get, batches, user } = await setup({ ttlMs: 0 });
    await get(user);
    await get(user);
    expect(batches()).toBe(2);
  });
});
