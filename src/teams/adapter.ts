// Bot Framework authentication and the CloudAdapter, from our typed config.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../config';

export function createAdapter(config: Config, log: (event: Record<string, unknown>) => void): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.appTenantId,
  });
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
