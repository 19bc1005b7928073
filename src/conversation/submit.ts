// Card submits arrive as arbitrary JSON (stale cards, edited payloads, other people's cards):
// validate them here, once, and hand the bot a typed action or a message saying what is wrong.
// Messages quote at most 40 characters of what arrived (cards strip control characters), in the
// employee's language (`m`).
import type { Submit } from '../cards/actions';
import { head } from './text';
import { english, type Messages } from '../i18n';

export type { Submit };

const ACTIONS = new Set(['start', 'persona', 'answer', 'requestTap', 'contactHelpDesk', 'fixed', 'startOver', 'ticketFixed', 'ticketReopen']);

export function parseSubmit(value: unknown, m: Messages = english()): { submit: Submit } | { error: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: m.t('errors.submit.unreadable') };
  const v = value as Record<string, unknown>;
  const action = v.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    return { error: typeof action === 'string' ? m.t('errors.submit.unknownButton', { action: head(action, 40) }) : m.t('errors.submit.unknownButtonNoName') };
  }
  const session = typeof v.session === 'string' ? v.session : undefined;
  if (action === 'persona') {
    if (typeof v.persona !== 'string' || v.persona.length === 0) return { error: m.t('errors.submit.noPersona') };
    return { submit: { action, persona: v.persona, session } };
  }
  if (action === 'answer') {
    if (typeof v.question !== 'string' || typeof v.value !== 'string') return { error: m.t('errors.submit.noAnswer') };
    return { submit: { action, question: v.question, value: v.value, session } };
  }
  if (action === 'ticketFixed' || action === 'ticketReopen') {
    if (typeof v.ticketId !== 'string' || !/^PK-[A-Z0-9]{4}$/.test(v.ticketId)) return { error: m.t('errors.submit.noTicket') };
    return { submit: { action, ticketId: v.ticketId, session } };
  }
  return { submit: { action, session } as Submit };
}
