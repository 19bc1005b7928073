// The conversation: one turn in (text, card submit, or first contact), cards out. It knows the
// employee only by their Entra object id and reads their facts through the diagnoser; it never
// asks them for admin facts. SDK-free: the Teams layer turns activities into turns and back.
import { randomUUID } from 'node:crypto';
import { BUTTONS, diagnosisCard, type AdaptiveCard, errorCard, findingCopy, noticeCard, questionCard, ticketConfirmationCard, welcomeCard, HALF_FINISHED_REGISTRATION } from '../cards';
import { tapClears } from '../cards/advice';
import { FIXED, providerSetupSteps } from '../cards/copy';
import { splitDesignsOf, type TenantContext } from '../cards/tenant-design';
import { followUpUpdate, ticketUpdateCard } from '../cards/requester-views';
import type { Person, Ticket } from '../tickets/ticket';
import { upgradeStoredDiagnosis, type Diagnosis, type RegistrationContext, type TenantFacts } from '../diagnosis';
import { GraphReadError } from '../graph/errors';
import type { Counters } from '../metrics';
import { addText, answer, newIntake, nextQuestion, onPhone, registrationContext, type IntakeState } from './intake';
import { parseSubmit } from './submit';
import { MAX_MESSAGE_CHARS, MAX_NAME_CHARS, isGreeting, isStartOver, userText, type UserText } from './text';
import { conversationLanguage, type Language, type LanguageSource } from './language';

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
  /** Admin command "audit": the tenant's passkey readiness summary. */
  auditCommand?(userId: string): Promise<AdaptiveCard>;
  /** Admin commands ("campaign start GROUP DATE", "campaign status"): answers with a card. */
  campaignCommand?(userId: string, text: string): Promise<AdaptiveCard>;
  /** Operator log (structured, no secrets: Graph errors are already redacted). */
  log?(event: Record<string, unknown>): void;
  /** Counts diagnoses by finding (the root passes the process's metrics). */
  metrics?: Counters;
}


