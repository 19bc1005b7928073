// The Teams edge without an SDK: the rules both edges (botbuilder, the Microsoft 365 Agents SDK)
// apply in the same way, and the ports each of them implements.
//  - Which activities are served: Microsoft Teams only, our tenant only (refusalOf).
//  - What a turn does: the conversation (handleTurn), help-desk card actions (ticket id shape,
//    verbs, who the agent is), the welcome, the references for proactive messages.
//  - The bot's state, under the keys and in the shape both SDKs' ConversationState / UserState
//    use ("msteams/conversations/<id>/", "msteams/users/<id>/"), so a switch keeps it.
// Each edge provides its adapter (HTTP + auth), its activity handler (routing, invoke response
// typing) and its messenger (send to a reference); this file imports neither SDK.
import { errorCard, type AdaptiveCard } from '../cards';
import type { BotSdk } from '../config';
import { handleTurn, type ConversationDeps, type ConversationState as Conversation, type Turn } from '../conversation/controller';
import { stripMentions } from '../conversation/text';
import type { AgentVerb, HelpDesk } from '../helpdesk/helpdesk';
import type { Person, Ticket } from '../tickets/ticket';
import type { KeyValueStore } from '../storage/key-value';
import type { Diagnoser } from '../support/diagnoser';
import { cardActivity, textActivity, typingActivity, type EdgeMessenger, type OutgoingActivity } from '../delivery/outgoing';
import { conversationKind, type ConversationRef, type ConversationReferences, type RefAccount } from '../delivery/references';
import { activityTimeZone } from '../cards/time-words';
import { languageOfLocale, messagesFor, type Messages } from '../i18n';

export { cardActivity, textActivity, typingActivity, type EdgeMessenger, type OutgoingActivity };

/** What the core reads of an incoming activity (both SDKs' Activity fits). */
export interface EdgeActivity {
  type?: string;
  name?: string;
  action?: string;
  channelId?: string;
  text?: string;
  value?: unknown;
  from?: RefAccount;
  conversation?: { id?: string; conversationType?: string; tenantId?: string };
  channelData?: unknown;
  membersAdded?: unknown[];
  /** The Teams client's language ("de-DE", "ja-JP"): the conversation's language. */
  locale?: string;
  /** The Teams client's IANA time zone ("Europe/Berlin"); validated where it is read (activityTimeZone). */
  localTimezone?: string;
  /** Teams sends a clientInfo entity ({ type: 'clientInfo', timezone, locale, … }). */
  entities?: unknown[];
}

/** One turn, as an edge presents it to the core. */
export interface EdgeTurn {
  readonly activity: EdgeActivity;
  /** This activity's conversation reference, as the edge's SDK builds it. */
  reference(): ConversationRef;
  send(activity: OutgoingActivity): Promise<void>;
  /** The answer to an invoke the core refuses (an Action.Execute or another invoke). */
  invokeResponse(status: number, body?: unknown): Promise<void>;
  /** The sender's userPrincipalName from the Teams roster (undefined when it cannot be read). */
  rosterUpn(): Promise<string | undefined>;
}

/** What an edge's HTTP handler needs of a request and a response (restify's fit). */
export interface ActivityRequest {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}
export interface ActivityResponse {
  status(code: number): unknown;
  send(body?: unknown): unknown;
  end(): unknown;
}
/** POST /api/messages of one bot on one edge. */
export interface ActivityEndpoint {
  handle(req: ActivityRequest, res: ActivityResponse): Promise<void>;
}

/** One SDK's edge: its messenger, and the POST /api/messages handler of a bot. */
export interface Edge {
  readonly sdk: BotSdk;
  readonly messenger: EdgeMessenger;
  endpoint(options: SupportBotOptions): ActivityEndpoint;
}

export interface SupportBotOptions {
  storage: KeyValueStore;
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
  diagnoser: Pick<Diagnoser, 'diagnoseTeamsUser'> & Partial<Pick<Diagnoser, 'forgetUser' | 'prefetch' | 'diagnosisReady'>>;
  log?: (event: Record<string, unknown>) => void;
}

/** The shape of a ticket id (newTicketId: PK- and four of 31 symbols, no 0/O/1/I/L). */
export const TICKET_ID = /^PK-[2-9A-HJKMNP-Z]{4}$/;

