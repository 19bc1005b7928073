// Bot Framework authentication and the CloudAdapter, from our typed config.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../config';

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

export function createAdapter(config: Config, log: (event: Record<string, unknown>) => void, testCloud?: TestOnlyBotFrameworkCloud): CloudAdapter {
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
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log({ event: 'turn.error', error: error.message, activityId: context.activity.id });
    // Proactive sends run as a "ContinueConversation" event: their caller handles the error;
    // apologising to the user for a message they never saw would only confuse them.
    if (context.activity.type === 'event') throw error;
    await context.sendActivity('Sorry, something went wrong on my side. Please try again.').catch(() => undefined);
  };
  return adapter;
}
