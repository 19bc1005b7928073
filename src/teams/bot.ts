// The Teams edge: activities in, cards out. Everything else (what to ask, what to answer) is the
// conversation controller's job; this file only translates and keeps state. It is one of the few
// files that import botbuilder, so moving to the Microsoft 365 Agents SDK stays a one-folder port.
import {
  ActivityTypes,
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
import type { Person, Ticket } from '../helpdesk/ticket';
import { conversationKind, type ConversationReferences } from './references';
import type { Diagnoser } from '../support/diagnoser';
import { stripMentions } from '../conversation/text';
import { handleTurn, type ConversationDeps, type ConversationState as Conversation, type Turn } from '../conversation/controller';

export interface SupportBotOptions {
  storage: Storage;
  references?: ConversationReferences;
  /** Agent actions on ticket cards; absent when the help desk is not configured. */
  helpDesk?: { desk: HelpDesk; ticketCard: (ticket: Ticket) => Promise<AdaptiveCard>; channelId?: string };
  /** Only Microsoft Teams activities of this tenant are served; anything else is refused. */
  tenantId: string;
  /** Named in the refusal ("This bot only works in Microsoft Teams for Contoso"). */
  organisation?: string;
  /**
   * Offline demo: the Microsoft 365 Agents Playground leaves conversationType out of personal
   * chats, so there (and only there) a missing type counts as personal.
   */
  playground?: boolean;
  conversation: Omit<ConversationDeps, 'diagnose'>;
  diagnoser: Pick<Diagnoser, 'diagnoseTeamsUser'> & Partial<Pick<Diagnoser, 'forgetUser'>>;
  log?: (event: Record<string, unknown>) => void;
}

/** The shape of a ticket id (newTicketId: PK- and four of 31 symbols, no 0/O/1/I/L). */
export const TICKET_ID = /^PK-[2-9A-HJKMNP-Z]{4}$/;

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
      const text = stripMentions(context.activity.text ?? '').trim();
      await this.turn(context, value !== undefined && value !== null ? { kind: 'submit', value } : { kind: 'text', text });
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      // One welcome per install in a personal chat (Teams lists the bot and/or the user as added).
      const personal = conversationKind(context.activity, this.options.playground) === 'personal';
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
    const action = AGENT_VERBS[verb];
    if (!action && verb !== 'ticket.refresh') return { message: 'That button is not one I know.' };
    // Checked before anything is looked up, written or audited: a 900 KB "id" goes nowhere.
    const ticketId = data.ticketId;
    if (typeof ticketId !== 'string' || !TICKET_ID.test(ticketId)) {
      this.options.log?.({ event: 'ticket.refused', reason: 'malformed ticket id', verb, length: typeof ticketId === 'string' ? ticketId.length : typeof ticketId });
      return { message: 'That is not a ticket id (they look like PK-7Q3D), so I did nothing.' };
    }
    // Demo personas exist only offline; in production the actor is who Teams says.
    const persona = this.options.conversation.personas ? await this.personaProp.get(context) : undefined;
    const personaName = persona ? this.options.conversation.personas?.find((p) => p.id === persona)?.name : undefined;
    const agent = {
      aadObjectId: persona ?? context.activity.from.aadObjectId ?? '',
      name: personaName ?? context.activity.from.name ?? 'Agent',
    };
    if (!agent.aadObjectId) return { message: 'I could not tell who you are, so I did not act.' };
    if (!action) return this.refresh(ticketId, agent);
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

  /**
   * The current ticket card, for help-desk members and the requester only. Anyone else gets the
   * same short answer whether the ticket exists or not, so guessing ids reveals nothing.
   */
  private async refresh(ticketId: string, viewer: Person): Promise<{ message: string; card?: AdaptiveCard }> {
    const { desk, ticketCard } = this.options.helpDesk!;
    const ticket = await desk.ticket(ticketId);
    if (ticket && ticket.requester.aadObjectId === viewer.aadObjectId) return { message: '', card: await ticketCard(ticket) };
    let isAgent: boolean;
    try {
      isAgent = await desk.isAgent(viewer.aadObjectId);
    } catch {
      return { message: 'I could not check your help-desk membership right now. Please try again.' };
    }
    if (isAgent) return ticket ? { message: '', card: await ticketCard(ticket) } : { message: `There is no ticket ${ticketId}.` };
    this.options.log?.({ event: 'ticket.refresh.refused', ticket: ticketId });
    return { message: 'Tickets are shown only to the help desk and to the person who asked for help.' };
  }

  override async run(context: TurnContext): Promise<void> {
    const refusal = this.refusal(context);
    if (refusal) {
      // Nothing is remembered, stored or acted on: not the reference, not the state, not a ticket.
      const a = context.activity;
      this.options.log?.({ event: 'activity.refused', reason: refusal, channelId: String(a.channelId).slice(0, 40), type: String(a.type).slice(0, 40) });
      const text = `This bot only works in Microsoft Teams for ${this.options.organisation ?? 'its organisation'}: it only serves that organisation's own Teams accounts.`;
      if (a.type === ActivityTypes.Message) await context.sendActivity(text);
      if (a.type === ActivityTypes.Invoke) {
        const body = a.name === 'adaptiveCard/action' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } : undefined;
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: body ? 200 : 403, body } });
      }
      return;
    }
    const persona = this.options.conversation.personas ? await this.personaProp.get(context) : undefined;
    await this.options.references?.remember(context, this.options.helpDesk?.channelId, persona, this.options.playground).catch((e) => this.options.log?.({ event: 'references.failed', error: (e as Error).message }));
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

  /**
   * Why this activity is not served, if it is not. Identity (from.aadObjectId) and tenant are
   * trusted only on Microsoft Teams activities: other channels of the same Azure Bot (Web Chat,
   * Direct Line) let the client choose them. The tenant must be named — by channelData.tenant.id,
   * conversation.tenantId or both — and every one named must be ours.
   */
  private refusal(context: TurnContext): 'channel' | 'tenant' | undefined {
    const a = context.activity;
    if (a.channelId !== 'msteams') return 'channel';
    const named = [a.conversation?.tenantId, (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id].filter((t) => t !== undefined && t !== null);
    const ours = this.options.tenantId.toLowerCase();
    if (named.length === 0 || !named.every((t) => typeof t === 'string' && t.toLowerCase() === ours)) return 'tenant';
    return undefined;
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
