// TenantFactsCache over the real reader and client against the emulator, with an injected clock;
// Graph traffic is counted on the emulator.
import type { GraphEmulator } from '../../src/graph-emulator';
import { GraphReadError, readTenantFacts, TenantFactsCache, type TenantFactsCacheOptions } from '../../src/graph';
import { clientFor, emulators, example, rejectionOf } from './helpers';

const TTL = 60_000;
const READS_PER_LOAD = 5; // tenant id given, so no /organization
const pool = emulators();

async function setup(options: Partial<TenantFactsCacheOptions> = {}) {
  const emulator = await pool.start(example('02').snapshot);
  const client = clientFor(emulator, { maxRetries: 0 });
  let now = 1_000_000;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const stale: { error: unknown; ageMs: number }[] = [];
  let loads = 0;
  const cache = new TenantFactsCache(
    () => {
      loads++;
      return readTenantFacts(client, { tenantId: 'tenant' });
    },
    { ttlMs: TTL, now: () => now, onStale: (event) => stale.push(event), ...options },
  );
  return { emulator, cache, clock, stale, loads: () => loads };
}

/** Makes the emulator unreachable: every load fails fast with a network error. */
async function takeDown(emulator: GraphEmulator): Promise<void> {
  await emulator.close();
}

describe('TenantFactsCache', () => {
  it('serves cached facts within the TTL and reloads after it', async () => {
    const { emulator, cache, clock, loads } = await setup();

    const first = await cache.get();
    clock.advance(TTL - 1);
    expect(await cache.get()).toBe(first);
    expect(loads()).toBe(1);
    expect(emulator.requests).toHaveLength(READS_PER_LOAD);

    clock.advance(1);
    const second = await cache.get();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(loads()).toBe(2);
    expect(emulator.requests).toHaveLength(2 * READS_PER_LOAD);
  });

  it('shares one in-flight load between concurrent callers', async () => {
    const { emulator, cache, loads } = await setup();
    emulator.delayNext(READS_PER_LOAD, 100);

    const results = await Promise.all([cache.get(), cache.get(), cache.get()]);

    expect(loads()).toBe(1);
    expect(emulator.requests).toHaveLength(READS_PER_LOAD);
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });

  it('rethrows a failed load when there is nothing to fall back on, and tries again next time', async () => {
    const { emulator, cache, loads } = await setup();
    emulator.failNext(1, 500, { pathContains: 'namedLocations' });

    const error = await rejectionOf(cache.get());
    expect(error).toBeInstanceOf(GraphReadError);
    expect(cache.stale).toBe(false);

    await expect(cache.get()).resolves.toMatchObject({ tenantId: 'tenant' });
    expect(loads()).toBe(2);
  });

  it('serves stale facts (flagged, hook called) when a refresh after the TTL fails, within the grace period', async () => {
    const { emulator, cache, clock, stale, loads } = await setup({ staleGraceMs: 10 * 60_000, retryAfterFailureMs: 30_000 });
    const facts = await cache.get();
    await takeDown(emulator);

    clock.advance(TTL + 5_000);
    expect(await cache.get()).toBe(facts);
    expect(cache.stale).toBe(true);
    expect(stale).toHaveLength(1);
    expect(stale[0].ageMs).toBe(TTL + 5_000);
    expect(stale[0].error).toMatchObject({ kind: 'unavailable' });
    expect(loads()).toBe(2);

    // Right after a failure, callers get the stale facts without waiting on Graph again...
    clock.advance(10_000);
    expect(await cache.get()).toBe(facts);
    expect(loads()).toBe(2);

    // ...and once the back-off has passed, the next call tries again.
    clock.advance(30_000);
    expect(await cache.get()).toBe(facts);
    expect(loads()).toBe(3);
    expect(stale).toHaveLength(2);
  });

  it('rethrows once the stale facts are older than TTL + grace', async () => {
    const { emulator, cache, clock } = await setup({ staleGraceMs: 60_000 });
    await cache.get();
    await takeDown(emulator);

    clock.advance(TTL + 60_000);
    const error = await rejectionOf(cache.get());
    expect(error).toMatchObject({ kind: 'unavailable' });
  });

  it('clears the stale flag after a successful refresh', async () => {
    const { emulator, cache, clock } = await setup({ retryAfterFailureMs: 0 });
    await cache.get();
    clock.advance(TTL);
    emulator.failNext(1, 500, { pathContains: 'namedLocations' });
    await cache.get();
    expect(cache.stale).toBe(true);

    await cache.get();
    expect(cache.stale).toBe(false);
  });

  it('invalidate() makes the next get() load afresh, and a load started before it is not kept', async () => {
    const { emulator, cache, loads } = await setup();
    await cache.get();
    cache.invalidate();
    await cache.get();
    expect(loads()).toBe(2);

    // A slow load, overtaken by invalidate() and a second, quick load: the quick one's facts stay.
    emulator.delayNext(READS_PER_LOAD, 200);
    cache.invalidate();
    const slow = cache.get();
    cache.invalidate();
    const fresh = cache.get();
    expect(loads()).toBe(4);
    const [slowFacts, freshFacts] = await Promise.all([slow, fresh]);
    expect(slowFacts).not.toBe(freshFacts);
    expect(await cache.get()).toBe(freshFacts);
    expect(loads()).toBe(4);
  });
});
