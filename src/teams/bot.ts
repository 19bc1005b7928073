// The Teams edge: activities in, cards out. Everything else (what to ask, what to answer) is the
// conversation controller's job; this file only translates and keeps state. It is one of the few
// files that import botbuilder, so moving to the Microsoft 365 Agents SDK stays a one-folder port.
import {
  CardFactory,
  ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  UserState,
  type Storage,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { errorCard } from '../cards';
import type { Diagnoser } from '../support/diagnoser';
import { handleTurn, type ConversationDeps, type ConversationState as Conversation, type Turn } from '../conversation/controller';

export interface SupportBotOptions {
  storage: Storage;
  /** Activities from any other tenant are refused. */
  tenantId: string;
  conversation: Omit<ConversationDeps, 'diagnose'>;
  diagnoser: Pick<Diagnoser, 'diagnoseTeamsUser'>;
  log?: (event: Record<string, unknown>) => void;
}

export class SupportBot extends TeamsActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly conversationProp: StatePropertyAccessor<Conversation>;
  private readonly personaProp: StatePropertyAccessor<string | undefined>;

  constructor(private readonly options: SupportBotOptions) {
    super();
    this.conversationState = new ConversationState(options.storage);
    this.userState = new UserState(options.storage);
    this.conversationProp = this.conversationState.createProperty<Conversation>('passkeySupport');
    // The demo persona follows the tester across conversations (personal chat, help-desk channel).
    this.personaProp = this.userState.createProperty<string | undefined>('demoPersona');

    this.onMessage(async (context, next) => {
      const value = context.activity.value;
      const text = (context.activity.text ?? '').replace(/<at>.*?<\/at>/g, '').trim();
      await this.turn(context, value !== undefined && value !== null ? { kind: 'submit', value } : { kind: 'text', text });
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      // One welcome per install in a personal chat (Teams lists the bot and/or the user as added).
      const personal = (context.activity.conversation.conversationType ?? 'personal') === 'personal';
      if (personal && (context.activity.membersAdded ?? []).length > 0) await this.turn(context, { kind: 'welcome' });
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    if (!this.fromOurTenant(context)) {
      this.options.log?.({ event: 'activity.refused', reason: 'tenant', type: context.activity.type });
      if (context.activity.type === 'message') {
        await context.sendActivity('This bot only serves its own organisation\'s Microsoft Teams tenant.');
      }
      return;
    }
    try {
      await super.run(context);
    } finally {
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
    }
  }

  private fromOurTenant(context: TurnContext): boolean {
    const a = context.activity;
    const tenant = (a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? '').toLowerCase();
    return tenant === this.options.tenantId.toLowerCase();
  }

  private async turn(context: TurnContext, turn: Turn): Promise<void> {
    const state = await this.conversationProp.get(context);
    const persona = await this.personaProp.get(context);
    const from = { aadObjectId: context.activity.from.aadObjectId, name: context.activity.from.name };
    let result;
    try {
      // The roster's UPN is fetched only if Graph does not know the user's object id.
      const rosterUpn = () =>
        TeamsInfo.getMember(context, context.activity.from.id)
          .then((m) => m.userPrincipalName)
          .catch(() => undefined);
      const deps: ConversationDeps = {
        ...this.options.conversation,
        diagnose: (userId, ctx) => this.options.diagnoser.diagnoseTeamsUser(userId, rosterUpn, ctx),
      };
      result = await handleTurn(deps, state ? { ...state, persona: persona ?? state.persona } : undefined, turn, from);
    } catch (e) {
      // Never leave the user with silence or a stack trace; the state stays as it was.
      this.options.log?.({ event: 'turn.failed', error: (e as Error).message });
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(errorCard({ message: 'Something went wrong on my side. Nothing was lost; please try again, or say "help".' }))));
      return;
    }
    await this.conversationProp.set(context, result.state);
    if (result.state.persona !== persona) await this.personaProp.set(context, result.state.persona);
    for (const card of result.cards) {
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    }
  }
}
