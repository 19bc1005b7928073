// The botbuilder edge's activity handler: botbuilder's routing (message, members added, Universal
// Actions) and its invoke response typing, around the SDK-free SupportCore (edge.ts), which
// decides what is served and what each turn does. The Agents SDK edge has its twin in agents-bot.ts.
import {
  ActivityTypes,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import { SupportCore, type CardActionAnswer, type EdgeTurn, type SupportBotOptions } from './edge';
import type { ConversationRef } from './references';

export { TICKET_ID, type SupportBotOptions } from './edge';

const TURN = Symbol('supportTurn');

/** botbuilder's AdaptiveCardInvokeResponse of a core answer. */
export function botbuilderInvokeResponse(answer: CardActionAnswer): AdaptiveCardInvokeResponse {
  if (answer.kind === 'card') return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer.card as never };
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.text as never };
}

export class SupportBot extends TeamsActivityHandler {
  readonly core: SupportCore;

  constructor(options: SupportBotOptions) {
    super();
    this.core = new SupportCore(options);
    this.onMessage(async (context, next) => {
      await this.core.message(this.turnOf(context));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      await this.core.membersAdded(this.turnOf(context));
      await next();
    });
  }

  /** Universal Actions (Action.Execute) on ticket cards: everyone sees the current state. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const answer = await this.core.cardAction(this.turnOf(context), invokeValue.action?.verb ?? '', (invokeValue.action?.data ?? {}) as Record<string, unknown>);
    return botbuilderInvokeResponse(answer);
  }

  override async run(context: TurnContext): Promise<void> {
    await this.core.run(this.turnOf(context), () => super.run(context));
  }

  /** The core's view of this turn (one per turn, kept in the turn state). */
  private turnOf(context: TurnContext): EdgeTurn {
    const kept = context.turnState.get(TURN) as EdgeTurn | undefined;
    if (kept) return kept;
    const turn: EdgeTurn = {
      activity: context.activity,
      reference: () => TurnContext.getConversationReference(context.activity) as ConversationRef,
      send: async (activity) => {
        await context.sendActivity(activity as Partial<Activity>);
      },
      invokeResponse: async (status, body) => {
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
      },
      rosterUpn: () =>
        TeamsInfo.getMember(context, context.activity.from.id)
          .then((m) => m.userPrincipalName)
          .catch(() => undefined),
    };
    context.turnState.set(TURN, turn);
    return turn;
  }
}
