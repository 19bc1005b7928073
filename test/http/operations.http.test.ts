// Health endpoints as an orchestrator sees them: /healthz is liveness only; /readyz answers from
// a result kept for 10 s (injected clock: no sleeping), and a Graph outage after the instance has
// read the tenant does not take it out of rotation. /metrics is off the bot's port; with
// METRICS_PORT it has its own listener, on loopback unless METRICS_HOST says otherwise.
import { startHarness, type Harness } from './helpers';

const get = async (url: string) => {
  const res = await fetch(url);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Prometheus text, or a restify error page.
  }
  return { status: res.status, body };
};

describe('/readyz', () => {
  let clock = new Date('2026-10-05T10:00:00Z');
  let h: Harness;
  beforeAll(async () => {
    // A limit no busy machine reaches: these tests are about caching and outages, not slowness.
    h = await startHarness({ now: () => clock, env: { READINESS_TIMEOUT_MS: '60000' } });
  });
  afterAll(async () => {
    await h.stop();
  });
  const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
  const graphCalls = () => h.bot.graph.emulator!.requests.length;

  it('is ready when the store and Graph answer, and says what it checked', async () => {
    const r = await get(`${h.bot.url}/readyz`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', store: 'ok', graph: 'ok' });
  });

  it('answers from its last result for 10 seconds: probes within make no Graph call', async () => {
    advance(60);
    h.bot.graph.tenantFacts.invalidate(); // the next check must read Graph
    const before = graphCalls();
    expect((await get(`${h.bot.url}/readyz`)).status).toBe(200);
    const afterFirst = graphCalls();
    expect(afterFirst).toBeGreaterThan(before);

    h.bot.graph.tenantFacts.invalidate();
    advance(9);
    for (let i = 0; i < 5; i++) expect((await get(`${h.bot.url}/readyz`)).status).toBe(200);
    expect(graphCalls()).toBe(afterFirst);

    advance(2);
    expect((await get(`${h.bot.url}/readyz`)).status).toBe(200);
    expect(graphCalls()).toBeGreaterThan(afterFirst);
  });

  it('stays ready through a Graph outage once the tenant has been read, says so, and does not ask Graph on every probe', async () => {
    advance(60);
    h.bot.graph.emulator!.failNext(100_000, 500);
    h.bot.graph.tenantFacts.invalidate();
    const r = await get(`${h.bot.url}/readyz`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ready');
    expect(r.body.graph).toMatch(/^unavailable: /);
    const calls = graphCalls();
    advance(5);
    const again = await get(`${h.bot.url}/readyz`);
    expect(again.body).toEqual(r.body);
    expect(graphCalls()).toBe(calls);
  });

  it('/healthz answers 200 through the outage: liveness is not readiness', async () => {
    expect(await get(`${h.bot.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('/readyz on an instance that has never read the tenant', () => {
  it('is not ready, with the reason, until Graph answers', async () => {
    const h = await startHarness({ env: { READINESS_TIMEOUT_MS: '60000' } });
    try {
      h.bot.graph.emulator!.failNext(100_000, 500);
      h.bot.graph.tenantFacts.invalidate();
      const r = await get(`${h.bot.url}/readyz`);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ status: 'not ready', store: 'ok', graph: expect.stringMatching(/^unavailable: /) });
      expect(r.body.reason).toMatch(/Graph/);
    } finally {
      await h.stop();
    }
  });
});

describe('/readyz while Graph hangs', () => {
  it('answers within READINESS_TIMEOUT_MS, counting the silent dependency as unavailable', async () => {
    const h = await startHarness({ env: { READINESS_TIMEOUT_MS: '1000' } });
    try {
      h.bot.graph.emulator!.delayNext(100, 60_000); // held for a minute; released by stop()
      h.bot.graph.tenantFacts.invalidate();
      const r = await get(`${h.bot.url}/readyz`);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ store: 'ok', graph: 'unavailable: no answer within 1000 ms' });
    } finally {
      await h.stop();
    }
  });
});

describe('/metrics', () => {
  it('is not served on the bot port', async () => {
    const h = await startHarness();
    try {
      expect((await get(`${h.bot.url}/metrics`)).status).toBe(404);
      expect(h.bot.metricsUrl).toBeUndefined();
    } finally {
      await h.stop();
    }
  });

  it('with METRICS_PORT, is served on its own listener, on loopback by default', async () => {
    const h = await startHarness({ env: { METRICS_PORT: '0' } });
    try {
      expect(h.bot.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const r = await get(h.bot.metricsUrl!);
      expect(r.status).toBe(200);
      expect(r.body).toContain('# TYPE passkey_diagnoses_total counter');
      expect((await get(`${h.bot.url}/metrics`)).status).toBe(404);
      // Only /metrics there: not the bot's endpoints.
      expect((await get(h.bot.metricsUrl!.replace('/metrics', '/readyz'))).status).toBe(404);
    } finally {
      await h.stop();
    }
  });
});
