// Starts the real bot (server, adapter, Graph emulator over the demo tenant) on loopback ports.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOT_SDKS, loadConfig, type BotSdk } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { startConnector, type LoopbackConnector } from './loopback-connector';

export const ROOT = resolve(__dirname, '..', '..');
export const DEMO = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
export const TENANT_ID: string = DEMO.tenant.id;
export const persona = (name: string) => DEMO.users.find((u: any) => u.mail.startsWith(`${name}@`));

/**
 * The Teams edges the HTTP suites run on: both (BOT_SDK=botbuilder, the default, and
 * BOT_SDK=agents), or one when HTTP_EDGES names it (e.g. HTTP_EDGES=agents while porting).
 */
export const EDGES: readonly BotSdk[] = process.env.HTTP_EDGES
  ? BOT_SDKS.filter((sdk) => process.env.HTTP_EDGES!.split(',').map((s) => s.trim()).includes(sdk))
  : BOT_SDKS;

export interface Harness {
  /** The edge this bot runs on. */
  sdk: BotSdk;
  bot: RunningBot;
  connector: LoopbackConnector;
  dataDir: string;
  /** Posts an activity; resolves with the HTTP status. */
  post(activity: Record<string, unknown>): Promise<number>;
  /** Posts an activity; resolves with the HTTP status and the JSON body (invoke responses). */
  invoke(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  /** Sends a message (text or card submit) as a persona and waits for `replies` activities. */
  say(as: string, message: { text?: string; value?: unknown }, replies?: number, conversationId?: string): Promise<any[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** The Teams edge (BOT_SDK); default botbuilder. */
  sdk?: BotSdk;
  env?: Record<string, string>;
  /** A connector to reply to (kept when the bot stops), e.g. to restart the bot on another edge; default a new one. */
  connector?: LoopbackConnector;
  dataDir?: string;
  now?: () => Date;
  log?: (event: Record<string, unknown>) => void;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pksb-'));
  const connector = options.connector ?? (await startConnector());
  const sdk = options.sdk ?? 'botbuilder';
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, SCHEDULER_TICK_SECONDS: '3600', BOT_SDK: sdk, ...options.env }, ROOT);
  const bot = await startBot(config, { now: options.now, log: options.log ?? (() => undefined) });
  let n = 0;
  const invoke = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const post = async (activity: Record<string, unknown>) => (await invoke(activity)).status;
  const say: Harness['say'] = async (as, message, replies = 1, conversationId) => {
    const user = persona(as);
    const from = connector.sent.length;
    const status = await post({
      type: 'message',
      id: `activity-${++n}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
      recipient: { id: 'bot-id', name: 'Passkey help' },
      conversation: { id: conversationId ?? `personal-${as}`, conversationType: 'personal', tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.value !== undefined ? { value: message.value } : {}),
    });
    if (status >= 300) throw new Error(`POST /api/messages answered ${status}`);
    return (await connector.waitFor(from, replies)).map((s) => s.activity);
  };
  return {
    sdk,
    bot,
    connector,
    dataDir,
    post,
    invoke,
    say,
    stop: async () => {
      await bot.stop();
      if (!options.connector) await connector.close();
    },
  };
}

/** The Adaptive Card JSON of a reply activity. */
export function cardOf(activity: any): any {
  const a = (activity.attachments ?? []).find((x: any) => x.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!a) throw new Error(`reply has no Adaptive Card: ${JSON.stringify(activity).slice(0, 300)}`);
  return a.content;
}

/** All text a card shows (TextBlocks, facts, action titles), joined, for assertions. */
export function cardText(card: any): string {
  const out: string[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const k of ['text', 'title', 'value']) if (typeof x[k] === 'string') out.push(x[k]);
      Object.values(x).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

/** The data of the submit action titled `title` on a card. */
export function submitData(card: any, title: RegExp): any {
  let found: any;
  const walk = (x: any) => {
    if (found) return;
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (x.type === 'Action.Submit' && typeof x.title === 'string' && title.test(x.title)) found = x.data;
      else Object.values(x).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error(`no button ${title} on card: ${cardText(card).slice(0, 400)}`);
  return found;
}
