// The Microsoft 365 Agents SDK edge (BOT_SDK=agents): the SDK's CloudAdapter behind the shared
// request checks and its JWT authorization, its ActivityHandler around the SDK-free core, its messenger.
import type { Config } from '../config';
import { createAgentsAdapter } from './agents-adapter';
import { AgentsSupportBot } from './agents-bot';
import { AgentsMessenger } from './agents-messenger';
import { tracedActivityHandler } from '../telemetry';
import type { Edge } from './edge';
import type { TestOnlyBotFrameworkCloud } from './test-cloud';

export function createAgentsEdge(config: Config, log: (event: Record<string, unknown>) => void, testCloud?: TestOnlyBotFrameworkCloud): Edge {
  const adapter = createAgentsAdapter(config, log, testCloud);
  return {
    sdk: 'agents',
    messenger: new AgentsMessenger(adapter, config.bot.appId),
    endpoint: (options) => {
      const bot = new AgentsSupportBot(options);
      // One span per incoming activity when Application Insights is on (src/telemetry).
      return { handle: tracedActivityHandler('agents', (req, res) => adapter.handle(req, res, (context) => bot.run(context))) };
    },
  };
}
