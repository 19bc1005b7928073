import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { ConfigError, loadConfig } from '../src/config';
import { containerClient, queueClient, tableClient } from '../src/storage/azure-clients';
import { agentsAuthConfig } from '../src/teams/agents-adapter';
import { AuthType } from '@microsoft/agents-hosting';

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

  it('shows the help desk times in HELPDESK_TIMEZONE (default UTC), and refuses a zone Intl does not know', () => {
    expect(loadConfig({}, ROOT).helpDesk.timeZone).toBe('UTC');
    expect(loadConfig({ HELPDESK_TIMEZONE: 'Europe/Berlin' }, ROOT).helpDesk.timeZone).toBe('Europe/Berlin');
    expect(problems({ HELPDESK_TIMEZONE: 'CET+1' })).toEqual([expect.stringMatching(/^HELPDESK_TIMEZONE: expected an IANA time zone such as Europe\/Berlin or UTC, got "CET\+1"/)]);
  });

  it('starts the Agents Playground beside the offline demo only, on PLAYGROUND_PORT, unless NO_PLAYGROUND=1', () => {
    expect(loadConfig({}, ROOT).playground).toEqual({ port: 56150 });
    expect(loadConfig({ PLAYGROUND_PORT: '56200', NO_PLAYGROUND: '0' }, ROOT).playground).toEqual({ port: 56200 });
    expect(loadConfig({ NO_PLAYGROUND: '1' }, ROOT).playground).toBeUndefined();
    // Online there is no Playground (it is a devDependency for the demo).
    const online = { MicrosoftAppId: '0f0e0d0c-0b0a-4909-8807-060504030201', MicrosoftAppPassword: 'x', MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555' };
    expect(loadConfig(online, ROOT).playground).toBeUndefined();
    expect(problems({ PLAYGROUND_PORT: 'next to the bot' })).toEqual(['PLAYGROUND_PORT: expected a whole number from 1 to 65535, got "next to the bot"']);
    expect(problems({ PLAYGROUND_PORT: '70000' })).toEqual(['PLAYGROUND_PORT: expected a whole number from 1 to 65535, got "70000"']);
    expect(problems({ PORT: '4000', PLAYGROUND_PORT: '4000' })).toEqual([expect.stringMatching(/^PLAYGROUND_PORT: must differ from PORT \(4000\)/)]);
    expect(problems({ PORT: '4000', PLAYGROUND_PORT: '4000', NO_PLAYGROUND: '1' })).toEqual([]);
    expect(problems({ NO_PLAYGROUND: 'yes' })).toEqual(['NO_PLAYGROUND: expected 1 (no Playground) or 0, got "yes"']);
  });

  it('holds the loopback Graph server\'s answers back by GRAPH_EMULATOR_LATENCY_MS in the demo, and refuses it online', () => {
    expect(loadConfig({}, ROOT).graph.emulatorLatencyMs).toBe(0);
    expect(loadConfig({ GRAPH_EMULATOR_LATENCY_MS: '150' }, ROOT).graph.emulatorLatencyMs).toBe(150);
    expect(problems({ GRAPH_EMULATOR_LATENCY_MS: 'slow' })).toEqual([expect.stringMatching(/^GRAPH_EMULATOR_LATENCY_MS: expected a whole number from 0 to 60000/)]);
    const online = { MicrosoftAppId: '0f0e0d0c-0b0a-4909-8807-060504030201', MicrosoftAppPassword: 'x', MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555' };
    expect(problems({ ...online, GRAPH_EMULATOR_LATENCY_MS: '150' })).toEqual([expect.stringMatching(/^GRAPH_EMULATOR_LATENCY_MS: only applies to the Graph emulator/)]);
  });

  it('names a snapshot file that does not exist', () => {
    expect(problems({ TENANT_SNAPSHOT: 'nowhere.json' })).toEqual([`TENANT_SNAPSHOT: no file at ${join(ROOT, 'nowhere.json')}`, 'TENANT_ID: required (the Microsoft Entra tenant the bot serves)']);
  });
});

