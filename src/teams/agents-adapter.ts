// The Microsoft 365 Agents SDK edge's adapter (BOT_SDK=agents). Two things the SDK does not do
// for us, found in a trial port:
//  - CloudAdapter.process does not check the token: it trusts `request.user`, which only the
//    SDK's authorizeJWT middleware sets. Without it an unauthenticated request is processed
//    (answered 200, replies sent). Here every request with an app id goes through the shared
//    checks (edge-http.ts: the TokenScreen) and then authorizeJWT (adapter.authorizeRequest),
//    before process() ever sees it.
//  - authorizeJWT refuses with res.status(401).send(...). restify's res.status() sets the code and
//    returns it (a number), so .send() throws and restify answers 500. The SDK gets a recording
//    response instead (for authorizeJWT and process alike), and restify's response is written
//    by the shared code: 401 with one log line, like the botbuilder edge.
// Offline (no app id) there is nothing to authenticate, as on the botbuilder edge: the bot is on
// loopback and the SDK's anonymous identity is used.
import { AuthType, CloudAdapter, type AuthConfiguration, type AuthProvider, type Connections, type TurnContext, type WebResponse } from '@microsoft/agents-hosting';
import type { Config } from '../config';
import type { ActivityRequest, ActivityResponse } from './edge';
import { handleActivityRequest, RequestRefused } from './edge-http';
import { checkTestCloud, tokenScreenFor, type TestOnlyBotFrameworkCloud } from './test-cloud';
import type { TokenScreen } from './token-screen';

type Log = (event: Record<string, unknown>) => void;

/** A WebResponse that only records what the SDK answers (status, body), for restify to send. */
export class RecordedResponse implements WebResponse {
  statusCode = 200;
  body?: unknown;
  headersSent = false;
  writableEnded = false;
  readonly headers: Record<string, string> = {};

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  send(body?: unknown): this {
    this.body = body;
    this.headersSent = true;
    return this;
  }
  end(): this {
    this.headersSent = true;
    this.writableEnded = true;
    return this;
  }
}

/** The SDK's refusal text ({ 'jwt-auth-error': '...' }), short. */
const refusalText = (body: unknown) => String((body as Record<string, unknown> | undefined)?.['jwt-auth-error'] ?? 'refused').split('\n')[0].slice(0, 200);

export class AgentsTeamsAdapter extends CloudAdapter {
  constructor(
    authConfig: AuthConfiguration,
    private readonly screen: TokenScreen | undefined,
    private readonly log: Log,
    /** Run the SDK's authorizeJWT (every bot with an app id). */
    private readonly authenticate: boolean,
  ) {
    super(authConfig);
  }

  /** POST /api/messages: the shared checks, the SDK's JWT authorization, then the turn. */
  async handle(req: ActivityRequest, res: ActivityResponse, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await handleActivityRequest(req, res, {
      screen: this.screen,
      log: this.log,
      run: async (activity, authorization) => {
        const request = { body: activity, headers: { authorization }, method: 'POST' } as Parameters<CloudAdapter['process']>[0];
        if (this.authenticate) {
          const refused = new RecordedResponse();
          let authorized = false;
          await this.authorizeRequest(request, refused, () => {
            authorized = true;
          });
          if (!authorized) throw new RequestRefused(refused.statusCode === 405 ? 405 : 401, `the Agents SDK refused the token: ${refusalText(refused.body)}`);
          if (!request.user) throw new RequestRefused(401, 'the Agents SDK authorized no identity');
        }
        const answer = new RecordedResponse();
        try {
          await this.process(request, answer, logic);
        } catch (e) {
          // process() parses the activity (zod) before the turn: a body it cannot parse is a 400.
          // Errors inside the turn go to onTurnError instead.
          if ((e as Error)?.name === 'ZodError') throw new RequestRefused(400, 'activity does not parse');
          throw e;
        }
        // process() answers a bare 400 (no body) for an activity without conversation.id (or a
        // serviceUrl it refuses); a 400 with a body is the turn's own invoke answer, passed on.
        if (answer.statusCode === 400 && (answer.body === undefined || answer.body === null || answer.body === '')) throw new RequestRefused(400, 'the Agents SDK refused the activity (conversation or serviceUrl)');
        return { status: answer.statusCode, body: answer.body };
      },
    });
  }
}

/** The bot's own tokens from the test cloud instead of MSAL (TEST ONLY, see TestOnlyBotFrameworkCloud). */
function testConnections(cloud: TestOnlyBotFrameworkCloud, authConfig: AuthConfiguration): Connections {
  const provider = (serviceUrl: string) =>
    ({
      getAccessToken: (configOrScope: AuthConfiguration | string, scope?: string) => cloud.botToken(typeof configOrScope === 'string' ? configOrScope : (scope ?? ''), serviceUrl),
    }) as unknown as AuthProvider;
  return {
    getConnection: () => provider(''),
    getDefaultConnection: () => provider(''),
    getTokenProvider: (_identity, serviceUrl) => provider(serviceUrl),
    getTokenProviderFromActivity: (_identity, activity) => provider(activity.serviceUrl ?? ''),
    getDefaultConnectionConfiguration: () => authConfig,
  };
}

/** The SDK's connection settings from our config (the SDK would otherwise read its own env names). */
export function agentsAuthConfig(config: Config, testCloud?: TestOnlyBotFrameworkCloud): AuthConfiguration {
  if (config.offline) return {};
  const { appId, appPassword, appType, appTenantId } = config.bot;
  return {
    clientId: appId,
    // MultiTenant: no tenant (the SDK's default authority, botframework.com).
    ...(appType !== 'MultiTenant' && appTenantId ? { tenantId: appTenantId } : {}),
    ...(appType === 'UserAssignedMSI' ? { authType: AuthType.UserManagedIdentity } : { clientSecret: appPassword }),
    // Off by default in the SDK: only Bot Framework (and Microsoft first-party) issuers are taken.
    validateIssuer: true,
    ...(testCloud ? { authority: testCloud.authority, issuers: [testCloud.tokenIssuer] } : {}),
  };
}

export function createAgentsAdapter(config: Config, log: Log, testCloud?: TestOnlyBotFrameworkCloud): AgentsTeamsAdapter {
  if (testCloud) {
    checkTestCloud(config, testCloud);
    log({ event: 'auth.testCloud', openIdMetadataUrl: testCloud.openIdMetadataUrl, authority: testCloud.authority });
  }
  const authConfig = agentsAuthConfig(config, testCloud);
  const adapter = new AgentsTeamsAdapter(authConfig, tokenScreenFor(config, testCloud), log, !config.offline);
  if (testCloud) adapter.connectionManager = testConnections(testCloud, authConfig);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log({ event: 'turn.error', error: error.message, activityId: context.activity.id });
    // Proactive sends run as a "ContinueConversation" event: their caller handles the error;
    // apologising to the user for a message they never saw would only confuse them.
    if (context.activity.type === 'event') throw error;
    await context.sendActivity('Sorry, something went wrong on my side. Please try again.').catch(() => undefined);
  };
  return adapter;
}
