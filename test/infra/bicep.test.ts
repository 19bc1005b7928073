// infra/main.bicep reviewed as text (there is no Bicep compiler or az CLI here): the settings the
// container gets are the settings the bot reads and start it online; parameters, variables and
// outputs are used and point at declared resources; the security properties an admin relies on
// are there; and the Node major the image runs is the one the deployment docs name. Every check
// is also shown failing on a broken copy of the template.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import {
  checkDeclarations,
  checkNodeMajor,
  checkSecurity,
  checkSettingsAreRead,
  checkSettingsDocumented,
  containerEnv,
  dockerNodeMajor,
  sampleEnvironment,
  settingsReadByTheBot,
} from './bicep-review';

const ROOT = resolve(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const MAIN = read('infra/main.bicep');
const readModule = (path: string) => read(join('infra', path));
const READ_BY_BOT = settingsReadByTheBot(join(ROOT, 'src'));

/** A copy of the template with `from` (which must be there) replaced. */
function mutate(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`mutation target not in the template: ${from}`);
  return text.replace(from, to);
}

// What only Azure knows at deployment, and the secret, stand-ins of the right shape.
const IDENTITY_CLIENT_ID = '5b0e6c1a-2f4d-4e8a-9c3b-7d1e0f2a4b6c';
const IDENTITY_TENANT_ID = '7d1c3c1e-5b1a-4c43-9a55-0f1d2e3c4b5a';
const SAMPLES: Record<string, string> = {
  'identity.properties.clientId': IDENTITY_CLIENT_ID,
  'identity.properties.tenantId': IDENTITY_TENANT_ID,
  'storage.properties.primaryEndpoints.blob': 'https://stpasskeybotq3x7.blob.core.windows.net/',
  'appInsights.properties.ConnectionString':
    'InstrumentationKey=0c9d5f3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
  'secret:helpdesk-webhook-url': 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=sample',
};

function startsOnline(text: string, params: Record<string, string> = {}) {
  const { env, problems } = sampleEnvironment(text, SAMPLES, params);
  expect(problems).toEqual([]);
  return { env, config: loadConfig(env, ROOT) };
}

