// The Teams edge: activities in, cards out. Everything else (what to ask, what to answer) is the
// conversation controller's job; this file only translates and keeps state. It is one of the few
// files that import botbuilder, so moving to the Microsoft 365 Agents SDK stays a one-folder port.
import {
  CardFactory,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  UserState,
  type Storage,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { errorCard, type AdaptiveCard } from '../cards';
import type { AgentVerb, HelpDesk } from '../helpdesk/helpdesk';
import type { Ticket } from '../helpdesk/ticket';
import type { ConversationReferences } from './references';
import type { Diagnoser } from '../support/diagnoser';
import { handleTurn, type ConversationDeps, type ConversationState as Conversation, type Turn } from '../conversation/controller';

export interface SupportBotOptions {
  storage: Storage;
  references?: ConversationReferences;
  /** Agent actions on ticket cards; absent when the help desk is not configured. */
  helpDesk?: { desk: HelpDesk; ticketCard: (ticket: Ticket) => Promise<AdaptiveCard>; channelId?: string };
  /** Activities from any other tenant are refused. */
  tenantId: string;
  conversation: Omit<ConversationDeps, 'diagnose'>;
  diagnoser: Pick<Diagnoser, 'diagnoseTeamsUser'> & Partial<Pick<Diagnoser, 'forgetUser'>>;
  log?: (event: Record<string, unknown>) => void;
}

const AGENT_VERBS: Record<string, AgentVerb> = {
  'ticket.take': 'take',
  'ticket.issueTap': 'issueTap',
  'ticket.grantExemption': 'grantExemption',
  'ticket.resolve': 'resolve',
  'ticket.reopen': 'reopen',
};

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
      // Action.Submit fallback for ticket cards on clients without Universal Actions.
      const verb = (value as { verb?: unknown } | undefined)?.verb;
      if (typeof verb === 'string' && verb.startsWith('ticket.') && this.options.helpDesk) {
        const result = await this.agentAction(context, verb, (value ?? {}) as Record<string, unknown>);
        await context.sendActivity(result.message);
        await next();
        return;
      }
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

  /** Universal Actions (Action.Execute) on ticket cards: everyone sees the current state. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action?.verb ?? '';
    if (!this.options.helpDesk || !verb.startsWith('ticket.')) {
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'That button is not one I know.' as never };
    }
    const result = await this.agentAction(context, verb, (invokeValue.action?.data ?? {}) as Record<string, unknown>);
    if (result.card) return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result.card as never };
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result.message as never };
  }

  private async agentAction(context: TurnContext, verb: string, data: Record<string, unknown>): Promise<{ message: string; card?: AdaptiveCard }> {
    const { desk, ticketCard } = this.options.helpDesk!;
    const ticketId = typeof data.ticketId === 'string' ? data.ticketId : '';
    const persona = await this.personaProp.get(context);
    const personaName = persona ? this.options.conversation.personas?.find((p) => p.id === persona)?.name : undefined;
    const agent = {
      aadObjectId: persona ?? context.activity.from.aadObjectId ?? '',
      name: personaName ?? context.activity.from.name ?? 'Agent',
    };
    if (!agent.aadObjectId) return { message: 'I could not tell who you are, so I did not act.' };
    const action = AGENT_VERBS[verb];
    if (verb === 'ticket.refresh') {
      const ticket = await desk.ticket(ticketId);
      return ticket ? { message: '', card: await ticketCard(ticket) } : { message: `There is no ticket ${ticketId}.` };
    }
    if (!action) return { message: 'That button is not one I know.' };
    const number = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
    const outcome = await desk.act(ticketId, agent, action, {
      tapLifetime: number(data.tapLifetime),
      tapOneTime: data.tapOneTime === true || data.tapOneTime === 'true',
      exemptionHours: number(data.exemptionHours),
      note: typeof data.note === 'string' ? data.note : undefined,
    });
    this.options.log?.({ event: 'ticket.action', ticket: ticketId, verb: action, outcome: outcome.outcome });
    if (outcome.outcome === 'done') return { message: outcome.message, card: await ticketCard(outcome.ticket) };
    return { message: outcome.message };
  }

  override async run(context: TurnContext): Promise<void> {
    if (!this.fromOurTenant(context)) {
      this.options.log?.({ event: 'activity.refused', reason: 'tenant', type: context.activity.type });
      if (context.activity.type === 'message') {
        await context.sendActivity('This bot only serves its own organisation\'s Microsoft Teams tenant.');
      }
      return;
    }
    const persona = this.options.conversation.personas ? await this.personaProp.get(context) : undefined;
    await this.options.references?.remember(context, this.options.helpDesk?.channelId, persona).catch((e) => this.options.log?.({ event: 'references.failed', error: (e as Error).message }));
    if (context.activity.type === 'installationUpdate' && context.activity.action?.startsWith('remove') && context.activity.from?.aadObjectId) {
      await this.options.references?.forget(context.activity.from.aadObjectId);
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
        helpDesk: this.options.helpDesk?.desk,
        diagnose: (userId, ctx) => this.options.diagnoser.diagnoseTeamsUser(userId, rosterUpn, ctx),
        forgetUser: (userId) => this.options.diagnoser.forgetUser?.(userId),
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
