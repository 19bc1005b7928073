// POST /api/messages, the part both edges share: a body that is not an activity gets 400, a bad or
// missing token 401 (the TokenScreen, then the edge's SDK's own validation), each with one JSON
// log line and nothing on stderr; a turn that throws gets 500 with one line. The SDKs' own
// process() would answer these with 500s (botbuilder) or restify-incompatible responses (the
// Agents SDK's authorizeJWT) and print stacks.
import type { ActivityRequest, ActivityResponse } from './edge';
import type { TokenScreen } from './token-screen';

type Log = (event: Record<string, unknown>) => void;

/** One line, short: an error's first line, never its stack. */
export const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);

/** What an edge's SDK answered for a turn (the invoke response, when there is one). */
export interface TurnAnswer {
  status: number;
  body?: unknown;
}

/** A refusal by the edge's SDK (its token check) or by the edge itself: status and reason, logged as such. */
export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 405 | 503,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface ActivityRequestOptions {
  /** The token screen; absent offline (no app id: nothing to authenticate). */
  screen?: TokenScreen;
  log: Log;
  /** Whether an error thrown by `run` is an authentication failure (401). */
  isAuthError?: (e: unknown) => boolean;
  /** Authenticates with the SDK and runs the turn; `activity` has passed the checks above. */
  run(activity: Record<string, unknown>, authorization: string): Promise<TurnAnswer>;
}

export async function handleActivityRequest(req: ActivityRequest, res: ActivityResponse, o: ActivityRequestOptions): Promise<void> {
  const reply = (status: number, body?: unknown) => {
    res.status(status);
    if (body !== undefined) res.send(body);
    res.end();
  };
  const refuse = (status: number, reason: string, channelId?: string) => {
    o.log({ event: 'request.refused', status, reason: reason.slice(0, 300), ...(channelId ? { channelId: channelId.slice(0, 40) } : {}) });
    reply(status, { error: status === 400 ? 'Bad request' : status === 401 ? 'Unauthorized' : status === 503 ? 'Unavailable' : 'Refused' });
  };
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(400, 'body is not an activity');
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || !activity.type) return refuse(400, 'activity without type');
  if (typeof activity.channelId !== 'string' || !activity.channelId) return refuse(400, 'activity without channelId');
  const header = req.headers.authorization ?? req.headers.Authorization;
  const authorization = typeof header === 'string' ? header : '';
  if (o.screen) {
    const verdict = await o.screen.check(authorization, { channelId: activity.channelId, serviceUrl: activity.serviceUrl });
    if (!verdict.ok) return refuse(verdict.status, verdict.reason, activity.channelId);
  }
  try {
    const answer = await o.run(activity, authorization);
    reply(answer.status, answer.body);
  } catch (e) {
    if (e instanceof RequestRefused) return refuse(e.status, e.reason, activity.channelId);
    if (o.isAuthError?.(e)) return refuse(401, firstLine(e), activity.channelId);
    o.log({ event: 'request.failed', status: 500, error: firstLine(e), type: activity.type.slice(0, 40) });
    reply(500, { error: 'Internal error' });
  }
}
