// Universal Actions (Action.Execute, invoke name "adaptiveCard/action"), typed as Teams reads
// them: the answer is the card that replaces the one clicked, or a message string. Both SDKs type
// the response's value as an object only, so both edges answer the invoke from here, with the
// same checks of the invoke value the SDKs make (a missing value, an action other than
// Action.Execute: 400 with an error body). SDK-free.
import type { AdaptiveCard } from '../cards';
import type { CardActionAnswer, SupportCore } from './edge';

export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

export type UniversalActionResponse =
  | { statusCode: 200; type: 'application/vnd.microsoft.card.adaptive'; value: AdaptiveCard }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string }
  | { statusCode: 400; type: 'application/vnd.microsoft.error'; value: { code: 'BadRequest' | 'NotSupported'; message: string } };

/** The invoke response (status and body) of an adaptiveCard/action invoke. */
export interface UniversalActionInvokeResponse {
  status: number;
  body: UniversalActionResponse;
}

/** The Universal Actions response of a core answer. */
export function universalActionResponse(answer: CardActionAnswer): UniversalActionResponse {
  if (answer.kind === 'card') return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer.card };
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.text };
}

const refused = (code: 'BadRequest' | 'NotSupported', message: string): UniversalActionInvokeResponse => ({
  status: 400,
  body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code, message } },
});

/** Answers an adaptiveCard/action invoke: the value checked as the SDKs check it, then the core's card action. */
export async function answerUniversalAction(core: SupportCore, turn: Parameters<SupportCore['cardAction']>[0], value: unknown): Promise<UniversalActionInvokeResponse> {
  if (!value || typeof value !== 'object') return refused('BadRequest', 'Missing value property');
  const action = (value as { action?: { type?: unknown; verb?: unknown; data?: unknown } }).action;
  if (action?.type !== 'Action.Execute') return refused('NotSupported', `The action '${String(action?.type)}' is not supported.`);
  const verb = typeof action.verb === 'string' ? action.verb : '';
  const data = action.data && typeof action.data === 'object' ? (action.data as Record<string, unknown>) : {};
  const body = universalActionResponse(await core.cardAction(turn, verb, data));
  return { status: body.statusCode, body };
}