// The deployment (infra/main.bicep) runs the bot on one user-assigned managed identity: the Azure
// Bot's (MicrosoftAppType=UserAssignedMSI), Graph's (GRAPH_AUTH=managedIdentity) and the store's
// (AZURE_STORAGE_ACCOUNT_URL + AZURE_STORAGE_CLIENT_ID; the account allows no shared key). Entra
// tokens cannot be had offline (Azurite takes no managed identity), so these tests stop at the
// settings and the clients they choose; the store itself is tested on Azurite by connection string.
describe('configuration: managed identity for the bot, Graph and the store', () => {
  const MI = '0f0e0d0c-0b0a-4909-8807-060504030201';
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const msiBot = { MicrosoftAppId: MI, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT, GRAPH_AUTH: 'managedIdentity', GRAPH_CLIENT_ID: MI };

  it('runs a managed-identity bot with no secret at all', () => {
    const c = loadConfig(msiBot, ROOT);
    expect(c.offline).toBe(false);
    expect(c.bot).toEqual({ appId: MI, appPassword: '', appType: 'UserAssignedMSI', appTenantId: TENANT });
    expect(c.tenantId).toBe(TENANT);
    expect(c.graph.auth).toEqual({ kind: 'managedIdentity', clientId: MI });
    // GRAPH_CLIENT_ID defaults to the bot's own identity; a single-tenant bot's app id is an app
    // registration, never a managed identity, so there it stays unset (the system-assigned identity).
    expect(loadConfig({ ...msiBot, GRAPH_CLIENT_ID: '' }, ROOT).graph.auth).toEqual({ kind: 'managedIdentity', clientId: MI });
    const singleTenant = { MicrosoftAppId: MI, MicrosoftAppPassword: 'x', MicrosoftAppTenantId: TENANT, GRAPH_AUTH: 'managedIdentity' };
    expect(loadConfig(singleTenant, ROOT).graph.auth).toEqual({ kind: 'managedIdentity', clientId: undefined });
    // Without GRAPH_AUTH=managedIdentity, Graph would want the (absent) client secret: said, not guessed.
    expect(problems({ ...msiBot, GRAPH_AUTH: '' })).toEqual(['GRAPH_CLIENT_SECRET: required for GRAPH_AUTH=clientSecret']);
  });

  it('hands the managed identity to the Agents SDK edge as the bot (no secret)', () => {
    expect(agentsAuthConfig(loadConfig(msiBot, ROOT))).toEqual({ clientId: MI, tenantId: TENANT, authType: AuthType.UserManagedIdentity, validateIssuer: true });
    const secretBot = loadConfig({ MicrosoftAppId: MI, MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: TENANT }, ROOT);
    expect(agentsAuthConfig(secretBot)).toEqual({ clientId: MI, tenantId: TENANT, clientSecret: 'pw', validateIssuer: true });
  });

  it('reaches the store by its URL and the managed identity, or by a connection string, never both', () => {
    const c = loadConfig({ ...msiBot, AZURE_STORAGE_ACCOUNT_URL: 'https://stpasskeybot.blob.core.windows.net/', AZURE_STORAGE_CLIENT_ID: MI }, ROOT);
    expect(c.azureStorage).toEqual({ accountUrl: 'https://stpasskeybot.blob.core.windows.net', clientId: MI, prefix: 'passkeybot', maxQueueDelaySeconds: 604_800 });
    // No client id: DefaultAzureCredential (a system-assigned identity, or `az login` on a workstation).
    expect(loadConfig({ ...msiBot, AZURE_STORAGE_ACCOUNT_URL: 'https://stpasskeybot.blob.core.usgovcloudapi.net' }, ROOT).azureStorage).toEqual({
      accountUrl: 'https://stpasskeybot.blob.core.usgovcloudapi.net',
      prefix: 'passkeybot',
      maxQueueDelaySeconds: 604_800,
    });
    expect(loadConfig({ ...msiBot, AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }, ROOT).azureStorage).toMatchObject({ connectionString: 'UseDevelopmentStorage=true' });
    expect(loadConfig(msiBot, ROOT).azureStorage).toBeUndefined();

    expect(problems({ ...msiBot, AZURE_STORAGE_ACCOUNT_URL: 'https://stpasskeybot.blob.core.windows.net', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' })).toEqual([
      'AZURE_STORAGE_ACCOUNT_URL: set either it (managed identity) or AZURE_STORAGE_CONNECTION_STRING (a key), not both',
    ]);
    for (const url of ['http://stpasskeybot.blob.core.windows.net', 'https://stpasskeybot.queue.core.windows.net', 'stpasskeybot', 'https://stpasskeybot.blob.core.windows.net/bot-state']) {
      expect(problems({ ...msiBot, AZURE_STORAGE_ACCOUNT_URL: url })).toEqual([`AZURE_STORAGE_ACCOUNT_URL: expected the account's blob endpoint, https://<account>.blob.core.windows.net, got "${url}"`]);
    }
    expect(problems({ ...msiBot, AZURE_STORAGE_CLIENT_ID: MI })).toEqual(['AZURE_STORAGE_CLIENT_ID: only applies with AZURE_STORAGE_ACCOUNT_URL (the managed identity that reads the account)']);
    expect(problems({ ...msiBot, AZURE_STORAGE_ACCOUNT_URL: 'https://stpasskeybot.blob.core.windows.net', AZURE_STORAGE_CLIENT_ID: 'passkey-bot-id' })).toEqual([
      'AZURE_STORAGE_CLIENT_ID: expected a GUID (the managed identity\'s client id), got "passkey-bot-id"',
    ]);
  });

  it('builds the blob, table and queue clients on the account\'s endpoints with the managed identity', () => {
    const access = { accountUrl: 'https://stpasskeybot.blob.core.windows.net', clientId: MI };
    const container = containerClient(access, 'passkeybot-state');
    expect(container.url).toBe('https://stpasskeybot.blob.core.windows.net/passkeybot-state');
    expect(container.credential).toBeInstanceOf(ManagedIdentityCredential);
    expect(tableClient(access, 'passkeybotjobs').url).toBe('https://stpasskeybot.table.core.windows.net');
    expect(queueClient(access, 'passkeybot-jobs').url).toBe('https://stpasskeybot.queue.core.windows.net/passkeybot-jobs');
    // One credential (one token cache) per identity for all of them.
    expect(containerClient(access, 'passkeybot-audit').credential).toBe(container.credential);
    expect(containerClient({ accountUrl: access.accountUrl }, 'passkeybot-state').credential).toBeInstanceOf(DefaultAzureCredential);
    // A connection string keeps the key-based client (Azurite).
    const azurite = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';
    expect(containerClient({ connectionString: azurite }, 'passkeybot-state').url).toBe('http://127.0.0.1:10000/devstoreaccount1/passkeybot-state');
    expect(queueClient({ connectionString: azurite }, 'passkeybot-jobs').url).toBe('http://127.0.0.1:10001/devstoreaccount1/passkeybot-jobs');
  });
});
