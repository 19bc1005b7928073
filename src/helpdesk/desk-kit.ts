// Small things every part of the help desk shares: the bot as an actor, the ticket-id shape,
// the retry policy of its stored jobs, and the short reason a failure is given on a card, in a
// thread line or in an audit detail (never a secret: Graph's status and code, or a cut message).
import { GraphReadError } from '../graph';
import type { HandlerOptions } from '../scheduler/scheduler';
import { cut, type AuditResult } from './audit-trail';
import type { ActionOutcome } from './ports';
import type { Person, Ticket, TicketCheck } from '../tickets/ticket';
import { checkRequester, contextOf, type CheckDeps } from './requester-check';

export type Log = (event: Record<string, unknown>) => void;

/** Records one audit line of the action under way (who, what, which ticket are fixed). */
export type Audit = (outcome: ActionOutcome['outcome'], detail?: string) => Promise<AuditResult>;

export const BOT: Person = { aadObjectId: 'bot', name: 'passkey-support-bot' };
export const BOT_ACTOR = { aadObjectId: BOT.aadObjectId, name: BOT.name };

/** Ticket ids as newTicketId makes them; anything else is refused before any lookup. */
export const TICKET_ID = /^PK-[0-9A-Z]{4}$/;

/** Security controls and the ticket's way to the help desk: retried until they succeed. */
export const UNTIL_DONE: HandlerOptions = { idempotent: true, retryUntilDone: true };

/** The Correlation ID (or Request ID) the user pasted from the error page. */
export function correlationOf(ticket: Pick<Ticket, 'errorIds'>): string | undefined {
  return ticket.errorIds.correlationId || ticket.errorIds.requestId || undefined;
}

/** A short, safe reason for a card, a thread line or an audit detail ("Graph: 500 InternalServerError"). */
export function reasonOf(e: unknown): string {
  if (e instanceof GraphReadError) {
    if (e.kind === 'timeout') return 'Graph: no answer in time';
    if (e.status !== null) return `Graph: ${e.status}${e.code ? ` ${e.code}` : ''}`;
    return cut(`Graph: ${e.message}`, 200);
  }
  const status = (e as { statusCode?: unknown })?.statusCode;
  const message = (e as Error)?.message ?? String(e);
  return cut(typeof status === 'number' ? `${status}: ${message}` : message, 200);
}

/** The requester read from Graph now (cached facts forgotten): the check an action is decided on. */
export async function checkNow(checks: CheckDeps, log: Log, ticket: Ticket, at: Date): Promise<{ check: TicketCheck } | { error: string }> {
  const { context, assumed } = contextOf(ticket, at);
  try {
    return { check: (await checkRequester(checks, ticket.requester.aadObjectId, context, { fresh: true, assumed })).check };
  } catch (e) {
    log({ event: 'ticket.check.failed', ticket: ticket.id, error: reasonOf(e) });
    return { error: reasonOf(e) };
  }
}
