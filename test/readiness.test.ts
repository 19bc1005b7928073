// GET /readyz's verdict (src/readiness.ts): ready when the store takes a write and this instance
// has read the tenant from Graph once; a later Graph outage keeps it in rotation (reported in the
// body), cached facts show as degraded. The HTTP side (caching, 200/503) is in test/http/operations.
import { botReadiness, readinessCheck } from '../src/readiness';

const facts = (answers: (() => Promise<unknown>)[], stale = () => false) => {
  let n = 0;
  return { get: () => answers[Math.min(n++, answers.length - 1)](), get stale() { return stale(); } };
};
const ok = () => Promise.resolve({});
const down = () => Promise.reject(new Error('connect ECONNREFUSED\nstack line'));

describe('readiness', () => {
  it('is not ready before Graph has answered, and names why', async () => {
    const check = readinessCheck({ probeStore: ok, tenantFacts: facts([down]) }, 10_000);
    expect(await check()).toEqual({ ready: false, store: 'ok', graph: 'unavailable: connect ECONNREFUSED', reason: 'Microsoft Graph has not answered this instance yet (unavailable: connect ECONNREFUSED)' });
  });

  it('stays ready through a Graph outage once Graph has answered, and says so', async () => {
    let stale = false;
    const check = readinessCheck({ probeStore: ok, tenantFacts: facts([ok, ok, down], () => stale) }, 10_000);
    expect(await check()).toEqual({ ready: true, store: 'ok', graph: 'ok' });
    stale = true;
    expect(await check()).toMatchObject({ ready: true, graph: expect.stringMatching(/^degraded: Microsoft Graph did not answer the last refresh/) });
    expect(await check()).toMatchObject({ ready: true, graph: expect.stringMatching(/^unavailable: connect ECONNREFUSED \(this instance has read the tenant before and stays in rotation/) });
  });

  it('is not ready when the store refuses the probe write', async () => {
    const writes: unknown[] = [];
    const storage = { read: async () => ({}), delete: async () => undefined, write: async (c: unknown) => void writes.push(c) };
    const ready = botReadiness({ storage, tenantFacts: facts([ok]), now: () => new Date('2026-11-27T12:00:00Z'), limitMs: 10_000 });
    expect(await ready()).toEqual({ ready: true, store: 'ok', graph: 'ok' });
    expect(writes).toEqual([{ 'health/probe': { at: '2026-11-27T12:00:00.000Z', eTag: '*' } }]);
    storage.write = async () => Promise.reject(new Error('disk full'));
    expect(await ready()).toEqual({ ready: false, store: 'unavailable: disk full', graph: 'ok', reason: 'store unavailable: disk full' });
  });
});
