// The Agents SDK edge's activity handler: the SDK's routing (message, members added, other
// invokes; Universal Actions are answered, typed, by universal-actions.ts), around the SDK-free
// SupportCore (edge.ts). The twin of bot.ts. No Teams extension package:
// @microsoft/agents-hosting-extensions-teams is deprecated on npm in favour of
// @microsoft/agents-hosting-extensions-msteams, which this registry does not serve; the one Teams
// call the bot needs (the roster member, for the userPrincipalName) is the connector's
// GET /v3/conversations/{id}/members/{id}, which the core package's ConnectorClient has.
import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { ActivityHandler, type ConnectorClient, type InvokeResponse, type TurnContext } from '@microsoft/agents-hosting';
import { SupportCore, type EdgeTurn, type SupportBotOptions } from './edge';
import type { ConversationRef } from '../delivery/references';
import { ADAPTIVE_CARD_ACTION, answerUniversalAction } from './universal-actions';

const TURN = Symbol('supportTurn');

/** The sender's userPrincipalName from the Teams roster (a Teams member carries it). */
async function rosterUpn(context: TurnContext): Promise<string | undefined> {
  const a = context.activity;
  const connector = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
  if (!connector || !a.from?.id || !a.conversation?.id) return undefined;
  const member = await connector.getConversationMember(encodeURIComponent(a.from.id), encodeURIComponent(a.conversation.id));
  const upn = (member as { userPrincipalName?: unknown }).userPrincipalName;
  return typeof upn === 'string' ? upn : undefined;
}

export class AgentsSupportBot extends ActivityHandler {
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
    const kept = context.turnState.get<EdgeTurn>(TURN);
    if (kept) return kept;
    const turn: EdgeTurn = {
      activity: context.activity,
      reference: () => context.activity.getConversationReference() as ConversationRef,
      send: async (activity) => {
        await context.sendActivity(Activity.fromObject(activity));
      },
      invokeResponse: async (status, body) => {
        await context.sendActivity(Activity.fromObject({ type: ActivityTypes.InvokeResponse, value: { status, body } }));
      },
      rosterUpn: () => rosterUpn(context).catch(() => undefined),
    };
    context.turnState.set(TURN, turn);
    return turn;
  }
}
