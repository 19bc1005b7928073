// The botbuilder edge's messenger: sends to a stored conversation reference through
// continueConversationAsync. For a paced send (attemptTimeoutMs given), two things botbuilder does
// by default must not happen:
//  - its HTTP pipeline retries 429/503 (after Retry-After) and 5xx/network errors (1 s, 2 s, 4 s)
//    three times on its own, outside any pacing and invisible to the caller: the retry policy is
//    removed from the connector client of each proactive turn (the ProactiveSender retries instead);
//  - an error thrown inside continueConversationAsync's callback goes to adapter.onTurnError, which
//    in this bot SENDS an apology message into the conversation and swallows the error: the
//    messenger catches its own errors inside the callback, for every send.
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { EdgeMessenger, OutgoingActivity } from './edge';
import { botAccountOf, type ConversationRef } from '../delivery/references';

/** The part of CloudAdapter the messenger uses (a CloudAdapter fits). */
export interface ProactiveAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
  readonly ConnectorClientKey?: symbol;
}

const RETRY_POLICY = 'defaultRetryPolicy';
const TIMEOUT_POLICY = 'proactiveSenderTimeout';

/** A stored reference as botbuilder takes it: the bot is `bot` (the Agents SDK stores `agent`). */
export function botbuilderReference(ref: ConversationRef): Partial<ConversationReference> {
  const { agent: _agent, activityId: _activityId, ...rest } = ref;
  const bot = botAccountOf(ref);
  return { ...rest, ...(bot ? { bot } : {}) } as Partial<ConversationReference>;
}

export interface BotbuilderMessengerOptions {
  /** Keep botbuilder's own HTTP retries on paced sends (default false: the ProactiveSender retries). */
  sdkRetries?: boolean;
  log?: (event: Record<string, unknown>) => void;
}

export class BotbuilderMessenger implements EdgeMessenger {
  private sdkRetriesWarned = false;

  constructor(
    private readonly adapter: ProactiveAdapter,
    /** The bot's Microsoft App ID ('' offline). */
    private readonly appId: string,
    private readonly options: BotbuilderMessengerOptions = {},
  ) {}

  async send(ref: ConversationRef, activity: OutgoingActivity, options: { attemptTimeoutMs?: number } = {}): Promise<string | undefined> {
    let id: string | undefined;
    await this.run(ref, options.attemptTimeoutMs, async (context) => {
      id = (await context.sendActivity(activity as Partial<Activity>))?.id;
    });
    return id;
  }

  async update(ref: ConversationRef, activityId: string, activity: OutgoingActivity): Promise<void> {
    const reference = botbuilderReference(ref);
    await this.run(ref, undefined, async (context) => {
      await context.updateActivity({ ...(activity as Partial<Activity>), id: activityId, conversation: reference.conversation as ConversationReference['conversation'] });
    });
  }

  private async run(ref: ConversationRef, attemptTimeoutMs: number | undefined, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let error: unknown;
    let reached = false;
    try {
      await this.adapter.continueConversationAsync(this.appId, botbuilderReference(ref), async (context) => {
        reached = true;
        try {
          if (attemptTimeoutMs !== undefined) this.tuneConnector(context, attemptTimeoutMs);
          await logic(context);
        } catch (err) {
          error = err; // not to onTurnError, which would message the user
        }
      });
    } catch (err) {
      error = err;
    }
    if (error) throw error;
    if (!reached) throw new Error('the proactive turn did not run');
  }

  /** Removes botbuilder's own retries from this turn's connector client, and bounds each attempt. */
  private tuneConnector(context: TurnContext, timeout: number): void {
    const keySymbol = this.adapter.ConnectorClientKey;
    const connector = keySymbol ? context.turnState.get(keySymbol) : undefined;
    // ConnectorClient (botbuilder-stdlib's ServiceClientContext) keeps its @azure/core-client
    // ServiceClient, and so its pipeline, in a field the typings mark private.
    const pipeline = (connector as { client?: { pipeline?: PipelineLike } } | undefined)?.client?.pipeline;
    if (!pipeline || typeof pipeline.removePolicy !== 'function' || typeof pipeline.addPolicy !== 'function') {
      if (!this.sdkRetriesWarned && !this.options.sdkRetries) {
        this.sdkRetriesWarned = true;
        this.options.log?.({ event: 'proactive.sdk-retries-not-disabled', reason: 'connector pipeline not found' });
      }
      return;
    }
    if (!this.options.sdkRetries) pipeline.removePolicy({ name: RETRY_POLICY });
    if (timeout > 0) {
      pipeline.removePolicy({ name: TIMEOUT_POLICY });
      pipeline.addPolicy({
        name: TIMEOUT_POLICY,
        sendRequest: (request, next) => {
          request.timeout = timeout;
          return next(request);
        },
      });
    }
  }
}

interface PipelineRequestLike {
  timeout: number;
}
interface PipelinePolicyLike {
  name: string;
  sendRequest(request: PipelineRequestLike, next: (request: PipelineRequestLike) => Promise<unknown>): Promise<unknown>;
}
interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: PipelinePolicyLike): void;
}
