// The botbuilder edge (BOT_SDK=botbuilder, the default): botbuilder's CloudAdapter behind the
// shared request checks, its TeamsActivityHandler around the SDK-free core, its messenger.
import type { Config } from '../config';
import { createAdapter } from './adapter';
import { SupportBot } from './bot';
import { BotbuilderMessenger } from './botbuilder-messenger';
import { tracedActivityHandler } from '../telemetry';
import type { Edge } from './edge';
import type { TestOnlyBotFrameworkCloud } from './test-cloud';

export function createBotbuilderEdge(config: Config, log: (event: Record<string, unknown>) => void, testCloud?: TestOnlyBotFrameworkCloud): Edge {
  const adapter = createAdapter(config, log, testCloud);
  return {
    sdk: 'botbuilder',
    messenger: new BotbuilderMessenger(adapter, config.bot.appId, { log }),
    endpoint: (options) => {
      const bot = new SupportBot(options);
      // One span per incoming activity when Application Insights is on (src/telemetry).
      return { handle: tracedActivityHandler('botbuilder', (req, res) => adapter.handle(req, res, (context) => bot.run(context))) };
    },
  };
}
