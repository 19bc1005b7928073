// GET /metrics is prom-client's registry: the business counters under their existing names,
// HTTP requests by method, route and status with their duration, and the process's metrics.
import { metrics, Metrics } from '../../src/metrics';
import { startHarness } from '../http/helpers';

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
};
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics through prom-client', () => {
  it('serves the business counters, HTTP requests by route and status with their duration, and process metrics', async () => {
    const h = await startHarness({ env: { METRICS_PORT: '0' } });
    try {
      const before = await get(h.bot.metricsUrl!);
      expect(before.status).toBe(200);
      expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const diagnosesBefore = metrics.value('passkey_diagnoses_total', { code: 'passkey-method-disabled' });

      await h.say('pia', { text: 'AADSTS53003 on Android 15 on the phone itself' });
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${h.bot.url}/no-such-page`)).status).toBe(404);
      expect((await fetch(`${h.bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[]' })).status).toBe(400);

      const { body } = await get(h.bot.metricsUrl!);
      // Business counters: the names and types they always had.
      for (const name of ['passkey_diagnoses_total', 'passkey_escalations_total', 'passkey_taps_issued_total', 'passkey_exemptions_granted_total', 'passkey_notices_total']) expect(body).toContain(`# TYPE ${name} counter`);
      expect(body).toContain('# TYPE passkey_exemption_removals_overdue gauge');
      expect(sample(body, 'passkey_diagnoses_total{code="passkey-method-disabled"}')).toBe(diagnosesBefore + 1);
      // HTTP: by method, route (unknown paths as one route) and status, with a duration histogram.
      expect(body).toContain('# TYPE http_request_duration_seconds histogram');
      expect(sample(body, 'http_requests_total{method="POST",route="/api/messages",status_code="200"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'http_requests_total{method="POST",route="/api/messages",status_code="400"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'http_requests_total{method="GET",route="/healthz",status_code="200"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'http_requests_total{method="GET",route="unmatched",status_code="404"}')).toBeGreaterThanOrEqual(1);
      expect(body).not.toContain('no-such-page');
      expect(sample(body, 'http_request_duration_seconds_count{method="POST",route="/api/messages",status_code="200"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/messages",status_code="200"}')).toBeGreaterThanOrEqual(1);
      // The process.
      for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) expect(body).toContain(`# TYPE ${name}`);
    } finally {
      await h.stop();
    }
  });

  it('keeps the Metrics API (inc, set, value) and renders the business series synchronously, as /metrics has them', async () => {
    const m = new Metrics();
    m.inc('passkey_notices_total', { outcome: 'sent' });
    m.inc('passkey_notices_total', { outcome: 'sent' }, 2);
    m.set('passkey_exemption_removals_overdue', 3);
    expect(m.value('passkey_notices_total', { outcome: 'sent' })).toBe(3);
    expect(m.value('passkey_exemption_removals_overdue')).toBe(3);
    const served = await m.exposition();
    for (const line of m.render().split('\n').filter((l) => l && !l.startsWith('#') && !/ 0$/.test(l))) expect(served).toContain(line);
    expect(served).toContain('passkey_notices_total{outcome="sent"} 3');
    expect(served).toContain('passkey_exemption_removals_overdue 3');
    // Process metrics only once the listener asks for them.
    expect(served).not.toContain('process_cpu_user_seconds_total');
  });
});
