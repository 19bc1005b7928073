// The Bot Framework's token side as both edges see it, and its TEST ONLY stand-in. SDK-free.
import type { Config } from '../config';
import { TokenScreen } from './token-screen';

/** The Bot Framework public cloud's channel tokens (botframework-connector's AuthenticationConstants). */
export const BOT_FRAMEWORK_CHANNEL = {
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  tokenIssuer: 'https://api.botframework.com',
};

/** botbuilder's ServiceClientCredentialsFactory, structurally (adapter.ts hands it to botbuilder). */
export interface CredentialsFactory {
  isValidAppId(appId: string): Promise<boolean>;
  isAuthenticationDisabled(): Promise<boolean>;
  createCredentials(appId: string, audience: string | undefined, loginEndpoint: string, validateAuthority: boolean): Promise<{ signRequest(webResource: unknown): Promise<unknown> }>;
}

/**
 * TEST ONLY: a stand-in for the Bot Framework cloud (its OpenID metadata and signing keys, its
 * token endpoint), so tests run with the SDKs' real JWT validation against a loopback key
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
  /** botbuilder edge: makes the bot's outgoing tokens without a call to Microsoft Entra. */
  credentialsFactory: CredentialsFactory;
  /**
   * Agents edge: the Microsoft Entra authority stand-in (loopback). The Agents SDK fetches the
   * keys of tokens whose issuer is not api.botframework.com from `<authority>/discovery/v2.0/keys`.
   */
  authority: string;
  /** Agents edge: the bot's own token for its calls to `serviceUrl` (instead of MSAL). */
  botToken(audience: string, serviceUrl: string): Promise<string>;
}

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Throws unless every endpoint of the test cloud is loopback and the bot has an app id. */
export function checkTestCloud(config: Config, cloud: TestOnlyBotFrameworkCloud): void {
  for (const [name, url] of Object.entries({ openIdMetadataUrl: cloud.openIdMetadataUrl, loginUrl: cloud.loginUrl, oAuthUrl: cloud.oAuthUrl, authority: cloud.authority })) {
    if (!LOOPBACK.test(url)) throw new Error(`test Bot Framework cloud: ${name} must be a loopback URL, got "${url}"`);
  }
  if (config.offline) throw new Error('test Bot Framework cloud: needs MicrosoftAppId (authentication is off in the offline demo)');
}

/** The token screen of this bot (both edges), or none offline (no app id: nothing to authenticate). */
export function tokenScreenFor(config: Config, testCloud?: TestOnlyBotFrameworkCloud): TokenScreen | undefined {
  if (!config.bot.appId) return undefined;
  const channel = testCloud ? { openIdMetadataUrl: testCloud.openIdMetadataUrl, tokenIssuer: testCloud.tokenIssuer } : BOT_FRAMEWORK_CHANNEL;
  return new TokenScreen({ appId: config.bot.appId, issuer: channel.tokenIssuer, openIdMetadataUrl: channel.openIdMetadataUrl });
}
