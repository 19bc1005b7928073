// Environment → typed configuration. Every problem is reported on its own line, all at once,
// so an admin fixes the .env in one pass. Secrets may come from files (SETTING_FILE=/path) for
// Key Vault references and mounted secrets.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isTimeZone } from './cards/time-words';

import type { GraphCredentialConfig } from './graph/credentials';
import { connectionStringProblem } from './telemetry/connection-string';
import type { TelemetrySettings } from './telemetry/start';
import { azureStorageAccess, type AzureStorageAccess } from './storage/azure-access';

type GraphAuth = GraphCredentialConfig;

/** The Teams edges (BOT_SDK): botbuilder (default) or the Microsoft 365 Agents SDK. */
export const BOT_SDKS = ['botbuilder', 'agents'] as const;
export type BotSdk = (typeof BOT_SDKS)[number];

export interface Config {
  port: number;
  /** Which SDK's edge serves Teams (BOT_SDK); both drive the same conversation, help desk and notices. */
  botSdk: BotSdk;
  /** Offline demo: no Bot Framework credentials, Graph is the loopback emulator over a snapshot. */
  offline: boolean;
  bot: { appId: string; appPassword: string; appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'; appTenantId: string };
  /** The only tenant whose activities are served. */
  tenantId: string;
  graph: {
    baseUrl: string;
    auth: GraphAuth;
    timeoutMs: number;
    tenantFactsTtlMs: number;
    userFactsTtlMs: number;
    /** The loopback emulator holds every response back this long, like a real Graph round trip (GRAPH_EMULATOR_LATENCY_MS; demos). */
    emulatorLatencyMs: number;
  };
  /** Tenant snapshot served by the loopback Graph emulator (offline demo). */
  snapshotPath: string | null;
  dataDir: string;
  helpDesk: {
    /** Members (transitively) may act on tickets. Tickets are off without it. */
    groupId?: string;
    /** Teams channel id where ticket cards are posted. */
    channelId?: string;
    /** Plain JSON POST target for tickets (ServiceNow, Jira, mail automation). */
    webhookUrl?: string;
    /** Users are added to this group for a temporary exemption (exclude it in the CA policies). */
    exemptionGroupId?: string;
    exemptionHours: number[];
    /** The help desk's IANA time zone (HELPDESK_TIMEZONE, default UTC): ticket cards and thread lines show times in it. */
    timeZone: string;
    /** The help desk's locale (HELPDESK_LOCALE, a BCP 47 tag, default en): the language of ticket cards and agent replies (languageOfLocale picks the catalogue). */
    locale: string;
  };
  /** Shared state for several instances: Azure Storage (blobs for state, tables + queues for jobs), by connection string or managed identity. */
  azureStorage?: AzureStorageAccess & { prefix: string; maxQueueDelaySeconds: number };
  /**
   * Safety margin added to every Teams rate window when pacing proactive sends (ms). Default 0:
   * sends are counted at their answers, which bounds when Teams counted them (docs/dev/campaign-pacing.md).
   */
  pacingMarginMs: number;
  /** Ask Conditional Access What If which policies apply (needs Policy.Read.ConditionalAccess). */
  whatIf: boolean;
  /** Members may run passkey campaigns (besides Global / Authentication Policy / Privileged Authentication Administrators). */
  adminGroupId?: string;
  /** How often due jobs (exemption removals, notices) are checked. */
  schedulerTickMs: number;
  /** Prometheus GET /metrics on a listener of its own; absent (off) unless METRICS_PORT is set. */
  metrics?: { port: number; host: string };
  /** Longest a /readyz check waits for the store or Graph before counting it unavailable (keep it under the probe's timeout). */
  readinessTimeoutMs: number;
  /** OpenTelemetry to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING); absent: no telemetry SDK at all. */
  telemetry?: TelemetrySettings;
  /** The Microsoft 365 Agents Playground beside the offline demo (PLAYGROUND_PORT); absent online or with NO_PLAYGROUND=1. */
  playground?: { port: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEMO_SNAPSHOT = 'fixtures/demo-tenant.json';

/** Names the Azure Storage container, table and queue of this bot (AZURE_STORAGE_PREFIX). */
export const DEFAULT_AZURE_PREFIX = 'passkeybot';

/** A BCP 47 language tag with a 2–3 letter language ("en", "de-DE", "pt-BR"), as Intl accepts it. */
function isLocale(tag: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        problems.push(`${name}_FILE: cannot read ${file}`);
        return undefined;
      }
    }
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
    return Number.isInteger(n) ? n : fallback;
  };
  const guid = (name: string, value: string | undefined) => {
    if (value !== undefined && !GUID.test(value)) problems.push(`${name}: expected a GUID, got "${value}"`);
  };

