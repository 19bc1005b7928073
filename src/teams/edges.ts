// BOT_SDK picks the edge; only the chosen SDK is loaded.
import type { Config } from '../config';
import type { Edge } from './edge';
import type { TestOnlyBotFrameworkCloud } from './test-cloud';

export async function createEdge(config: Config, log: (event: Record<string, unknown>) => void, testCloud?: TestOnlyBotFrameworkCloud): Promise<Edge> {
  if (config.botSdk === 'agents') return (await import('./agents-edge')).createAgentsEdge(config, log, testCloud);
  return (await import('./botbuilder-edge')).createBotbuilderEdge(config, log, testCloud);
}
