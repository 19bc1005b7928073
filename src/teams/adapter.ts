// Bot Framework authentication and the CloudAdapter, from our typed config. POST /api/messages
// goes through TeamsAdapter.handle: a body that is not an activity gets 400, a bad or missing
// token 401 (TokenScreen, then botbuilder's own validation), each with one JSON log line and
// nothing on stderr; botbuilder's process() would answer 500 and print a stack per request.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import type { Config } from '../config';
import { TokenScreen } from './token-screen';

/** The Bot Framework public cloud's channel tokens (botframework-connector's AuthenticationConstants). */
export const BOT_FRAMEWORK_CHANNEL = {
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  tokenIssuer: 'https://api.botframework.com',
};

type Log = (event: Record<string, unknown>) => void;

/** What handle() needs of an HTTP request and response (restify's fit). */
export interface ActivityRequest {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}
export interface ActivityResponse {
  status(code: number): unknown;
  send(body?: unknown): unknown;
  end(): unknown;
}

/** One line, short: an error's first line, never its stack. */
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);

/** botbuilder's AuthenticationError carries a statusCode; jsonwebtoken's errors have these names. */
function isAuthError(e: unknown): boolean {
  const err = e as { statusCode?: unknown; name?: unknown };
  return err?.statusCode === 401 || ['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'].includes(String(err?.name));
}

export class TeamsAdapter extends CloudAdapter {
  constructor(
    auth: ConfigurationBotFrameworkAuthentication,
    private readonly screen: TokenScreen | undefined,
    private readonly log: Log,
  ) {
    super(auth);
  }

  /** POST /api/messages: checks the request, then lets botbuilder authenticate and run the turn. */
  async handle(req: ActivityRequest, res: ActivityResponse, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const reply = (status: number, body?: unknown) => {
      res.status(status);
      if (body !== undefined) res.send(body);
      res.end();
    };
    const refuse = (status: number, reason: string, channelId?: string) => {
      this.log({ event: 'request.refused', status, reason, ...(channelId ? { channelId: channelId.slice(0, 40) } : {}) });
      reply(status, { error: status === 400 ? 'Bad request' : status === 401 ? 'Unauthorized' : 'Unavailable' });
    };
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'body is not an activity');
    const activity = body as Record<string, unknown>;
    if (typeof activity.type !== 'string' || !activity.type) return refuse(400, 'activity without type');
    if (typeof activity.channelId !== 'string' || !activity.channelId) return refuse(400, 'activity without channelId');
    const header = req.headers.authorization ?? req.headers.Authorization;
    const authorization = typeof header === 'string' ? header : '';
    if (this.screen) {
      const verdict = await this.screen.check(authorization, { channelId: activity.channelId, serviceUrl: activity.serviceUrl });
      if (!verdict.ok) return refuse(verdict.status, verdict.reason, activity.channelId);
    }
    // As botbuilder's process() does: timestamps arrive as strings.
    for (const key of ['timestamp', 'expiration', 'localTimestamp'] as const) {
      if (typeof activity[key] === 'string') {
        activity[`raw${key[0].toUpperCase()}${key.slice(1)}`] = activity[key];
        activity[key] = new Date(activity[key] as string);
      }
    }
    try {
      const invokeResponse = await this.processActivity(authorization, activity as unknown as Activity, logic);
      reply(invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (e) {
      if (isAuthError(e)) return refuse(401, firstLine(e), activity.channelId);
      this.log({ event: 'request.failed', status: 500, error: firstLine(e), type: activity.type.slice(0, 40) });
      reply(500, { error: 'Internal error' });
    }
  }
}

/** botbuilder's credentials factory: makes the tokens of the bot's outgoing calls. */
export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

/**
 * TEST ONLY: a stand-in for the Bot Framework cloud (its OpenID metadata and signing keys, its
 * token endpoint), so tests run with real botbuilder JWT validation against a loopback key
 * server. No setting enables it: only code can pass it (startBot's options), every URL must be
 * loopback, and the adapter logs `auth.testCloud` when it is used.
 */
export interface TestOnlyBotFrameworkCloud {
  /** OpenID metadata of the channel's signing keys (loopback). */
  openIdMetadataUrl: string;
  /** The `iss` of channel tokens. */
  tokenIssuer: string;
  /** Where the bot would get its own tokens (loopback; the credentials factory answers instead). */
  loginUrl: string;
  /** Audience of the bot's own tokens. */
  oAuthScope: string;
  /** The user token service (loopback; unused by this bot). */
  oAuthUrl: string;
  /** Makes the bot's outgoing tokens without a call to Microsoft Entra. */
  credentialsFactory: CredentialsFactory;
}

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

function checkTestCloud(config: Config, cloud: TestOnlyBotFrameworkCloud): void {
  for (const [name, url] of Object.entries({ openIdMetadataUrl: cloud.openIdMetadataUrl, loginUrl: cloud.loginUrl, oAuthUrl: cloud.oAuthUrl })) {
    if (!LOOPBACK.test(url)) throw new Error(`test Bot Framework cloud: ${name} must be a loopback URL, got "${url}"`);
  }
  if (config.offline) throw new Error('test Bot Framework cloud: needs MicrosoftAppId (authentication is off in the offline demo)');
}

export function createAdapter(config: Config, log: Log, testCloud?: TestOnlyBotFrameworkCloud): TeamsAdapter {
  const credentials = {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.appTenantId,
  };
  let auth: ConfigurationBotFrameworkAuthentication;
  if (testCloud) {
    checkTestCloud(config, testCloud);
    log({ event: 'auth.testCloud', openIdMetadataUrl: testCloud.openIdMetadataUrl });
    auth = new ConfigurationBotFrameworkAuthentication(
      {
        ...credentials,
        // botbuilder takes these as a set: with any of them given, all must be.
        ToBotFromChannelOpenIdMetadataUrl: testCloud.openIdMetadataUrl,
        ToBotFromChannelTokenIssuer: testCloud.tokenIssuer,
        ToBotFromEmulatorOpenIdMetadataUrl: testCloud.openIdMetadataUrl,
        ToChannelFromBotLoginUrl: testCloud.loginUrl,
        ToChannelFromBotOAuthScope: testCloud.oAuthScope,
        OAuthUrl: testCloud.oAuthUrl,
        CallerId: 'urn:botframework:azure',
        ValidateAuthority: false,
      },
      testCloud.credentialsFactory,
    );
  } else {
    auth = new ConfigurationBotFrameworkAuthentication(credentials);
  }
  // Offline (no app id) botbuilder authenticates nothing, and there is no token to screen.
  const channel = testCloud ? { openIdMetadataUrl: testCloud.openIdMetadataUrl, tokenIssuer: testCloud.tokenIssuer } : BOT_FRAMEWORK_CHANNEL;
  const screen = config.bot.appId ? new TokenScreen({ appId: config.bot.appId, issuer: channel.tokenIssuer, openIdMetadataUrl: channel.openIdMetadataUrl }) : undefined;
  const adapter = new TeamsAdapter(auth, screen, log);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log({ event: 'turn.error', error: error.message, activityId: context.activity.id });
    // Proactive sends run as a "ContinueConversation" event: their caller handles the error;
    // apologising to the user for a message they never saw would only confuse them.
    if (context.activity.type === 'event') throw error;
    await context.sendActivity('Sorry, something went wrong on my side. Please try again.').catch(() => undefined);
  };
  return adapter;
}