  const appId = get('MicrosoftAppId') ?? '';
  const offline = appId === '' && get('GRAPH_CLIENT_ID') === undefined && env.GRAPH_AUTH === undefined;
  const appPassword = get('MicrosoftAppPassword') ?? '';
  const appType = (get('MicrosoftAppType') ?? (offline ? 'MultiTenant' : 'SingleTenant')) as Config['bot']['appType'];
  if (!['MultiTenant', 'SingleTenant', 'UserAssignedMSI'].includes(appType)) {
    problems.push(`MicrosoftAppType: expected MultiTenant, SingleTenant or UserAssignedMSI, got "${appType}"`);
  }
  const appTenantId = get('MicrosoftAppTenantId') ?? '';
  guid('MicrosoftAppId', appId || undefined);
  guid('MicrosoftAppTenantId', appTenantId || undefined);
  if (!offline) {
    if (!appId) problems.push('MicrosoftAppId: required (the Azure Bot resource\'s app id)');
    if (appType !== 'UserAssignedMSI' && !appPassword) problems.push('MicrosoftAppPassword: required unless MicrosoftAppType=UserAssignedMSI');
    if (appType !== 'MultiTenant' && !appTenantId) problems.push('MicrosoftAppTenantId: required for a single-tenant or managed-identity bot');
  }

  const snapshot = get('TENANT_SNAPSHOT') ?? (offline ? DEMO_SNAPSHOT : undefined);
  const snapshotPath = snapshot ? resolve(root, snapshot) : null;
  if (snapshotPath && !existsSync(snapshotPath)) problems.push(`TENANT_SNAPSHOT: no file at ${snapshotPath}`);
  const emulatorLatencyMs = int('GRAPH_EMULATOR_LATENCY_MS', 0, 0, 60_000);
  if (get('GRAPH_EMULATOR_LATENCY_MS') !== undefined && !snapshotPath) problems.push('GRAPH_EMULATOR_LATENCY_MS: only applies to the Graph emulator (TENANT_SNAPSHOT or the offline demo)');

  let tenantId = get('TENANT_ID') ?? appTenantId;
  if (snapshotPath && !tenantId && existsSync(snapshotPath)) {
    try {
      tenantId = (JSON.parse(readFileSync(snapshotPath, 'utf8')) as { tenant?: { id?: string } }).tenant?.id ?? '';
    } catch {
      // The emulator reports a broken snapshot with its path at start-up.
    }
  }
  if (!tenantId) problems.push('TENANT_ID: required (the Microsoft Entra tenant the bot serves)');
  guid('TENANT_ID', tenantId || undefined);

