// The conversation: one turn in (text, card submit, or first contact), cards out. It knows the
// employee only by their Entra object id and reads their facts through the diagnoser; it never
// asks them for admin facts. SDK-free: the Teams layer turns activities into turns and back.
import { randomUUID } from 'node:crypto';
import { diagnosisCard, type AdaptiveCard, errorCard, noticeCard, questionCard, ticketConfirmationCard, welcomeCard } from '../cards';
import { tapClears } from '../cards/advice';
import { buttons, fixedCopy, halfFinishedRegistration, providerSetupSteps } from '../cards/copy';
import { splitDesignsOf, type TenantContext } from '../cards/tenant-design';
import { followUpUpdate, ticketUpdateCard } from '../cards/requester-views';
import type { FollowUp, Person, Ticket, TranscriptEntry } from '../tickets/ticket';
import { upgradeStoredDiagnosis, type Diagnosis, type RegistrationContext, type TenantFacts } from '../diagnosis';
import { GraphReadError } from '../graph/errors';
import type { Counters } from '../metrics';
import { addText, answer, newIntake, nextQuestion, onPhone, registrationContext, type IntakeState } from './intake';
import { parseSubmit } from './submit';
import { MAX_MESSAGE_CHARS, MAX_NAME_CHARS, isGreeting, isStartOver, userText, type UserText } from './text';
import { conversationLanguage, fold, type Language, type LanguageSource } from './language';
import { english, messagesFor, type Messages } from '../i18n';

export type Turn = { kind: 'welcome' } | { kind: 'text'; text: string } | { kind: 'submit'; value: unknown };

export interface ConversationState {
  intake: IntakeState;
  /** Entra object id of the employee this conversation serves (cards from anyone else are refused). */
  owner?: string;
  /** Offline demo: the persona the tester chose to play. */
  persona?: string;
  lastDiagnosis?: Diagnosis;
  /** The language to answer in: from the Teams locale, else read from what they wrote (docs/admin/languages.md). */
  language?: Language;
  languageFrom?: LanguageSource;
  /** The employee's IANA time zone, as their Teams client last said (times on their cards are shown in it). */
  timeZone?: string;
}

export interface Persona {
  id: string;
  name: string;
  scenario: string;
}

export interface ConversationDeps {
  /** Diagnoses the employee known by this Entra object id (or the demo persona's id). */
  diagnose(userId: string, context: RegistrationContext, call?: { correlationId?: string }): Promise<Diagnosis>;
  /** Forget what was read about this user, so the next diagnosis reads Graph afresh. */
  forgetUser?(userId: string): void;
  /**
   * Start reading what this user's diagnosis will need while they answer the questions (their
   * facts, sign-ins, What If once the platform is known). Never throws; failures surface, as
   * before, when the diagnosis reads again.
   */
  prefetch?(userId: string, hint: { platform?: RegistrationContext['platform']; correlationId?: string; at: Date }): void;
  /** Whether diagnosing now needs no Graph round trip (everything prefetched and fresh). */
  diagnosisReady?(userId: string, context: RegistrationContext, call?: { correlationId?: string }): boolean;
  /** The reply will take more than a moment: show that the bot is working on it (Teams' typing indicator). */
  working?(): Promise<void>;
  /**
   * Reads Graph afresh: does the user have a passkey in Microsoft Authenticator (one of its
   * AAGUIDs among /users/{id}/authentication/fido2Methods), created at or after `since` when given?
   * (notices/window-notices.ts hasAuthenticatorPasskey.) Without it, "That fixed it" says it cannot check.
   */
  passkeyRegistered?(userId: string, since?: string): Promise<boolean>;
  /** The tenant's facts as the Graph layer caches them, so advice fits the tenant (its split design). */
  tenantFacts?(): Promise<TenantFacts>;
  now(): Date;
  /** Offline demo personas; absent in production. */
  personas?: Persona[];
  newSession?(): string;
  /** The help desk, when configured: tickets instead of a summary to copy. */
  helpDesk?: HelpDeskPort;
  /** Admin command "audit": the tenant's passkey readiness summary, in the conversation's language. */
  auditCommand?(userId: string, m: Messages): Promise<AdaptiveCard>;
  /** Admin commands ("campaign start GROUP DATE", "campaign status"): answers with a card, in the conversation's language. */
  campaignCommand?(userId: string, text: string, m: Messages): Promise<AdaptiveCard>;
  /** Operator log (structured, no secrets: Graph errors are already redacted). */
  log?(event: Record<string, unknown>): void;
  /** Counts diagnoses by finding (the root passes the process's metrics). */
  metrics?: Counters;
}


