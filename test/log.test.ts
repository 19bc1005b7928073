import { Writable } from 'node:stream';
import { createLog, prettyByDefault, scrub } from '../src/log';
import { Metrics } from '../src/metrics';

function capture(pretty?: boolean) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLog({ destination, pretty }), lines };
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

describe('readable logs on a terminal, JSON elsewhere', () => {
  it('picks readable lines for a terminal and JSON for anything else; LOG_FORMAT overrides', () => {
    expect(prettyByDefault({}, { isTTY: true })).toBe(true);
    expect(prettyByDefault({}, { isTTY: false })).toBe(false);
    expect(prettyByDefault({}, {})).toBe(false);
    expect(prettyByDefault({ LOG_FORMAT: 'json' }, { isTTY: true })).toBe(false);
    expect(prettyByDefault({ LOG_FORMAT: 'pretty' }, { isTTY: false })).toBe(true);
  });

  it('prints one readable line per event (time, level, event, the rest), secrets censored as in JSON', async () => {
    const { log, lines } = capture(true);
    log({ event: 'graph.call', url: 'https://login/token?client_secret=s3cr3t-Value&x=1', headers: { Authorization: `Bearer ${JWT}` } });
    log({ event: 'tap.created', method: { temporaryAccessPass: 'Xy7#TAP!9' } });
    log({ event: 'turn.failed', reason: 'boom' });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: graph\.call \{/);
    expect(lines[0]).toContain('client_secret=[REDACTED]');
    expect(lines[2]).toMatch(/WARN: turn\.failed \{"reason":"boom"\}$/);
    const out = lines.join('\n');
    for (const secret of [JWT, 's3cr3t-Value', 'Xy7#TAP!9']) expect(out).not.toContain(secret);
    // Not JSON: a person reads it.
    expect(() => JSON.parse(lines[0])).toThrow();
    expect(out).not.toContain('\u001b['); // no colours when not writing to a terminal
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