  let auth: GraphAuth;
  const graphAuth = get('GRAPH_AUTH') ?? (snapshotPath ? 'static' : 'clientSecret');
  const graphTenant = get('GRAPH_TENANT_ID') ?? tenantId;
  const clientId = get('GRAPH_CLIENT_ID') ?? appId;
  switch (graphAuth) {
    case 'static':
      auth = { kind: 'static', token: 'offline-demo' };
      if (!snapshotPath) problems.push('GRAPH_AUTH=static only works with TENANT_SNAPSHOT (the offline Graph emulator)');
      break;
    case 'clientSecret': {
      const clientSecret = get('GRAPH_CLIENT_SECRET') ?? appPassword;
      if (!clientSecret) problems.push('GRAPH_CLIENT_SECRET: required for GRAPH_AUTH=clientSecret');
      if (!clientId) problems.push('GRAPH_CLIENT_ID: required for GRAPH_AUTH=clientSecret');
      auth = { kind: 'clientSecret', tenantId: graphTenant, clientId, clientSecret: clientSecret ?? '' };
      break;
    }
    case 'certificate': {
      const certificatePath = get('GRAPH_CERTIFICATE_PATH') ?? '';
      if (!certificatePath) problems.push('GRAPH_CERTIFICATE_PATH: required for GRAPH_AUTH=certificate');
      else if (!existsSync(certificatePath)) problems.push(`GRAPH_CERTIFICATE_PATH: no file at ${certificatePath}`);
      if (!clientId) problems.push('GRAPH_CLIENT_ID: required for GRAPH_AUTH=certificate');
      auth = { kind: 'certificate', tenantId: graphTenant, clientId, certificatePath };
      break;
    }
    case 'managedIdentity':
      // A managed-identity bot's app id is its identity's client id: Graph defaults to the same identity.
      auth = { kind: 'managedIdentity', clientId: get('GRAPH_CLIENT_ID') ?? (appType === 'UserAssignedMSI' && appId ? appId : undefined) };
      break;
    default:
      problems.push(`GRAPH_AUTH: expected clientSecret, certificate, managedIdentity or static, got "${graphAuth}"`);
      auth = { kind: 'static', token: '' };
  }

  const helpDeskGroupId = get('HELPDESK_GROUP_ID');
  const exemptionGroupId = get('EXEMPTION_GROUP_ID');
  guid('HELPDESK_GROUP_ID', helpDeskGroupId);
  guid('EXEMPTION_GROUP_ID', exemptionGroupId);
  guid('ADMIN_GROUP_ID', get('ADMIN_GROUP_ID'));
  const azureAccess = azureStorageAccess(
    { connectionString: get('AZURE_STORAGE_CONNECTION_STRING'), accountUrl: get('AZURE_STORAGE_ACCOUNT_URL'), clientId: get('AZURE_STORAGE_CLIENT_ID') },
    problems,
  );
  const azurePrefix = (get('AZURE_STORAGE_PREFIX') ?? DEFAULT_AZURE_PREFIX).toLowerCase();
  if (!/^[a-z][a-z0-9]{2,30}$/.test(azurePrefix)) problems.push(`AZURE_STORAGE_PREFIX: expected 3-31 lowercase letters and digits, starting with a letter, got "${azurePrefix}"`);
  const webhookUrl = get('HELPDESK_WEBHOOK_URL');
  if (webhookUrl && !/^https?:\/\//.test(webhookUrl)) problems.push(`HELPDESK_WEBHOOK_URL: expected an http(s) URL, got "${webhookUrl}"`);
  const helpDeskTimeZone = get('HELPDESK_TIMEZONE') ?? 'UTC';
  if (!isTimeZone(helpDeskTimeZone)) problems.push(`HELPDESK_TIMEZONE: expected an IANA time zone such as Europe/Berlin or UTC, got "${helpDeskTimeZone}"`);
  const helpDeskLocale = get('HELPDESK_LOCALE') ?? 'en';
  if (!isLocale(helpDeskLocale)) problems.push(`HELPDESK_LOCALE: expected a language tag (BCP 47) such as en, de-DE, fr-FR, es-ES, ja-JP or pt-BR, got "${helpDeskLocale}"`);
  const hoursRaw = get('EXEMPTION_HOURS') ?? '1,2,4,8,24';
  const exemptionHours = hoursRaw.split(',').map((h) => Number(h.trim()));
  if (exemptionHours.some((h) => !Number.isInteger(h) || h < 1 || h > 72)) problems.push(`EXEMPTION_HOURS: expected whole hours from 1 to 72, comma-separated, got "${hoursRaw}"`);

  const botSdkRaw = get('BOT_SDK') ?? 'botbuilder';
  const botSdk = BOT_SDKS.find((sdk) => sdk === botSdkRaw.toLowerCase());
  if (!botSdk) problems.push(`BOT_SDK: expected ${BOT_SDKS.join(' or ')}, got "${botSdkRaw}"`);

  const port = int('PORT', 3978, 0, 65535);
  // /metrics is opt-in, on its own port, on loopback unless METRICS_HOST names another interface.
  const metricsPortRaw = get('METRICS_PORT');
  const metricsPort = metricsPortRaw === undefined ? undefined : int('METRICS_PORT', 0, 0, 65535);
  const metricsHost = get('METRICS_HOST');
  if (metricsHost !== undefined && metricsPortRaw === undefined) problems.push('METRICS_HOST: set METRICS_PORT too (/metrics is off without it)');
  if (metricsHost !== undefined && isIP(metricsHost) === 0 && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(metricsHost)) {
    problems.push(`METRICS_HOST: expected an IP address or a host name, got "${metricsHost}"`);
  }
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) problems.push(`METRICS_PORT: must differ from PORT (${port}); /metrics has a listener of its own`);
  // The offline demo starts the Agents Playground (a devDependency) unless NO_PLAYGROUND=1 (the production image).
  const noPlayground = get('NO_PLAYGROUND');
  if (noPlayground !== undefined && noPlayground !== '1' && noPlayground !== '0') problems.push(`NO_PLAYGROUND: expected 1 (no Playground) or 0, got "${noPlayground}"`);
  const playgroundPort = int('PLAYGROUND_PORT', 56150, 1, 65535);
  if (offline && noPlayground !== '1' && port !== 0 && playgroundPort === port) problems.push(`PLAYGROUND_PORT: must differ from PORT (${port}); the Playground and the bot each need a port`);
  const appInsights = get('APPLICATIONINSIGHTS_CONNECTION_STRING');
  const appInsightsProblem = appInsights === undefined ? undefined : connectionStringProblem(appInsights);
  if (appInsightsProblem) problems.push(`APPLICATIONINSIGHTS_CONNECTION_STRING: ${appInsightsProblem}`);