/** What the conversation needs from the help desk (SDK-free; see src/helpdesk). */
export interface HelpDeskPort {
  open(input: { requester: Person; reason: 'contactHelpDesk' | 'requestTap'; diagnosis: Diagnosis | null; errorIds: Ticket['errorIds']; transcript: string[] }): Promise<Ticket>;
  openTicketOf(aadObjectId: string): Promise<Ticket | undefined>;
  requesterAnswer(ticketId: string, requester: Person, fixed: boolean): Promise<{ outcome: string; message: string }>;
  /** Something the requester said or pressed about their open ticket: added to it (history, transcript, thread). */
  followUp?(ticketId: string, requester: Person, text: string): Promise<{ outcome: string; message: string; ticket?: Ticket }>;
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
    return { state: s, cards: [errorCard({ message: 'I could not tell who you are (your Teams account has no Microsoft Entra object id), so I cannot look up your sign-in settings. Please contact your help desk.' })] };
  }
  s = { ...s, owner: s.owner ?? from.aadObjectId, ...conversationLanguage(s, from.locale, turn.kind === 'text' ? turn.text : undefined), ...(from.timeZone ? { timeZone: from.timeZone } : {}) };
  const userId = s.persona ?? from.aadObjectId;
  const welcome = () => welcomeCard({ session: s.intake.session, userName: from.name, demoPersonas: deps.personas });
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
    if (/^my ticket\b/i.test(text)) {
      const ticket = deps.helpDesk ? await deps.helpDesk.openTicketOf(userId) : undefined;
      return {
        state: s,
        cards: [ticket ? ticketConfirmationCard(ticket) : noticeCard({ title: 'No open ticket', text: 'You have no open help-desk ticket. Say "help" if something is not working.' })],
      };
    }
    if (/^audit\b/i.test(text) && deps.auditCommand) return { state: s, cards: [await deps.auditCommand(userId)] };
    if (/^campaign\b/i.test(text) && deps.campaignCommand) return { state: s, cards: [await deps.campaignCommand(userId, text)] };
    s = { ...s, intake: addText(s.intake, text, input.trimmed ? input.length : undefined) };
    // With a ticket open, what they say is a follow-up: it goes to the ticket first (which checks them afresh).
    const followed = await followUp(deps, userId, { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' }, text);
    const result = await proceed(deps, s, userId);
    const cards = [...(input.trimmed ? [trimmedNotice(input)] : []), ...(followed ? [followed] : []), ...result.cards];
    return { ...result, cards };
  }

  // A card submit: validate whatever arrived.
  const parsed = parseSubmit(turn.value);
  if ('error' in parsed) return { state: s, cards: [errorCard({ message: `${parsed.error} Nothing was changed. Type "help" to see what I can do.`, session: s.intake.session })] };
  const submit = parsed.submit;
  if (s.owner && from.aadObjectId !== s.owner && !deps.personas) {
    return { state: s, cards: [errorCard({ message: 'That card belongs to someone else\'s conversation with me, so I did not act on it.' })] };
  }
  // Cards sent proactively (ticket updates) are not tied to the intake session.
  // Buttons on notices (campaigns, tickets) are not tied to the intake either.
  const sessionBound = !['start', 'persona', 'ticketFixed', 'ticketReopen', 'requestTap', 'contactHelpDesk'].includes(submit.action);
  if (sessionBound && submit.session !== s.intake.session) {
    return {
      state: s,
      cards: [errorCard({ message: 'That card is from an earlier conversation, so I did not act on it. Here is where we are now.', session: s.intake.session }), ...(await proceed(deps, s, userId, true)).cards],
    };
  }

  switch (submit.action) {
    case 'persona': {
      const persona = deps.personas?.find((p) => p.id === submit.persona);
      if (!persona) return { state: s, cards: [errorCard({ message: 'Demo personas are only available in the offline demo, and that one is not in the demo tenant.', session: s.intake.session })] };
      s = { ...s, persona: persona.id, intake: newIntake(session()), lastDiagnosis: undefined };
      return {
        state: s,
        cards: [
          noticeCard({ title: `You are now ${persona.name}`, text: `${persona.scenario}. Tell me what went wrong, or answer the questions below.` }),
          ...(await proceed(deps, s, persona.id)).cards,
        ],
      };
    }
    case 'start':
      s = { ...s, intake: newIntake(session()), lastDiagnosis: undefined };
      return {
        state: s,
        cards: [noticeCard({ title: 'Let\'s find out what is blocking you', text: 'You can also type what happened or paste the error message (with its Request Id and Correlation Id if shown).' }), ...(await proceed(deps, s, userId)).cards],
      };
    case 'answer': {
      const r = answer(s.intake, submit.question, submit.value);
      if ('error' in r) return { state: s, cards: [errorCard({ message: `${r.error} Please pick one of the buttons.`, session: s.intake.session }), ...(await proceed(deps, s, userId, true)).cards] };
      s = { ...s, intake: r.state };
      return proceed(deps, s, userId);
    }
    case 'startOver':
      return startOver();
    case 'fixed':
      return fixed(deps, s, userId);
    case 'requestTap':
    case 'contactHelpDesk': {
      if (!deps.helpDesk) return { state: s, cards: [helpDeskSummary(s, submit.action === 'requestTap')] };
      const requester: Person = { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' };
      // Pressed again with a ticket open: the ticket hears about it, and they are told who has it.
      const again = await followUp(deps, userId, requester, `pressed "${submit.action === 'requestTap' ? BUTTONS.requestTap : BUTTONS.contactHelpDesk}" again`);
      if (again) return { state: s, cards: [again] };
      const existing = await deps.helpDesk.openTicketOf(userId);
      if (existing) return { state: s, cards: [ticketConfirmationCard(existing)] };
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
        return { state: s, cards: [ticketConfirmationCard(ticket)] };
      } catch (e) {
        deps.log?.({ event: 'ticket.open.failed', error: (e as Error).message });
        return { state: s, cards: [errorCard({ message: 'I could not reach the help desk just now. Nothing was lost: please tap the button again in a minute.', session: s.intake.session }), helpDeskSummary(s, submit.action === 'requestTap')] };
      }
    }
    case 'ticketFixed':
    case 'ticketReopen': {
      if (!deps.helpDesk) return { state: s, cards: [errorCard({ message: 'Tickets are not enabled here.' })] };
      const requester: Person = { aadObjectId: userId, name: personaName(deps, s) ?? from.name ?? 'Employee' };
      const r = await deps.helpDesk.requesterAnswer(submit.ticketId, requester, submit.action === 'ticketFixed');
      if (r.outcome !== 'done') return { state: s, cards: [errorCard({ message: r.message })] };
      return {
        state: s,
        cards: [
          submit.action === 'ticketFixed'
            ? await ticketClosedCard(deps, userId, submit.ticketId)
            : noticeCard({ title: `Ticket ${submit.ticketId} is open again`, text: 'I told the help desk it still does not work. They will get back to you here.' }),
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
async function proceed(deps: ConversationDeps, s: ConversationState, userId: string, repeat = false): Promise<TurnResult> {
  const q = nextQuestion(s.intake);
  if (q) prefetch(deps, s, userId);
  if (q) return { state: s, cards: [questionCard({ session: s.intake.session, questionId: q.id, title: q.title, text: q.text, choices: q.choices })] };
  if (repeat && s.lastDiagnosis) return { state: s, cards: [await cardFor(deps, s, s.lastDiagnosis)] };

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
    return { state: s, cards: [errorCard({ title: 'I could not check your settings', message: explainGraphError(e), session: s.intake.session })] };
  }
  clearTimeout(timer);
  await typing; // sent before the card
  deps.metrics?.inc('passkey_diagnoses_total', { code: diagnosis.findings.find((f) => f.blocking)?.code ?? diagnosis.findings[0]?.code ?? 'none' });
  s = { ...s, lastDiagnosis: diagnosis, intake: { ...s.intake, transcript: [...s.intake.transcript, `diagnosed: ${diagnosis.findings.map((f) => findingCopy(f.code).title).join('; ')}`].slice(-30) } };
  const cards: AdaptiveCard[] = [await cardFor(deps, s, diagnosis)];
  // When nothing in the tenant blocks, the diagnosis card already carries the phone checklist.
  const symptoms = diagnosis.findings.some((f) => f.blocking) ? s.intake.report.symptoms : [];
  if (symptoms.includes('passkey-already-exists')) {
    cards.push(noticeCard({ title: 'If Authenticator says "passkey already exists"', text: HALF_FINISHED_REGISTRATION.map((step, i) => `${i + 1}. ${step}`).join('\n\n') }));
  }
  if (symptoms.includes('not-allowed-error') || symptoms.includes('provider-setup')) {
    const steps = providerSetupSteps(diagnosis.context.platform, diagnosis.context.osVersion);
    cards.push(noticeCard({ title: 'Turn on Authenticator as your passkey provider', text: steps.map((step, i) => `${i + 1}. ${step}`).join('\n\n') }));
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
async function followUp(deps: ConversationDeps, userId: string, requester: Person, text: string): Promise<AdaptiveCard | undefined> {
  const desk = deps.helpDesk;
  if (!desk?.followUp) return undefined;
  try {
    const open = await desk.openTicketOf(userId);
    if (!open) return undefined;
    const r = await desk.followUp(open.id, requester, text);
    return r.outcome === 'done' && r.ticket ? ticketUpdateCard(followUpUpdate(r.ticket)) : undefined;
  } catch (e) {
    deps.log?.({ event: 'ticket.followUp.failed', error: (e as Error).message });
    return undefined;
  }
}

/** Says that only the start of a long message was read. */
function trimmedNotice(input: UserText): AdaptiveCard {
  return noticeCard({
    title: 'I read the first part of your message',
    text: `Your message had ${input.length.toLocaleString('en-US')} characters, so I read only the first ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters. If the error's Request Id or Correlation Id came after that, send just those lines.`,
  });
}

function personaName(deps: ConversationDeps, s: ConversationState): string | undefined {
  return s.persona ? deps.personas?.find((p) => p.id === s.persona)?.name : undefined;
}

/**
 * The employee's diagnosis card. "Request a Temporary Access Pass" only where the engine's TAP
 * remedy clears every blocker; no QR-code advice for someone on the phone; the IT team's advice
 * fits the tenant (read from the Graph layer's cache; without it, the card goes by the diagnosis).
 */
async function cardFor(deps: ConversationDeps, s: ConversationState, diagnosis: Diagnosis): Promise<AdaptiveCard> {
  let tenant: TenantContext | undefined;
  if (deps.tenantFacts) {
    try {
      tenant = { splitDesigns: splitDesignsOf(await deps.tenantFacts()) };
    } catch (e) {
      deps.log?.({ event: 'tenant.facts.unavailable', error: e instanceof GraphReadError ? e.message : (e as Error).name });
    }
  }
  return diagnosisCard(diagnosis, { session: s.intake.session, tapOffered: tapClears(diagnosis), onPhone: onPhone(s.intake), tenant, ...(s.timeZone ? { timeZone: s.timeZone } : {}) });
}

/**
 * "That fixed it": congratulate only once Graph shows the passkey. The user's cached facts are
 * forgotten first (they changed something), then their passkeys are read afresh; one added since
 * the diagnosis (a few minutes' grace for clocks) counts. Not there yet: say so, and offer help.
 */
async function fixed(deps: ConversationDeps, s: ConversationState, userId: string): Promise<TurnResult> {
  deps.forgetUser?.(userId);
  const session = s.intake.session;
  const help = { title: BUTTONS.contactHelpDesk, data: { action: 'contactHelpDesk' as const, session } };
  if (!deps.passkeyRegistered) return { state: s, cards: [noticeCard({ ...FIXED.unchecked, actions: [help] })] };
  const at = s.lastDiagnosis ? Date.parse(s.lastDiagnosis.context.at) : NaN;
  const since = Number.isNaN(at) ? undefined : new Date(at - FIXED_GRACE_MS).toISOString();
  let registered: boolean;
  try {
    registered = await deps.passkeyRegistered(userId, since);
  } catch (e) {
    deps.log?.({ event: 'passkey.check.failed', user: userId, error: e instanceof GraphReadError ? e.message : (e as Error).name });
    return { state: s, cards: [noticeCard({ ...FIXED.unchecked, actions: [{ title: BUTTONS.checkAgain, data: { action: 'fixed', session } }, help] })] };
  }
  if (!registered) {
    s = { ...s, intake: { ...s.intake, transcript: [...s.intake.transcript, 'said it was fixed; no passkey in Authenticator yet'].slice(-30) } };
    return { state: s, cards: [noticeCard({ ...FIXED.notYet, actions: [{ title: BUTTONS.checkAgain, data: { action: 'fixed', session } }, help] })] };
  }
  s = { ...s, intake: newIntake((deps.newSession ?? randomUUID)()), lastDiagnosis: undefined };
  return { state: s, cards: [noticeCard({ ...FIXED.ready, tone: 'success' })] };
}

/** The requester closed their ticket: "your passkey is ready" only when Graph shows it. */
async function ticketClosedCard(deps: ConversationDeps, userId: string, ticketId: string): Promise<AdaptiveCard> {
  deps.forgetUser?.(userId);
  const registered = deps.passkeyRegistered ? await deps.passkeyRegistered(userId).catch(() => undefined) : undefined;
  return registered
    ? noticeCard({ title: FIXED.ready.title, tone: 'success', text: `Ticket ${ticketId} is closed. ${FIXED.ready.text}` })
    : noticeCard({ title: `Ticket ${ticketId} is closed`, text: 'Thanks for letting the help desk know. If adding the passkey still does not work, say "help" and we will look again.' });
}

/** Graph's clock and ours may differ a little: a passkey this much older than the diagnosis still counts. */
const FIXED_GRACE_MS = 5 * 60_000;

function helpDeskSummary(s: ConversationState, tap: boolean): AdaptiveCard {
  const d = s.lastDiagnosis;
  const r = s.intake.report;
  const facts = [
    ...(d ? [{ title: 'Diagnosis', value: d.findings.map((f) => f.code).join(', ') }] : []),
    ...(d?.findings.some((f) => f.policies.length) ? [{ title: 'Policies', value: [...new Set(d.findings.flatMap((f) => f.policies.map((p) => p.name)))].join(', ') }] : []),
    ...(r.requestId ? [{ title: 'Request Id', value: r.requestId }] : []),
    ...(r.correlationId ? [{ title: 'Correlation Id', value: r.correlationId }] : []),
    ...(r.errorTimestamp ? [{ title: 'Timestamp', value: r.errorTimestamp }] : []),
  ];
  return noticeCard({
    title: tap ? 'Ask the help desk for a Temporary Access Pass' : 'Contact the help desk',
    text: `Share these details with your help desk so they can see what I found${tap ? ' and issue a Temporary Access Pass that works on your phone' : ''}.`,
    facts,
  });
}

export function explainGraphError(e: unknown): string {
  if (e instanceof GraphReadError) {
    switch (e.kind) {
      case 'notFound':
        return 'I could not find your account in the directory. If you were just added, try again in a few minutes; otherwise contact your help desk.';
      case 'forbidden':
      case 'unauthorized':
        return 'I am not allowed to read your sign-in settings (the bot is missing a Microsoft Graph permission). Your admin has been told; please contact your help desk meanwhile.';
      case 'throttled':
      case 'unavailable':
      case 'timeout':
        return 'Microsoft Graph is busy or not answering right now. Nothing was lost: say "help" and try again in a minute.';
      default:
        return `Microsoft Graph answered with an error (${e.message}). Please try again, or contact your help desk.`;
    }
  }
  return 'Something went wrong on my side while checking your settings. Please try again, or contact your help desk.';
}