describe('infra/main.bicep, reviewed as text', () => {
  describe('(a) the container gets the settings the bot reads, and they start it online', () => {
    it('sets only settings the bot reads, each once, as the container\'s env', () => {
      expect(checkSettingsAreRead(MAIN, READ_BY_BOT)).toEqual([]);
      const names = containerEnv(MAIN).map((e) => e.name);
      // The managed-identity trio and the telemetry connection string are among them.
      expect(names).toEqual(expect.arrayContaining(['MicrosoftAppType', 'MicrosoftAppId', 'MicrosoftAppTenantId', 'GRAPH_AUTH', 'AZURE_STORAGE_ACCOUNT_URL', 'AZURE_STORAGE_CLIENT_ID', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'HELPDESK_WEBHOOK_URL']));
      // The key-based settings are gone for good.
      expect(names).not.toEqual(expect.arrayContaining(['AZURE_STORAGE_CONNECTION_STRING']));
      expect(names).not.toContain('MicrosoftAppPassword');
    });

    it('fails a setting nobody reads, a duplicate, and a container that does not use the list', () => {
      expect(checkSettingsAreRead(mutate(MAIN, "{ name: 'AZURE_STORAGE_PREFIX',", "{ name: 'AZURE_STORAGE_PREFFIX',"), READ_BY_BOT)).toEqual([
        'main.bicep: the container gets AZURE_STORAGE_PREFFIX, which the bot never reads (src/config.ts, process.env in src/)',
      ]);
      expect(checkSettingsAreRead(mutate(MAIN, "  { name: 'BOT_SDK', value: botSdk }\n", "  { name: 'BOT_SDK', value: botSdk }\n  { name: 'BOT_SDK', value: 'agents' }\n"), READ_BY_BOT)).toEqual([
        'main.bicep: BOT_SDK is set twice',
      ]);
      expect(checkSettingsAreRead(mutate(MAIN, 'env: containerEnv', 'env: settings'), READ_BY_BOT)).toEqual(['main.bicep: the container does not get containerEnv as its env']);
    });

    it('starts the bot online on the managed identity: Azure Bot, Graph and the store, no secret', () => {
      const { config } = startsOnline(MAIN);
      expect(config.offline).toBe(false);
      expect(config.bot).toEqual({ appId: IDENTITY_CLIENT_ID, appPassword: '', appType: 'UserAssignedMSI', appTenantId: IDENTITY_TENANT_ID });
      expect(config.tenantId).toBe(IDENTITY_TENANT_ID);
      expect(config.graph.auth).toEqual({ kind: 'managedIdentity', clientId: IDENTITY_CLIENT_ID });
      expect(config.azureStorage).toEqual({ accountUrl: 'https://stpasskeybotq3x7.blob.core.windows.net', clientId: IDENTITY_CLIENT_ID, prefix: 'passkeybot', maxQueueDelaySeconds: 604_800 });
      expect(config.botSdk).toBe('botbuilder');
      // The port the bot listens on is the one ingress and the probes use.
      const port = /^var port = (\d+)/m.exec(MAIN)![1];
      expect(config.port).toBe(Number(port));
      expect(MAIN).toMatch(/targetPort: port\b/);
      expect(MAIN.match(/^\s*port: port$/gm)).toHaveLength(3);
    });

    it('starts it with every optional setting given too (help desk, exemptions, campaigns, webhook secret, the Agents SDK)', () => {
      const group = (n: number) => `aaaaaaaa-bbbb-4ccc-8ddd-00000000000${n}`;
      const { env, config } = startsOnline(MAIN, { helpDeskGroupId: group(1), exemptionGroupId: group(2), adminGroupId: group(3), helpDeskChannelId: '19:abc@thread.tacv2', botSdk: 'agents' });
      expect(config.helpDesk).toMatchObject({ groupId: group(1), exemptionGroupId: group(2), channelId: '19:abc@thread.tacv2', webhookUrl: SAMPLES['secret:helpdesk-webhook-url'] });
      expect(config.adminGroupId).toBe(group(3));
      expect(config.botSdk).toBe('agents');
      expect(env.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(SAMPLES['appInsights.properties.ConnectionString']);
    });

    it('fails when a setting the online bot requires is missing or wrong', () => {
      const without = (line: RegExp) => sampleEnvironment(mutate(MAIN, line, ''), SAMPLES).env;
      const problemsOf = (env: Record<string, string>) => {
        try {
          loadConfig(env, ROOT);
        } catch (e) {
          if (e instanceof ConfigError) return e.problems;
          throw e;
        }
        return [];
      };
      expect(problemsOf(without(/^ {2}\{ name: 'MicrosoftAppTenantId'.*\n/m))).toContain('MicrosoftAppTenantId: required for a single-tenant or managed-identity bot');
      // Without GRAPH_AUTH the bot would look for a client secret the managed identity does not have.
      expect(problemsOf(without(/^ {2}\{ name: 'GRAPH_AUTH'.*\n/m))).toContain('GRAPH_CLIENT_SECRET: required for GRAPH_AUTH=clientSecret');
      const wrongUrl = sampleEnvironment(MAIN, { ...SAMPLES, 'storage.properties.primaryEndpoints.blob': 'https://stpasskeybotq3x7.table.core.windows.net/' }).env;
      expect(problemsOf(wrongUrl)).toEqual([expect.stringMatching(/^AZURE_STORAGE_ACCOUNT_URL: expected the account's blob endpoint/)]);
      // An expression the review has no stand-in for is named, not guessed.
      expect(sampleEnvironment(mutate(MAIN, 'value: identity.properties.tenantId }', 'value: subscription().tenantId }'), SAMPLES).problems).toEqual([
        'no sample value for MicrosoftAppTenantId = subscription().tenantId',
      ]);
    });
  });

  it('documents every setting it gives the container in docs/admin/deploy.md, and notices one that is not', () => {
    const doc = read('docs/admin/deploy.md');
    expect(checkSettingsDocumented(MAIN, doc, 'deploy.md')).toEqual([]);
    expect(checkSettingsDocumented(MAIN, doc.replace(/`AZURE_STORAGE_CLIENT_ID`/g, 'the client id'), 'deploy.md')).toEqual(['deploy.md: does not say what the template sets AZURE_STORAGE_CLIENT_ID to']);
  });

  describe('(b) parameters, variables and outputs', () => {
    it('uses every param and var, and every output reads a declared resource or module (main.bicep and its module)', () => {
      expect(checkDeclarations(MAIN, 'main.bicep', readModule)).toEqual([]);
      expect(checkDeclarations(readModule('acr-pull.bicep'), 'acr-pull.bicep')).toEqual([]);
    });

    it('fails an unused param or var, an output of nothing declared, and a module given the wrong params', () => {
      const unusedParam = mutate(MAIN, 'param tags object = {', "@description('Never used.')\nparam replicaCount int = 2\n\nparam tags object = {");
      expect(checkDeclarations(unusedParam, 'main.bicep', readModule)).toEqual(['main.bicep: param replicaCount is declared but never used']);
      const unusedVar = mutate(MAIN, 'var port = 3978', "var oldPort = 8080\nvar port = 3978");
      expect(checkDeclarations(unusedVar, 'main.bicep', readModule)).toEqual(['main.bicep: var oldPort is declared but never used']);
      const staleOutput = mutate(MAIN, 'output containerAppName string = app.name', 'output webAppName string = webApp.name');
      expect(checkDeclarations(staleOutput, 'main.bicep', readModule)).toEqual(['main.bicep: output webAppName reads webApp, which is not declared']);
      const constantOutput = mutate(MAIN, 'output containerAppName string = app.name', "output containerAppName string = '${name}-app'");
      expect(checkDeclarations(constantOutput, 'main.bicep', readModule)).toEqual(['main.bicep: output containerAppName reads no resource or module']);
      const wrongModuleParam = mutate(MAIN, '    principalId: identity.properties.principalId\n  }\n}', '    principal: identity.properties.principalId\n  }\n}');
      expect(checkDeclarations(wrongModuleParam, 'main.bicep', readModule)).toEqual([
        'main.bicep: module acrPull passes principal, which acr-pull.bicep does not declare',
        'main.bicep: module acrPull does not pass principalId, which acr-pull.bicep requires',
      ]);
    });
  });

  describe('(c) security properties', () => {
    it('holds them all: no shared key, purge protection, no listKeys, TLS 1.2, HTTPS only, the bot on its managed identity, logs to Log Analytics', () => {
      expect(checkSecurity(MAIN, 'main.bicep')).toEqual([]);
      expect(checkSecurity(readModule('acr-pull.bicep'), 'acr-pull.bicep')).toEqual([]);
    });

    const broken: [string, string, string | RegExp, string, string][] = [
      ['shared keys allowed', 'main.bicep: storage (Microsoft.Storage/storageAccounts) must set allowSharedKeyAccess: false (Entra ID only, no account key)', 'allowSharedKeyAccess: false', 'allowSharedKeyAccess: true', ''],
      ['no purge protection', 'main.bicep: vault (Microsoft.KeyVault/vaults) must set enablePurgeProtection: true', 'enablePurgeProtection: true', 'enablePurgeProtection: false', ''],
      ['old TLS', "main.bicep: storage (Microsoft.Storage/storageAccounts) must set minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'", ''],
      ['plain HTTP ingress', 'main.bicep: app (Microsoft.App/containerApps) must set ingress allowInsecure: false', 'allowInsecure: false', 'allowInsecure: true', 'main.bicep: allowInsecure: true'],
      ['a listKeys() call', 'main.bicep: calls listKeys() (or another list…Keys): use a managed identity, not a key', "{ name: 'AZURE_STORAGE_PREFIX', value: storagePrefix }", "{ name: 'AZURE_STORAGE_PREFIX', value: storage.listKeys().keys[0].value }", ''],
      ['a key-based connection string', 'main.bicep: builds a key-based connection string: use a managed identity', "{ name: 'AZURE_STORAGE_PREFIX', value: storagePrefix }", "{ name: 'AZURE_STORAGE_PREFIX', value: 'AccountKey=${storagePrefix}' }", ''],
      ['the retired instrumentation key on the bot', "main.bicep: developerAppInsightKey (an instrumentation key, retired): the bot's telemetry takes APPLICATIONINSIGHTS_CONNECTION_STRING", '    disableLocalAuth: true', '    developerAppInsightKey: appInsights.properties.InstrumentationKey\n    disableLocalAuth: true', ''],
      ['a single-tenant bot with a secret', "main.bicep: bot (Microsoft.BotService/botServices) must set msaAppType: 'UserAssignedMSI' (the bot is the managed identity)", "msaAppType: 'UserAssignedMSI'", "msaAppType: 'SingleTenant'", ''],
      ['no diagnostic setting on the bot', 'main.bicep: bot (Microsoft.BotService/botServices) has no diagnostic setting to Log Analytics', /scope: bot\n/, 'scope: vault\n', ''],
      ['the secure webhook URL as a plain setting', 'main.bicep: the secure param helpDeskWebhookUrl is a plain container setting: pass it as a Key Vault secret (secretRef)', "  { name: 'ADMIN_GROUP_ID', value: adminGroupId }\n", "  { name: 'ADMIN_GROUP_ID', value: adminGroupId }\n  { name: 'HELPDESK_WEBHOOK_URL', value: helpDeskWebhookUrl }\n", ''],
    ];
    it.each(broken)('fails %s', (_what, problem, from, to, also) => {
      const problems = checkSecurity(mutate(MAIN, from, to), 'main.bicep');
      expect(problems).toEqual(also ? [problem, also] : [problem]);
    });

    it('counts listKeys in a comment too, and an App Service site without HTTPS only', () => {
      expect(checkSecurity(`${MAIN}\n// storage.listKeys() would be simpler\n`, 'main.bicep')).toEqual(['main.bicep: calls listKeys() (or another list…Keys): use a managed identity, not a key']);
      const site = "resource web 'Microsoft.Web/sites@2023-12-01' = {\n  name: 'x'\n  properties: {\n    httpsOnly: false\n    siteConfig: {\n      minTlsVersion: '1.0'\n    }\n  }\n}\n";
      expect(checkSecurity(site, 'site.bicep')).toEqual([
        'site.bicep: web (Microsoft.Web/sites) must set httpsOnly: true',
        "site.bicep: web (Microsoft.Web/sites) must set minTlsVersion: '1.2'",
        'site.bicep: httpsOnly: false',
      ]);
    });
  });

  describe('(d) the Node the image runs is the Node the docs name', () => {
    const DOCS = ['docs/admin/deploy.md', 'infra/README.md'];
    it('names the Dockerfile\'s Node major, and no other, in the deployment docs', () => {
      const major = dockerNodeMajor(read('Dockerfile'));
      expect(major).toBeGreaterThanOrEqual(22); // an LTS that still gets security fixes
      expect(checkNodeMajor(Object.fromEntries(DOCS.map((d) => [d, read(d)])), major)).toEqual([]);
    });

    it('fails a doc that names another major, or none, and a Dockerfile without the pinned image', () => {
      const major = dockerNodeMajor(read('Dockerfile'))!;
      const doc = read('docs/admin/deploy.md');
      const other = major + 2;
      expect(checkNodeMajor({ 'deploy.md': `${doc}\nThe image runs Node ${other}.\n` }, major)).toEqual([`deploy.md: says Node ${other}, the Dockerfile's image runs Node ${major}`]);
      expect(checkNodeMajor({ 'deploy.md': 'Build the image and push it.' }, major)).toEqual([`deploy.md: never says which Node the image runs (Node ${major})`]);
      expect(checkNodeMajor({ 'deploy.md': doc }, dockerNodeMajor('FROM node:latest\n'))).toEqual(['Dockerfile: no ARG NODE_IMAGE=node:<major>… line']);
    });
  });
});
