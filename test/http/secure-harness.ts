// The real bot as it runs in production — an app id and password, Bot Framework JWT validation
// on, on either edge (`sdk`: botbuilder or the Agents SDK) — against loopback stand-ins: the
// token service (test/helpers/jwt.ts) signs the channel's tokens and the bot's own, the loopback
// connector plays Teams, the Graph emulator the tenant.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type BotSdk } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { startTokenService, type TokenService } from '../helpers/jwt';
import { DEMO, persona, ROOT, TENANT_ID } from './helpers';
import { startConnector, type LoopbackConnector } from './loopback-connector';

export const APP_ID = '3f1d9a52-7c4e-4b8a-9e21-5d6c7b8a9f10';
export const CHANNEL = 'help-desk-channel';
const group = (name: string) => DEMO.groups.find((g: any) => g.displayName === name).id as string;

export interface SecureHarness {
  /** The edge this bot runs on. */
  sdk: BotSdk;
  bot: RunningBot;
  connector: LoopbackConnector;
  tokens: TokenService;
  dataDir: string;
  /** URLs the bot signed outgoing requests for (its own Bot Framework token). */
  signed: string[];
  /**
   * Posts an activity with a valid channel token for its serviceUrl (or `authorization` as given;
   * null: no header). Resolves with the status and the JSON body, if any.
   */
  post(activity: Record<string, unknown>, authorization?: string | null): Promise<{ status: number; body: any }>;
  /** Posts a raw body (not necessarily an activity) with a valid token for the connector. */
  postRaw(body: string, authorization?: string | null): Promise<{ status: number; text: string }>;
  /** A Teams personal-chat message from a persona (msteams, both tenant fields). */
  teamsMessage(as: string, message: { text?: string; value?: unknown }, conversationId?: string): Record<string, unknown>;
  /** Sends teamsMessage and waits for `replies` activities. */
  say(as: string, message: { text?: string; value?: unknown }, replies?: number, conversationId?: string): Promise<any[]>;
  /** An Action.Execute on a ticket card in the help-desk channel, as a persona (msteams). */
  agentInvoke(as: string, verb: string, data: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface SecureHarnessOptions {
  /** The Teams edge (BOT_SDK); default botbuilder. */
  sdk?: BotSdk;
  now?: () => Date;
  log?: (event: Record<string, unknown>) => void;
  env?: Record<string, string>;
}

export async function startSecureHarness(options: SecureHarnessOptions = {}): Promise<SecureHarness> {
  const sdk = options.sdk ?? 'botbuilder';
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-secure-'));
  const tokens = await startTokenService();
  const connector = await startConnector();
  const signed: string[] = [];
  const config = loadConfig(
    {
      PORT: '0',
      DATA_DIR: dataDir,
      SCHEDULER_TICK_SECONDS: '3600',
      BOT_SDK: sdk,
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'loopback-test-password',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT_ID,
      TENANT_SNAPSHOT: 'fixtures/demo-tenant.json',
      GRAPH_AUTH: 'static',
      HELPDESK_GROUP_ID: group('Help desk'),
      EXEMPTION_GROUP_ID: group('Passkey exemptions'),
      HELPDESK_CHANNEL_ID: CHANNEL,
      ...options.env,
    },
    ROOT,
  );
  const bot = await startBot(config, { now: options.now, log: options.log ?? (() => undefined), testOnlyBotFrameworkCloud: tokens.cloud(APP_ID, signed) });
  let n = 0;
  const post: SecureHarness['post'] = async (activity, authorization) => {
    const auth = authorization === undefined ? `Bearer ${tokens.channelToken({ appId: APP_ID, serviceUrl: String(activity.serviceUrl) })}` : authorization;
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth === null ? {} : { Authorization: auth }) },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  };
  const postRaw: SecureHarness['postRaw'] = async (body, authorization) => {
    const auth = authorization === undefined ? `Bearer ${tokens.channelToken({ appId: APP_ID, serviceUrl: connector.url })}` : authorization;
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth === null ? {} : { Authorization: auth }) }, body });
    return { status: res.status, text: await res.text() };
  };
  const teamsMessage: SecureHarness['teamsMessage'] = (as, message, conversationId) => {
    const user = persona(as);
    return {
      type: 'message',
      id: `secure-activity-${++n}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
      recipient: { id: `28:${APP_ID}`, name: 'Passkey help' },
      conversation: { id: conversationId ?? `personal-${as}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.value !== undefined ? { value: message.value } : {}),
    };
  };
  const say: SecureHarness['say'] = async (as, message, replies = 1, conversationId) => {
    const from = connector.sent.length;
    const r = await post(teamsMessage(as, message, conversationId));
    if (r.status >= 300) throw new Error(`POST /api/messages answered ${r.status}: ${JSON.stringify(r.body)}`);
    return (await connector.waitFor(from, replies)).map((s) => s.activity);
  };
  const agentInvoke: SecureHarness['agentInvoke'] = (as, verb, data) => {
    const user = persona(as);
    return {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `secure-invoke-${++n}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
      recipient: { id: `28:${APP_ID}` },
      conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } },
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    };
  };
  return {
    sdk,
    bot,
    connector,
    tokens,
    dataDir,
    signed,
    post,
    postRaw,
    teamsMessage,
    say,
    agentInvoke,
    stop: async () => {
      await bot.stop();
      await connector.close();
      await tokens.close();
    },
  };
}
