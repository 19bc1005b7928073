import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

const ROOT = resolve(__dirname, '..');
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env, ROOT);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('configuration', () => {
  it('runs the offline demo with no settings at all', () => {
    const c = loadConfig({}, ROOT);
    expect(c.offline).toBe(true);
    expect(c.snapshotPath).toBe(join(ROOT, 'fixtures', 'demo-tenant.json'));
    expect(c.tenantId).toBe('7d1c3c1e-5b1a-4c43-9a55-0f1d2e3c4b5a');
    expect(c.graph.auth.kind).toBe('static');
  });

  it('reports every missing or malformed setting on its own line, at once', () => {
    const p = problems({ MicrosoftAppId: 'not-a-guid', MicrosoftAppType: 'Weird', PORT: '99999', GRAPH_TIMEOUT_MS: 'soon' });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MicrosoftAppType: expected MultiTenant, SingleTenant or UserAssignedMSI, got "Weird"/),
        expect.stringMatching(/^MicrosoftAppId: expected a GUID/),
        expect.stringMatching(/^MicrosoftAppPassword: required/),
        expect.stringMatching(/^TENANT_ID: required/),
        expect.stringMatching(/^PORT: expected a whole number/),
        expect.stringMatching(/^GRAPH_TIMEOUT_MS: expected a whole number/),
      ]),
    );
    for (const line of p) expect(line).not.toContain('\n');
  });

  it('caches each user for a minute unless told otherwise, and refuses a nonsense TTL', () => {
    expect(loadConfig({}, ROOT).graph.userFactsTtlMs).toBe(60_000);
    expect(loadConfig({ USER_FACTS_TTL_SECONDS: '0' }, ROOT).graph.userFactsTtlMs).toBe(0);
    expect(problems({ USER_FACTS_TTL_SECONDS: '-5' })).toEqual([expect.stringMatching(/^USER_FACTS_TTL_SECONDS: /)]);
  });

  it('never echoes a secret in a problem', () => {
    const p = problems({ MicrosoftAppId: '11111111-2222-4333-8444-555555555555', MicrosoftAppPassword: 'p@ss-SECRET-value', MicrosoftAppType: 'SingleTenant', GRAPH_AUTH: 'certificate' });
    expect(p.join('\n')).not.toContain('SECRET');
    expect(p).toEqual(expect.arrayContaining([expect.stringMatching(/^MicrosoftAppTenantId: required/), expect.stringMatching(/^GRAPH_CERTIFICATE_PATH: required/)]));
  });

  it('reads secrets from files (Key Vault references, mounted secrets)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pksb-cfg-'));
    writeFileSync(join(dir, 'pw'), 'from-a-file\n');
    const c = loadConfig(
      {
        MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
        MicrosoftAppPassword_FILE: join(dir, 'pw'),
        MicrosoftAppTenantId: '11111111-2222-4333-8444-666666666666',
      },
      ROOT,
    );
    expect(c.bot.appPassword).toBe('from-a-file');
    expect(c.graph.auth).toMatchObject({ kind: 'clientSecret', clientSecret: 'from-a-file', tenantId: '11111111-2222-4333-8444-666666666666' });
    expect(problems({ MicrosoftAppId: '11111111-2222-4333-8444-555555555555', MicrosoftAppPassword_FILE: '/nope/pw' })).toContain('MicrosoftAppPassword_FILE: cannot read /nope/pw');
  });

  it('serves /metrics only when METRICS_PORT is set, on loopback unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({}, ROOT).metrics).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }, ROOT).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.4' }, ROOT).metrics).toEqual({ port: 9464, host: '10.0.0.4' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: 'metrics.internal' }, ROOT).metrics).toEqual({ port: 9464, host: 'metrics.internal' });
    expect(problems({ METRICS_PORT: 'yes' })).toEqual([expect.stringMatching(/^METRICS_PORT: expected a whole number from 0 to 65535, got "yes"/)]);
    expect(problems({ METRICS_HOST: '0.0.0.0' })).toEqual(['METRICS_HOST: set METRICS_PORT too (/metrics is off without it)']);
    expect(problems({ METRICS_PORT: '9464', METRICS_HOST: 'http://x/' })).toEqual([expect.stringMatching(/^METRICS_HOST: expected an IP address or a host name/)]);
    expect(problems({ PORT: '3978', METRICS_PORT: '3978' })).toEqual([expect.stringMatching(/^METRICS_PORT: must differ from PORT \(3978\)/)]);
  });

  it('bounds how long a readiness check waits (READINESS_TIMEOUT_MS)', () => {
    expect(loadConfig({}, ROOT).readinessTimeoutMs).toBe(3000);
    expect(loadConfig({ READINESS_TIMEOUT_MS: '800' }, ROOT).readinessTimeoutMs).toBe(800);
    expect(problems({ READINESS_TIMEOUT_MS: '5' })).toEqual([expect.stringMatching(/^READINESS_TIMEOUT_MS: expected a whole number from 100 to 60000/)]);
  });

  it('names a snapshot file that does not exist', () => {
    expect(problems({ TENANT_SNAPSHOT: 'nowhere.json' })).toEqual([`TENANT_SNAPSHOT: no file at ${join(ROOT, 'nowhere.json')}`, 'TENANT_ID: required (the Microsoft Entra tenant the bot serves)']);
  });
});