  const config: Config = {
    port,
    botSdk: botSdk ?? 'botbuilder',
    offline,
    bot: { appId, appPassword, appType, appTenantId },
    tenantId,
    graph: {
      baseUrl: get('GRAPH_BASE_URL') ?? 'https://graph.microsoft.com',
      auth,
      timeoutMs: int('GRAPH_TIMEOUT_MS', 10_000, 100, 120_000),
      tenantFactsTtlMs: int('TENANT_FACTS_TTL_SECONDS', 300, 0, 86_400) * 1000,
      userFactsTtlMs: int('USER_FACTS_TTL_SECONDS', 60, 0, 3600) * 1000,
      emulatorLatencyMs,
    },
    snapshotPath,
    dataDir: resolve(root, get('DATA_DIR') ?? 'data'),
    helpDesk: { groupId: helpDeskGroupId, channelId: get('HELPDESK_CHANNEL_ID'), webhookUrl, exemptionGroupId, exemptionHours, timeZone: helpDeskTimeZone, locale: helpDeskLocale },
    schedulerTickMs: int('SCHEDULER_TICK_SECONDS', 30, 1, 3600) * 1000,
    adminGroupId: get('ADMIN_GROUP_ID'),
    whatIf: (get('WHAT_IF') ?? 'on') !== 'off',
    pacingMarginMs: int('PACING_MARGIN_MS', 0, 0, 1000),
    metrics: metricsPort === undefined ? undefined : { port: metricsPort, host: metricsHost ?? '127.0.0.1' },
    readinessTimeoutMs: int('READINESS_TIMEOUT_MS', 3000, 100, 60_000),
    telemetry: appInsights === undefined ? undefined : { connectionString: appInsights },
    playground: offline && noPlayground !== '1' ? { port: playgroundPort } : undefined,
    azureStorage: azureAccess
      ? { ...azureAccess, prefix: azurePrefix, maxQueueDelaySeconds: int('AZURE_QUEUE_MAX_DELAY_SECONDS', 604_800, 0, 604_800) }
      : undefined,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
