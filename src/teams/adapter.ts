// The botbuilder edge's adapter: Bot Framework authentication and the CloudAdapter, from our typed
// config. POST /api/messages goes through TeamsAdapter.handle: the checks both edges share
// (edge-http.ts: 400 for a body that is not an activity, 401 for a bad or missing token through
// the TokenScreen), then botbuilder's own validation (a failure there is a 401 too) and the turn.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import type { Config } from '../config';
import type { ActivityRequest, ActivityResponse } from './edge';
import { handleActivityRequest } from './edge-http';
import { checkTestCloud, tokenScreenFor, type TestOnlyBotFrameworkCloud } from './test-cloud';
import type { TokenScreen } from './token-screen';

export type { ActivityRequest, ActivityResponse } from './edge';
export { BOT_FRAMEWORK_CHANNEL, type TestOnlyBotFrameworkCloud } from './test-cloud';

type Log = (event: Record<string, unknown>) => void;

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
    await handleActivityRequest(req, res, {
      screen: this.screen,
      log: this.log,
      isAuthError,
      run: async (activity, authorization) => {
        // As botbuilder's process() does: timestamps arrive as strings.
        for (const key of ['timestamp', 'expiration', 'localTimestamp'] as const) {
          if (typeof activity[key] === 'string') {
            activity[`raw${key[0].toUpperCase()}${key.slice(1)}`] = activity[key];
            activity[key] = new Date(activity[key] as string);
          }
        }
        const invokeResponse = await this.processActivity(authorization, activity as unknown as Activity, logic);
        return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
      },
    });
  }
}

/** botbuilder's credentials factory: makes the tokens of the bot's outgoing calls. */
export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

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
      testCloud.credentialsFactory as unknown as CredentialsFactory,
    );
  } else {
    auth = new ConfigurationBotFrameworkAuthentication(credentials);
  }
  // Offline (no app id) botbuilder authenticates nothing, and there is no token to screen.
  const adapter = new TeamsAdapter(auth, tokenScreenFor(config, testCloud), log);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log({ event: 'turn.error', error: error.message, activityId: context.activity.id });
    // Proactive sends run as a "ContinueConversation" event: their caller handles the error;
    // apologising to the user for a message they never saw would only confuse them.
    if (context.activity.type === 'event') throw error;
    await context.sendActivity('Sorry, something went wrong on my side. Please try again.').catch(() => undefined);
  };
  return adapter;
}
