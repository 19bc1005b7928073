// The Agents SDK edge's messenger: sends to a stored conversation reference through
// CloudAdapter.continueConversation. What differs from botbuilder:
//  - references are kept as the edge that saw them built them: botbuilder names the bot `bot`,
//    the SDK expects `agent` (without it the continuation has no recipient and every send
//    throws). agentsReference converts on read, so references survive a switch either way; it
//    also drops empty strings (botbuilder keeps conversation.name ''), which the SDK's zod schema refuses;
//  - continueConversation refuses an empty app id, and the offline demo has none: there the
//    SDK's anonymous identity (no `aud`: no token on outgoing calls) is passed instead;
//  - the SDK's HTTP client does not retry, and has no per-request timeout: a paced attempt is
//    bounded here (the request itself may still complete; the ProactiveSender counts it as
//    ambiguous, like a reset connection);
//  - its HttpError has `status` and `response.headers` (read by the ProactiveSender), but not the
//    Bot Framework error code of the body, nor the socket's code of a network failure: both are
//    copied to `code`;
//  - an error inside the continuation would go to onTurnError (which messages the user): the
//    messenger catches its own errors inside the callback.
import { Activity } from '@microsoft/agents-activity';
import type { CloudAdapter, TurnContext } from '@microsoft/agents-hosting';
import type { EdgeMessenger, OutgoingActivity } from './edge';
import { botAccountOf, type ConversationRef } from '../delivery/references';

type AgentsReference = Parameters<CloudAdapter['continueConversation']>[1];
type AgentsIdentity = Parameters<CloudAdapter['continueConversation']>[0];

/** Drops undefined, null and '' values (one level deep: accounts and the conversation are flat). */
function clean<T extends object>(o: T | undefined): T | undefined {
  if (!o) return undefined;
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

/** A stored reference as the Agents SDK takes it: the bot is `agent` (botbuilder stores `bot`). */
export function agentsReference(ref: ConversationRef): AgentsReference {
  const agent = botAccountOf(ref);
  return clean({
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    locale: ref.locale,
    user: clean(ref.user),
    agent: clean(agent),
    conversation: clean(ref.conversation),
  }) as AgentsReference;
}

/** Adds `code` to the SDK's errors: the Bot Framework error code of an HTTP error, or the socket's. */
function withCode(error: unknown): unknown {
  if (!error || typeof error !== 'object') return error;
  const e = error as { code?: unknown; cause?: { code?: unknown }; response?: { data?: { error?: { code?: unknown } } } };
  if (typeof e.code !== 'string') {
    const code = e.response?.data?.error?.code ?? e.cause?.code;
    if (typeof code === 'string') Object.defineProperty(error, 'code', { value: code, configurable: true, enumerable: false, writable: true });
  }
  return error;
}

class AttemptTimeout extends Error {
  override readonly name = 'AbortError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export class AgentsMessenger implements EdgeMessenger {
  constructor(
    private readonly adapter: Pick<CloudAdapter, 'continueConversation'>,
    /** The bot's Microsoft App ID ('' offline). */
    private readonly appId: string,
  ) {}

  async send(ref: ConversationRef, activity: OutgoingActivity, options: { attemptTimeoutMs?: number } = {}): Promise<string | undefined> {
    let id: string | undefined;
    await this.run(ref, options.attemptTimeoutMs, async (context) => {
      id = (await context.sendActivity(Activity.fromObject(activity)))?.id;
    });
    return id;
  }

  async update(ref: ConversationRef, activityId: string, activity: OutgoingActivity): Promise<void> {
    await this.run(ref, undefined, async (context) => {
      await context.updateActivity(Activity.fromObject({ ...activity, id: activityId }));
    });
  }

  private async run(ref: ConversationRef, attemptTimeoutMs: number | undefined, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // Offline there is no app id: an identity without `aud` is the SDK's anonymous one.
    const identity: AgentsIdentity = this.appId || {};
    let error: unknown;
    let reached = false;
    const turn = this.adapter
      .continueConversation(identity, agentsReference(ref), async (context) => {
        reached = true;
        try {
          await logic(context);
        } catch (err) {
          error = err; // not to onTurnError, which would message the user
        }
      })
      .catch((err: unknown) => {
        error ??= err;
      });
    let timer: NodeJS.Timeout | undefined;
    try {
      if (attemptTimeoutMs && attemptTimeoutMs > 0) {
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), attemptTimeoutMs);
        });
        if ((await Promise.race([turn, timeout])) === 'timeout') throw new AttemptTimeout(attemptTimeoutMs);
      } else {
        await turn;
      }
    } finally {
      clearTimeout(timer);
    }
    if (error) throw withCode(error);
    if (!reached) throw new Error('the proactive turn did not run');
  }
}
