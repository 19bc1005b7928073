import { Writable } from 'node:stream';
import { createLog, scrub } from '../src/log';
import { Metrics } from '../src/metrics';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLog({ destination }), lines };
}

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('logs never carry secrets', () => {
  it('censors secret fields, bearer tokens, JWTs and TAP values wherever they appear', async () => {
    const { log, lines } = capture();
    log({ event: 'graph.call', headers: { Authorization: `Bearer ${JWT}` }, url: 'https://login/token?client_secret=s3cr3t-Value&x=1' });
    log({ event: 'tap.created', method: { id: 'm1', temporaryAccessPass: 'Xy7#TAP!9', lifetimeInMinutes: 60 } });
    log({ event: 'turn.failed', error: new Error(`request failed with token ${JWT}`) });
    log({ event: 'config', MicrosoftAppPassword: 'app-pass-123', nested: { deeper: { clientSecret: 'cs-456', note: `Bearer abc.def` } } });
    await new Promise((r) => setImmediate(r));
    const out = lines.join('\n');
    for (const secret of [JWT, 's3cr3t-Value', 'Xy7#TAP!9', 'app-pass-123', 'cs-456', 'Bearer abc.def']) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
    // Everything else is still there, as JSON lines with a level and a time.
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({ level: 'info', event: 'graph.call', service: 'passkey-support-bot' });
    expect(first.url).toContain('x=1');
    expect(JSON.parse(lines[2]).level).toBe('warn');
  });

  it('scrubs plain strings', () => {
    expect(scrub(`Authorization: Bearer ${JWT}`)).toBe('Authorization: [REDACTED]');
    expect(scrub('password=hunter2&user=a')).toBe('password=[REDACTED]&user=a');
  });
});

describe('metrics', () => {
  it('renders Prometheus counters with labels', () => {
    const m = new Metrics();
    m.inc('passkey_diagnoses_total', { code: 'ca-auth-strength-loop' });
    m.inc('passkey_diagnoses_total', { code: 'ca-auth-strength-loop' });
    m.inc('passkey_notices_total', { outcome: 'sent' });
    const text = m.render();
    expect(text).toContain('# TYPE passkey_diagnoses_total counter');
    expect(text).toContain('passkey_diagnoses_total{code="ca-auth-strength-loop"} 2');
    expect(text).toContain('passkey_notices_total{outcome="sent"} 1');
    expect(text).toContain('passkey_taps_issued_total 0');
  });
});
