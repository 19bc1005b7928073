// The botbuilder edge's activity handler: botbuilder's routing (message, members added, other
// invokes; Universal Actions are answered, typed, by universal-actions.ts), around the SDK-free
// SupportCore (edge.ts), which decides what is served and what each turn does. The Agents SDK
// edge has its twin in agents-bot.ts.
import { ActivityTypes, type Activity, type InvokeResponse, TeamsActivityHandler, TeamsInfo, TurnContext } from 'botbuilder';
import { SupportCore, type EdgeTurn, type SupportBotOptions } from './edge';
import type { ConversationRef } from '../delivery/references';
import { ADAPTIVE_CARD_ACTION, answerUniversalAction } from './universal-actions';

export { TICKET_ID, type SupportBotOptions } from './edge';

const TURN = Symbol('supportTurn');

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

  /**
   * Universal Actions (Action.Execute) on ticket cards: everyone sees the current state. Answered
   * here, typed (universal-actions.ts), rather than through onAdaptiveCardInvoke, whose response
   * type has no room for the message string; every other invoke goes the SDK's way.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== ADAPTIVE_CARD_ACTION) return super.onInvokeActivity(context);
    return answerUniversalAction(this.core, this.turnOf(context), context.activity.value);
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
