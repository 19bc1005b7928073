// Card submits arrive as arbitrary JSON (stale cards, edited payloads, other people's cards):
// validate them here, once, and hand the bot a typed action or a message saying what is wrong.
// Messages quote at most 40 characters of what arrived (cards strip control characters).
import type { Submit } from '../cards/actions';
import { head } from './text';

export type { Submit };

const ACTIONS = new Set(['start', 'persona', 'answer', 'requestTap', 'contactHelpDesk', 'fixed', 'startOver', 'ticketFixed', 'ticketReopen']);

export function parseSubmit(value: unknown): { submit: Submit } | { error: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'That card sent nothing I can read.' };
  const v = value as Record<string, unknown>;
  const action = v.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    return { error: `That card's button is not one I know${typeof action === 'string' ? ` ("${head(action, 40)}")` : ''}.` };
  }
  const session = typeof v.session === 'string' ? v.session : undefined;
  if (action === 'persona') {
    if (typeof v.persona !== 'string' || v.persona.length === 0) return { error: 'That card did not say which demo persona to use.' };
    return { submit: { action, persona: v.persona, session } };
  }
  if (action === 'answer') {
    if (typeof v.question !== 'string' || typeof v.value !== 'string') return { error: 'That answer card is missing its question or its answer.' };
    return { submit: { action, question: v.question, value: v.value, session } };
  }
  if (action === 'ticketFixed' || action === 'ticketReopen') {
    if (typeof v.ticketId !== 'string' || !/^PK-[A-Z0-9]{4}$/.test(v.ticketId)) return { error: 'That card did not say which ticket it is about.' };
    return { submit: { action, ticketId: v.ticketId, session } };
  }
  return { submit: { action, session } as Submit };
}