/** What the conversation needs from the help desk (SDK-free; see src/helpdesk). */
export interface HelpDeskPort {
  open(input: { requester: Person; reason: 'contactHelpDesk' | 'requestTap'; diagnosis: Diagnosis | null; errorIds: Ticket['errorIds']; transcript: TranscriptEntry[] }): Promise<Ticket>;
  openTicketOf(aadObjectId: string): Promise<Ticket | undefined>;
  /** `m`: the requester's messages (a refusal is said to them in their language). */
  requesterAnswer(ticketId: string, requester: Person, fixed: boolean, m?: Messages): Promise<{ outcome: string; message: string }>;
  /** Something the requester said or pressed about their open ticket: added to it (history, transcript, thread). */
  followUp?(ticketId: string, requester: Person, said: FollowUp, m?: Messages): Promise<{ outcome: string; message: string; ticket?: Ticket }>;
}

export interface TurnResult {
  state: ConversationState;
  cards: AdaptiveCard[];
}

export function newConversation(session: string): ConversationState {
  return { intake: newIntake(session) };
}

export async function handleTurn(
  deps: ConversationDeps,
  state: ConversationState | undefined,
  turn: Turn,
  from: { aadObjectId?: string; name?: string; locale?: string; timeZone?: string },
): Promise<TurnResult> {
  const session = () => (deps.newSession ?? randomUUID)();
  let s = state ?? newConversation(session());
  // A conversation saved before evidence was data holds its last diagnosis in the old shape.
  if (s.lastDiagnosis) s = { ...s, lastDiagnosis: upgradeStoredDiagnosis(s.lastDiagnosis) };
  // Teams display names are chosen by people (guests included): no control characters, bounded.
  from = { ...from, name: from.name === undefined ? undefined : userText(from.name, MAX_NAME_CHARS).text || undefined };
  if (!from.aadObjectId) {
    const m = messagesFor(conversationLanguage(s, from.locale, turn.kind === 'text' ? turn.text : undefined).language);
    return { state: s, cards: [errorCard({ message: m.t('errors.noIdentity') }, m)] };
  }
  s = { ...s, owner: s.owner ?? from.aadObjectId, ...conversationLanguage(s, from.locale, turn.kind === 'text' ? turn.text : undefined), ...(from.timeZone ? { timeZone: from.timeZone } : {}) };
  // Every card of this turn speaks the conversation's language (docs/admin/languages.md).
  const m = messagesFor(s.language ?? 'en');
  const userId = s.persona ?? from.aadObjectId;
  const welcome = () => welcomeCard({ session: s.intake.session, userName: from.name, demoPersonas: deps.personas }, m);
  const startOver = (): TurnResult => {
    // People start over after changing something (or being told an admin did): check afresh.
    deps.forgetUser?.(userId);
    s = { ...s, intake: newIntake(session()), lastDiagnosis: undefined };
    return { state: s, cards: [welcome()] };
  };

  if (turn.kind === 'welcome') return { state: s, cards: [welcome()] };

  if (turn.kind === 'text') {
    // Bounded and cleaned before any pattern runs: a 1 MB paste is read as its first 8,000 characters.
    const input = userText(turn.text);
    const text = input.text;
    if (isStartOver(text)) return startOver();
    if (text === '' || (!input.trimmed && isGreeting(text))) {
      prefetch(deps, s, userId);
      return { state: s, cards: [welcome()] };
    }
    if (isMyTicket(text)) {
      const ticket = deps.helpDesk ? await deps.helpDesk.openTicketOf(userId) : undefined;
      return {
        state: s,
        cards: [ticket ? ticketConfirmationCard(ticket, m) : noticeCard({ title: m.t('chat.noTicket.title'), text: m.t('chat.noTicket.text') }, m)],
      };
    }
    if (/^audit\b/i.test(text) && deps.auditCommand) return { state: s, cards: [await deps.auditCommand(userId, m)] };
    if (/^campaign\b/i.test(text) && deps.campaignCommand) return { state: s, cards: [await deps.campaignCommand(userId, text, m)] };
    s = { ...s, intake: addText(s.intake, text, input.trimmed ? input.length : undefined, m) };
    // With a ticket open, what they say is a follow-up: it goes to the ticket first (which checks them afresh).
    const followed = await followUp(deps, userId, { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' }, text, m);
    const result = await proceed(deps, s, userId, m);
    const cards = [...(input.trimmed ? [trimmedNotice(input, m)] : []), ...(followed ? [followed] : []), ...result.cards];
    return { ...result, cards };
  }

  // A card submit: validate whatever arrived.
  const parsed = parseSubmit(turn.value, m);
  if ('error' in parsed) return { state: s, cards: [errorCard({ message: m.t('errors.nothingChanged', { reason: parsed.error }), session: s.intake.session }, m)] };
  const submit = parsed.submit;
  if (s.owner && from.aadObjectId !== s.owner && !deps.personas) {
    return { state: s, cards: [errorCard({ message: m.t('errors.notYourCard') }, m)] };
  }
  // Cards sent proactively (ticket updates) are not tied to the intake session.
  // Buttons on notices (campaigns, tickets) are not tied to the intake either.
  const sessionBound = !['start', 'persona', 'ticketFixed', 'ticketReopen', 'requestTap', 'contactHelpDesk'].includes(submit.action);
  if (sessionBound && submit.session !== s.intake.session) {
    return {
      state: s,
      cards: [errorCard({ message: m.t('errors.staleCard'), session: s.intake.session }, m), ...(await proceed(deps, s, userId, m, true)).cards],
    };
  }

  switch (submit.action) {
    case 'persona': {
      const persona = deps.personas?.find((p) => p.id === submit.persona);
      if (!persona) return { state: s, cards: [errorCard({ message: m.t('errors.noPersona'), session: s.intake.session }, m)] };
      s = { ...s, persona: persona.id, intake: newIntake(session()), lastDiagnosis: undefined };
      return {
        state: s,
        cards: [
          noticeCard({ title: m.t('chat.persona.title', { name: persona.name }), text: m.t('chat.persona.text', { scenario: persona.scenario }) }, m),
          ...(await proceed(deps, s, persona.id, m)).cards,
        ],
      };
    }
    case 'start':
      s = { ...s, intake: newIntake(session()), lastDiagnosis: undefined };
      return {
        state: s,
        cards: [noticeCard({ title: m.t('chat.start.title'), text: m.t('chat.start.text') }, m), ...(await proceed(deps, s, userId, m)).cards],
      };
    case 'answer': {
      const r = answer(s.intake, submit.question, submit.value, m);
      if ('error' in r) return { state: s, cards: [errorCard({ message: m.t('errors.pickAButton', { reason: r.error }), session: s.intake.session }, m), ...(await proceed(deps, s, userId, m, true)).cards] };
      s = { ...s, intake: r.state };
      return proceed(deps, s, userId, m);
    }
    case 'startOver':
      return startOver();
    case 'fixed':
      return fixed(deps, s, userId, m);
    case 'requestTap':
    case 'contactHelpDesk': {
      if (!deps.helpDesk) return { state: s, cards: [helpDeskSummary(s, submit.action === 'requestTap', m)] };
      const requester: Person = { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' };
      // Pressed again with a ticket open: the ticket hears about it, and they are told who has it.
      const again = await followUp(deps, userId, requester, { pressedAgain: submit.action }, m);
      if (again) return { state: s, cards: [again] };
      const existing = await deps.helpDesk.openTicketOf(userId);
      if (existing) return { state: s, cards: [ticketConfirmationCard(existing, m)] };
      const r = s.intake.report;
      try {
        const ticket = await deps.helpDesk.open({
          requester,
          // A TAP the engine found would not get them through is not asked for as the fix.
          reason: submit.action === 'requestTap' && s.lastDiagnosis && !tapClears(s.lastDiagnosis) ? 'contactHelpDesk' : submit.action,
          diagnosis: s.lastDiagnosis ?? null,
          errorIds: { requestId: r.requestId, correlationId: r.correlationId, timestamp: r.errorTimestamp },
          transcript: s.intake.transcript,
        });
        return { state: s, cards: [ticketConfirmationCard(ticket, m)] };
      } catch (e) {
        deps.log?.({ event: 'ticket.open.failed', error: (e as Error).message });
        return { state: s, cards: [errorCard({ message: m.t('errors.helpDeskUnreachable'), session: s.intake.session }, m), helpDeskSummary(s, submit.action === 'requestTap', m)] };
      }
    }
    case 'ticketFixed':
    case 'ticketReopen': {
      if (!deps.helpDesk) return { state: s, cards: [errorCard({ message: m.t('errors.ticketsDisabled') }, m)] };
      const requester: Person = { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' };
      const r = await deps.helpDesk.requesterAnswer(submit.ticketId, requester, submit.action === 'ticketFixed', m);
      if (r.outcome !== 'done') return { state: s, cards: [errorCard({ message: r.message }, m)] };
      return {
        state: s,
        cards: [
          submit.action === 'ticketFixed'
            ? await ticketClosedCard(deps, userId, submit.ticketId, m)
            : noticeCard({ title: m.t('chat.ticketReopened.title', { ticket: submit.ticketId }), text: m.t('chat.ticketReopened.text') }, m),
        ],
      };
    }
  }
}

/**
 * How long a diagnosis that was not read ahead may take before Teams shows the bot typing: a
 * reply within a second needs no indicator (a cold diagnosis on Graph is two round trips).
 */
export const WORKING_AFTER_MS = 1000;

/** Ask the next question, or diagnose when we know enough. */
async function proceed(deps: ConversationDeps, s: ConversationState, userId: string, m: Messages, repeat = false): Promise<TurnResult> {
  const q = nextQuestion(s.intake, m);
  if (q) prefetch(deps, s, userId);
  if (q) return { state: s, cards: [questionCard({ session: s.intake.session, questionId: q.id, title: q.title, text: q.text, choices: q.choices }, m)] };
  if (repeat && s.lastDiagnosis) return { state: s, cards: [await cardFor(deps, s, s.lastDiagnosis, m)] };

  let diagnosis: Diagnosis;
  // The Correlation ID (or Request ID) the user pasted from the error page: that sign-in is read too.
  const correlationId = s.intake.report.correlationId ?? s.intake.report.requestId;
  const context = registrationContext(s.intake, deps.now());
  const call = correlationId ? { correlationId } : undefined;
  // Not everything was read ahead and Graph takes more than a moment: Teams shows the bot typing.
  let typing: Promise<void> | undefined;
  const working = deps.working;
  const timer =
    working && !deps.diagnosisReady?.(userId, context, call)
      ? setTimeout(() => {
          typing = working().catch((e: unknown) => deps.log?.({ event: 'typing.failed', error: (e as Error).message }));
        }, WORKING_AFTER_MS)
      : undefined;
  try {
    diagnosis = await deps.diagnose(userId, context, call);
  } catch (e) {
    clearTimeout(timer);
    await typing;
    deps.log?.({
      event: 'diagnose.failed',
      user: userId,
      kind: e instanceof GraphReadError ? e.kind : 'internal',
      error: e instanceof GraphReadError ? e.message : (e as Error).name,
      requestId: e instanceof GraphReadError ? e.requestId : undefined,
    });
    return { state: s, cards: [errorCard({ title: m.t('errors.checkFailed'), message: explainGraphError(e, m), session: s.intake.session }, m)] };
  }
  clearTimeout(timer);
  await typing; // sent before the card
  deps.metrics?.inc('passkey_diagnoses_total', { code: diagnosis.findings.find((f) => f.blocking)?.code ?? diagnosis.findings[0]?.code ?? 'none' });
  s = { ...s, lastDiagnosis: diagnosis, intake: { ...s.intake, transcript: [...s.intake.transcript, { diagnosed: diagnosis.findings.map((f) => f.code) }].slice(-30) } };
  const cards: AdaptiveCard[] = [await cardFor(deps, s, diagnosis, m)];
  // When nothing in the tenant blocks, the diagnosis card already carries the phone checklist.
  const symptoms = diagnosis.findings.some((f) => f.blocking) ? s.intake.report.symptoms : [];
  if (symptoms.includes('passkey-already-exists')) {
    cards.push(noticeCard({ title: m.t('chat.alreadyExists.title'), text: halfFinishedRegistration(m).map((step, i) => `${i + 1}. ${step}`).join('\n\n') }, m));
  }
  if (symptoms.includes('not-allowed-error') || symptoms.includes('provider-setup')) {
    const steps = providerSetupSteps(diagnosis.context.platform, diagnosis.context.osVersion, m);
    cards.push(noticeCard({ title: m.t('chat.providerSetup.title'), text: steps.map((step, i) => `${i + 1}. ${step}`).join('\n\n') }, m));
  }
  return { state: s, cards };
}

/** Starts the reads the diagnosis will need, with what the user has told us so far. */
function prefetch(deps: ConversationDeps, s: ConversationState, userId: string): void {
  if (!deps.prefetch) return;
  const r = s.intake.report;
  const platform = (s.intake.answers.platform as RegistrationContext['platform'] | undefined) ?? r.platform;
  const correlationId = r.correlationId ?? r.requestId;
  try {
    deps.prefetch(userId, { at: deps.now(), ...(platform ? { platform } : {}), ...(correlationId ? { correlationId } : {}) });
  } catch (e) {
    deps.log?.({ event: 'prefetch.failed', error: (e as Error).name });
  }
}

/** Adds `text` to the requester's open ticket; the card saying so, or undefined (no open ticket, or it failed). */
async function followUp(deps: ConversationDeps, userId: string, requester: Person, said: FollowUp, m: Messages): Promise<AdaptiveCard | undefined> {
  const desk = deps.helpDesk;
  if (!desk?.followUp) return undefined;
  try {
    const open = await desk.openTicketOf(userId);
    if (!open) return undefined;
    const r = await desk.followUp(open.id, requester, said, m);
    return r.outcome === 'done' && r.ticket ? ticketUpdateCard(followUpUpdate(r.ticket, m), m) : undefined;
  } catch (e) {
    deps.log?.({ event: 'ticket.followUp.failed', error: (e as Error).message });
    return undefined;
  }
}

/** Says that only the start of a long message was read. */
function trimmedNotice(input: UserText, m: Messages): AdaptiveCard {
  return noticeCard({ title: m.t('chat.trimmed.title'), text: m.t('chat.trimmed.text', { length: input.length, max: MAX_MESSAGE_CHARS }) }, m);
}

function personaName(deps: ConversationDeps, s: ConversationState): string | undefined {
  return s.persona ? deps.personas?.find((p) => p.id === s.persona)?.name : undefined;
}

/**
 * The employee's diagnosis card. "Request a Temporary Access Pass" only where the engine's TAP
 * remedy clears every blocker; no QR-code advice for someone on the phone; the IT team's advice
 * fits the tenant (read from the Graph layer's cache; without it, the card goes by the diagnosis).
 */
async function cardFor(deps: ConversationDeps, s: ConversationState, diagnosis: Diagnosis, m: Messages): Promise<AdaptiveCard> {
  let tenant: TenantContext | undefined;
  if (deps.tenantFacts) {
    try {
      tenant = { splitDesigns: splitDesignsOf(await deps.tenantFacts()) };
    } catch (e) {
      deps.log?.({ event: 'tenant.facts.unavailable', error: e instanceof GraphReadError ? e.message : (e as Error).name });
    }
  }
  return diagnosisCard(diagnosis, { session: s.intake.session, tapOffered: tapClears(diagnosis), onPhone: onPhone(s.intake), tenant, ...(s.timeZone ? { timeZone: s.timeZone } : {}) }, m);
}

/**
 * "That fixed it": congratulate only once Graph shows the passkey. The user's cached facts are
 * forgotten first (they changed something), then their passkeys are read afresh; one added since
 * the diagnosis (a few minutes' grace for clocks) counts. Not there yet: say so, and offer help.
 */
async function fixed(deps: ConversationDeps, s: ConversationState, userId: string, m: Messages): Promise<TurnResult> {
  deps.forgetUser?.(userId);
  const session = s.intake.session;
  const help = { title: buttons(m).contactHelpDesk, data: { action: 'contactHelpDesk' as const, session } };
  const checkAgain = { title: buttons(m).checkAgain, data: { action: 'fixed' as const, session } };
  const { unchecked, notYet, ready } = fixedCopy(m);
  if (!deps.passkeyRegistered) return { state: s, cards: [noticeCard({ ...unchecked, actions: [help] }, m)] };
  const at = s.lastDiagnosis ? Date.parse(s.lastDiagnosis.context.at) : NaN;
  const since = Number.isNaN(at) ? undefined : new Date(at - FIXED_GRACE_MS).toISOString();
  let registered: boolean;
  try {
    registered = await deps.passkeyRegistered(userId, since);
  } catch (e) {
    deps.log?.({ event: 'passkey.check.failed', user: userId, error: e instanceof GraphReadError ? e.message : (e as Error).name });
    return { state: s, cards: [noticeCard({ ...unchecked, actions: [checkAgain, help] }, m)] };
  }
  if (!registered) {
    s = { ...s, intake: { ...s.intake, transcript: [...s.intake.transcript, { fixedWithoutPasskey: true as const }].slice(-30) } };
    return { state: s, cards: [noticeCard({ ...notYet, actions: [checkAgain, help] }, m)] };
  }
  s = { ...s, intake: newIntake((deps.newSession ?? randomUUID)()), lastDiagnosis: undefined };
  return { state: s, cards: [noticeCard({ ...ready, tone: 'success' }, m)] };
}

/** The requester closed their ticket: "your passkey is ready" only when Graph shows it. */
async function ticketClosedCard(deps: ConversationDeps, userId: string, ticketId: string, m: Messages): Promise<AdaptiveCard> {
  deps.forgetUser?.(userId);
  const registered = deps.passkeyRegistered ? await deps.passkeyRegistered(userId).catch(() => undefined) : undefined;
  return registered
    ? noticeCard({ title: fixedCopy(m).ready.title, tone: 'success', text: m.t('chat.ticketClosed.ready', { ticket: ticketId }) }, m)
    : noticeCard({ title: m.t('chat.ticketClosed.title', { ticket: ticketId }), text: m.t('chat.ticketClosed.text') }, m);
}

/** Graph's clock and ours may differ a little: a passkey this much older than the diagnosis still counts. */
const FIXED_GRACE_MS = 5 * 60_000;

function helpDeskSummary(s: ConversationState, tap: boolean, m: Messages): AdaptiveCard {
  const d = s.lastDiagnosis;
  const r = s.intake.report;
  // The values are for the help desk to read: finding codes, policy names as the tenant wrote them, ids.
  const facts = [
    ...(d ? [{ title: m.t('chat.helpDesk.diagnosis'), value: d.findings.map((f) => f.code).join(', ') }] : []),
    ...(d?.findings.some((f) => f.policies.length) ? [{ title: m.t('chat.helpDesk.policies'), value: [...new Set(d.findings.flatMap((f) => f.policies.map((p) => p.name)))].join(', ') }] : []),
    ...(r.requestId ? [{ title: m.t('chat.helpDesk.requestId'), value: r.requestId }] : []),
    ...(r.correlationId ? [{ title: m.t('chat.helpDesk.correlationId'), value: r.correlationId }] : []),
    ...(r.errorTimestamp ? [{ title: m.t('chat.helpDesk.timestamp'), value: r.errorTimestamp }] : []),
  ];
  const kind = tap ? 'yes' : 'no';
  return noticeCard({ title: m.t('chat.helpDesk.title', { tap: kind }), text: m.t('chat.helpDesk.text', { tap: kind }), facts }, m);
}

/** "my ticket", in each language, at the start of the message (folded: see language.ts). */
const MY_TICKET = /^(?:my ticket|mein ticket|mon ticket|mi incidencia|mi ticket|meu chamado|meu ticket)\b|^(?:私の)?チケット(?:の状況)?[?？。]?$/;

function isMyTicket(text: string): boolean {
  return MY_TICKET.test(fold(text.trim()));
}

export function explainGraphError(e: unknown, m: Messages = english()): string {
  if (e instanceof GraphReadError) {
    switch (e.kind) {
      case 'notFound':
        return m.t('errors.graph.notFound');
      case 'forbidden':
      case 'unauthorized':
        return m.t('errors.graph.forbidden');
      case 'throttled':
      case 'unavailable':
      case 'timeout':
        return m.t('errors.graph.busy');
      default:
        return m.t('errors.graph.other', { error: e.message });
    }
  }
  return m.t('errors.graph.internal');
}