export const AGENT_VERBS: Record<string, AgentVerb> = {
  'ticket.take': 'take',
  'ticket.issueTap': 'issueTap',
  'ticket.grantExemption': 'grantExemption',
  'ticket.resolve': 'resolve',
  'ticket.reopen': 'reopen',
};

/**
 * Why this activity is not served, if it is not. Identity (from.aadObjectId) and tenant are
 * trusted only on Microsoft Teams activities: other channels of the same Azure Bot (Web Chat,
 * Direct Line) let the client choose them. The tenant must be named — by channelData.tenant.id,
 * conversation.tenantId or both — and every one named must be ours.
 */
export function refusalOf(a: EdgeActivity, tenantId: string): 'channel' | 'tenant' | undefined {
  if (a.channelId !== 'msteams') return 'channel';
  const named = [a.conversation?.tenantId, (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id].filter((t) => t !== undefined && t !== null);
  const ours = tenantId.toLowerCase();
  if (named.length === 0 || !named.every((t) => typeof t === 'string' && t.toLowerCase() === ours)) return 'tenant';
  return undefined;
}

/** The answer to a Universal Action (Action.Execute), before the edge types it for its SDK. */
export type CardActionAnswer = { kind: 'card'; card: AdaptiveCard } | { kind: 'message'; text: string };

const CONVERSATION_PROPERTY = 'passkeySupport';
const PERSONA_PROPERTY = 'demoPersona';

/**
 * The bot's state for one turn: the conversation's (its intake) and the user's (the demo persona),
 * under botbuilder's and the Agents SDK's keys, read once, written back if changed ("*" eTag:
 * last write wins, as both SDKs' BotState do).
 */
class TurnState {
  private loaded?: Promise<void>;
  private readonly items: Record<'conversation' | 'user', { key?: string; value: Record<string, unknown>; json: string }>;

  constructor(
    private readonly store: KeyValueStore,
    a: EdgeActivity,
  ) {
    const channel = a.channelId;
    this.items = {
      conversation: { key: channel && a.conversation?.id ? `${channel}/conversations/${a.conversation.id}/` : undefined, value: {}, json: '{}' },
      user: { key: channel && a.from?.id ? `${channel}/users/${a.from.id}/` : undefined, value: {}, json: '{}' },
    };
  }

  private load(): Promise<void> {
    return (this.loaded ??= (async () => {
      const keys = Object.values(this.items).flatMap((i) => (i.key ? [i.key] : []));
      const stored = keys.length > 0 ? await this.store.read(keys) : {};
      for (const item of Object.values(this.items)) {
        const { eTag: _eTag, ...value } = (item.key ? stored[item.key] : undefined) ?? {};
        item.value = value;
        item.json = JSON.stringify(value);
      }
    })());
  }

  async get<T>(scope: 'conversation' | 'user', property: string): Promise<T | undefined> {
    await this.load();
    return this.items[scope].value[property] as T | undefined;
  }

  async set(scope: 'conversation' | 'user', property: string, value: unknown): Promise<void> {
    await this.load();
    this.items[scope].value[property] = value;
  }

  async save(): Promise<void> {
    if (!this.loaded) return;
    await this.loaded;
    const changes: Record<string, Record<string, unknown>> = {};
    for (const item of Object.values(this.items)) {
      const json = JSON.stringify(item.value);
      if (item.key && json !== item.json) {
        changes[item.key] = { ...item.value, eTag: '*' };
        item.json = json;
      }
    }
    if (Object.keys(changes).length > 0) await this.store.write(changes);
  }
}

/**
 * Everything a turn does, for either edge. The edge's activity handler calls run() for each
 * activity (with its own routing as `dispatch`), and message() / membersAdded() / cardAction()
 * from its handlers.
 */
export class SupportCore {
  private readonly states = new WeakMap<EdgeTurn, TurnState>();

  constructor(readonly options: SupportBotOptions) {}

  private state(turn: EdgeTurn): TurnState {
    let state = this.states.get(turn);
    if (!state) this.states.set(turn, (state = new TurnState(this.options.storage, turn.activity)));
    return state;
  }

  private persona(turn: EdgeTurn): Promise<string | undefined> {
    return this.options.conversation.personas ? this.state(turn).get<string>('user', PERSONA_PROPERTY) : Promise.resolve(undefined);
  }

  async run(turn: EdgeTurn, dispatch: () => Promise<void>): Promise<void> {
    const a = turn.activity;
    const refusal = refusalOf(a, this.options.tenantId);
    if (refusal) {
      // Nothing is remembered, stored or acted on: not the reference, not the state, not a ticket.
      this.options.log?.({ event: 'activity.refused', reason: refusal, channelId: String(a.channelId).slice(0, 40), type: String(a.type).slice(0, 40) });
      // In the sender's language (the activity's locale): nothing of theirs is stored to know it otherwise.
      const m = messagesFor(languageOfLocale(a.locale));
      const text = this.options.organisation ? m.t('errors.edge.notServed', { organisation: this.options.organisation }) : m.t('errors.edge.notServedUnnamed');
      if (a.type === 'message') await turn.send(textActivity(text));
      if (a.type === 'invoke') {
        const body = a.name === 'adaptiveCard/action' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } : undefined;
        await turn.invokeResponse(body ? 200 : 403, body);
      }
      return;
    }
    const persona = await this.persona(turn);
    await this.options.references?.remember(a, turn.reference(), this.options.helpDesk?.channelId, persona, this.options.playground).catch((e) => this.options.log?.({ event: 'references.failed', error: (e as Error).message }));
    if (a.type === 'installationUpdate' && a.action?.startsWith('remove') && a.from?.aadObjectId) {
      await this.options.references?.forget(a.from.aadObjectId);
    }
    try {
      await dispatch();
    } finally {
      await this.state(turn).save();
    }
  }

  /** A message: a ticket action (Action.Submit fallback), a card submit, or text. */
  async message(turn: EdgeTurn): Promise<void> {
    const value = turn.activity.value;
    // Action.Submit fallback for ticket cards on clients without Universal Actions.
    const verb = (value as { verb?: unknown } | undefined)?.verb;
    if (typeof verb === 'string' && verb.startsWith('ticket.') && this.options.helpDesk) {
      const result = await this.agentAction(turn, verb, (value ?? {}) as Record<string, unknown>);
      await turn.send(textActivity(result.message));
      return;
    }
    const text = stripMentions(turn.activity.text ?? '').trim();
    await this.turn(turn, value !== undefined && value !== null ? { kind: 'submit', value } : { kind: 'text', text });
  }

  /** One welcome per install in a personal chat (Teams lists the bot and/or the user as added). */
  async membersAdded(turn: EdgeTurn): Promise<void> {
    const personal = conversationKind(turn.activity, this.options.playground) === 'personal';
    if (personal && (turn.activity.membersAdded ?? []).length > 0) await this.turn(turn, { kind: 'welcome' });
  }

  /** Universal Actions (Action.Execute) on ticket cards: everyone sees the current state. */
  async cardAction(turn: EdgeTurn, verb: string, data: Record<string, unknown>): Promise<CardActionAnswer> {
    if (!this.options.helpDesk || !verb.startsWith('ticket.')) return { kind: 'message', text: messagesFor(languageOfLocale(turn.activity.locale)).t('errors.edge.unknownButton') };
    const result = await this.agentAction(turn, verb, data);
    return result.card ? { kind: 'card', card: result.card } : { kind: 'message', text: result.message };
  }

  private async agentAction(turn: EdgeTurn, verb: string, data: Record<string, unknown>): Promise<{ message: string; card?: AdaptiveCard }> {
    const { desk } = this.options.helpDesk!;
    // The edge's own refusals speak the language of whoever pressed (their Teams locale); the desk's outcomes are the desk's.
    const m = messagesFor(languageOfLocale(turn.activity.locale));
    const action = AGENT_VERBS[verb];
    if (!action && verb !== 'ticket.refresh') return { message: m.t('errors.edge.unknownButton') };
    // Checked before anything is looked up, written or audited: a 900 KB "id" goes nowhere.
    const ticketId = data.ticketId;
    if (typeof ticketId !== 'string' || !TICKET_ID.test(ticketId)) {
      this.options.log?.({ event: 'ticket.refused', reason: 'malformed ticket id', verb, length: typeof ticketId === 'string' ? ticketId.length : typeof ticketId });
      return { message: m.t('errors.edge.notATicketId') };
    }
    // Demo personas exist only offline; in production the actor is who Teams says.
    const persona = await this.persona(turn);
    const personaName = persona ? this.options.conversation.personas?.find((p) => p.id === persona)?.name : undefined;
    const from = turn.activity.from;
    const agent = { aadObjectId: persona ?? from?.aadObjectId ?? '', name: personaName ?? from?.name ?? 'Agent' };
    if (!agent.aadObjectId) return { message: m.t('errors.edge.whoAreYou') };
    if (!action) return this.refresh(ticketId, agent, m);
    const number = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
    const outcome = await desk.act(ticketId, agent, action, {
      tapLifetime: number(data.tapLifetime),
      tapOneTime: data.tapOneTime === true || data.tapOneTime === 'true',
      exemptionHours: number(data.exemptionHours),
      note: typeof data.note === 'string' ? data.note : undefined,
    });
    this.options.log?.({ event: 'ticket.action', ticket: ticketId, verb: action, outcome: outcome.outcome });
    if (outcome.outcome === 'done') return { message: outcome.message, card: await this.options.helpDesk!.ticketCard(outcome.ticket) };
    return { message: outcome.message };
  }

  /**
   * The current ticket card, for help-desk members and the requester only. Anyone else gets the
   * same short answer whether the ticket exists or not, so guessing ids reveals nothing.
   */
  private async refresh(ticketId: string, viewer: Person, m: Messages): Promise<{ message: string; card?: AdaptiveCard }> {
    const { desk, ticketCard } = this.options.helpDesk!;
    const ticket = await desk.ticket(ticketId);
    if (ticket && ticket.requester.aadObjectId === viewer.aadObjectId) return { message: '', card: await ticketCard(ticket) };
    let isAgent: boolean;
    try {
      isAgent = await desk.isAgent(viewer.aadObjectId);
    } catch {
      return { message: m.t('errors.edge.membershipUnknown') };
    }
    if (isAgent) return ticket ? { message: '', card: await ticketCard(ticket) } : { message: `There is no ticket ${ticketId}.` };
    this.options.log?.({ event: 'ticket.refresh.refused', ticket: ticketId });
    return { message: m.t('errors.edge.ticketNotShown') };
  }

  private async turn(turn: EdgeTurn, input: Turn): Promise<void> {
    const state = this.state(turn);
    const conversation = await state.get<Conversation>('conversation', CONVERSATION_PROPERTY);
    const persona = await state.get<string>('user', PERSONA_PROPERTY);
    // The Teams client's time zone (validated; absent: the conversation keeps the one it knows).
    const from = { aadObjectId: turn.activity.from?.aadObjectId, name: turn.activity.from?.name, locale: turn.activity.locale, timeZone: activityTimeZone(turn.activity) };
    let result;
    // An error card in the language the conversation speaks (the locale of this activity, else the one it had).
    const language = from.locale ? languageOfLocale(from.locale) : conversation?.language;
    try {
      const deps: ConversationDeps = {
        ...this.options.conversation,
        helpDesk: this.options.helpDesk?.desk,
        // The roster's UPN is fetched only if Graph does not know the user's object id.
        diagnose: (userId, ctx, call) => this.options.diagnoser.diagnoseTeamsUser(userId, () => turn.rosterUpn(), ctx, call),
        forgetUser: (userId) => this.options.diagnoser.forgetUser?.(userId),
        prefetch: (userId, hint) => this.options.diagnoser.prefetch?.(userId, hint),
        diagnosisReady: (userId, ctx, call) => this.options.diagnoser.diagnosisReady?.(userId, ctx, call) ?? false,
        // The diagnosis will take a moment: Teams shows the bot typing (the activity goes out as it is, on either SDK).
        working: () => turn.send(typingActivity()),
      };
      result = await handleTurn(deps, conversation ? { ...conversation, persona: persona ?? conversation.persona } : undefined, input, from);
    } catch (e) {
      // Never leave the user with silence or a stack trace; the state stays as it was.
      this.options.log?.({ event: 'turn.failed', error: (e as Error).message });
      const m = messagesFor(language ?? 'en');
      await turn.send(cardActivity(errorCard({ message: m.t('errors.edge.turnFailed') }, m)));
      return;
    }
    await state.set('conversation', CONVERSATION_PROPERTY, result.state);
    if (result.state.persona !== persona) await state.set('user', PERSONA_PROPERTY, result.state.persona);
    for (const card of result.cards) await turn.send(cardActivity(card));
  }
}
