// Domain data → template data → card. Each function supplies every field its template binds
// (the templating library leaves unbound `${...}` in the text), and only ever gets diagnosis or
// conversation data, never tokens or secrets.
import { english, type Messages } from '../i18n';
import type { Submit } from './actions';
import type { Diagnosis, Finding } from '../diagnosis';
import { adviceFor, type StepGroup } from './advice';
import { buttons, errorTitle, findingCopy, headings, platformLabel } from './copy';
import { evidenceWords } from './evidence-words';
import { renderCard, type AdaptiveCard } from './render';
import type { TenantContext } from './tenant-design';
import { dateTime } from './time-words';

/** Actions a card may carry; more and the Adaptive Cards host config (and Teams) drops them. */
export const MAX_ACTIONS = 5;

/** A submit payload the bot accepts, always tied to the conversation's session. */
export type CardSubmit = Submit & { session: string };

export interface DemoPersona {
  /** The demo user's id (sent back as `persona`). */
  id: string;
  name: string;
  /** What the persona demonstrates (the demo tenant's jobTitle). */
  scenario: string;
}

export function welcomeCard(input: { session: string; userName?: string; demoPersonas?: DemoPersona[] }, m: Messages = english()): AdaptiveCard {
  const name = input.userName?.trim();
  return renderCard('welcome', {
    session: input.session,
    title: m.t('welcome.title'),
    greeting: name ? m.t('welcome.greetingNamed', { name }) : m.t('welcome.greeting'),
    startButton: m.t('common.button.start'),
    hint: m.t('welcome.hint'),
    demoHeading: m.t('welcome.demoHeading'),
    demoIntro: m.t('welcome.demoIntro'),
    demoPersonas: (input.demoPersonas ?? []).map(({ id, name, scenario }) => ({ id, name, scenario })),
  });
}

export interface QuestionInput {
  session: string;
  questionId: string;
  title: string;
  text: string;
  choices: { title: string; value: string }[];
}

// The caller words the question (title, text, choices) in the reader's language; `m` is kept for
// the builders' common shape.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- no words of its own
export function questionCard(input: QuestionInput, m: Messages = english()): AdaptiveCard {
  if (input.choices.length === 0 || input.choices.length > MAX_ACTIONS) {
    throw new Error(`Question "${input.questionId}" has ${input.choices.length} choices; a card shows 1 to ${MAX_ACTIONS}`);
  }
  return renderCard('question', {
    session: input.session,
    questionId: input.questionId,
    title: input.title,
    text: input.text,
    choices: input.choices.map(({ title, value }) => ({ title, value })),
  });
}

export interface DiagnosisCardOptions {
  session: string;
  /** Show "Request a Temporary Access Pass": give it only where the engine's TAP remedy clears (tapClears). */
  tapOffered: boolean;
  /** Overrides the phone label built from the diagnosis context, e.g. "Pixel 8, Android 15". */
  platformLabel?: string;
  /** The user said they are on the phone itself (no QR-code advice), or on a computer (false). */
  onPhone?: boolean;
  /** What is known about the tenant (its split design), for the IT team's section. */
  tenant?: TenantContext;
  /** The employee's time zone (from their Teams client); undefined: UTC, said as such. */
  timeZone?: string;
}

type CardAction = { title: string; style: 'positive' | 'default'; data: CardSubmit };

/**
 * The employee's card: the cause in one sentence, their steps in order, one clear action. The
 * admin's changes, other findings and the evidence are in a collapsed "For your IT team" section
 * (they also go to the ticket). "That fixed it" only where the employee's own steps may be enough.
 */
export function diagnosisCard(diagnosis: Diagnosis, options: DiagnosisCardOptions, m: Messages = english()): AdaptiveCard {
  const advice = adviceFor(diagnosis, { tapOffered: options.tapOffered, tenant: options.tenant, onPhone: options.onPhone, timeZone: options.timeZone }, m);
  const { context } = diagnosis;
  const phone = options.platformLabel ?? platformLabel(context.platform, context.osVersion, m);
  const button = buttons(m);
  const heading = headings(m);
  const submit = (action: 'requestTap' | 'contactHelpDesk' | 'fixed'): CardSubmit => ({ action, session: options.session });
  const actions: CardAction[] =
    // A pass that starts later is waited for, not replaced.
    options.tapOffered && advice.tapClears && advice.main.code !== 'tap-not-yet-valid'
      ? [{ title: button.requestTap, style: 'positive', data: submit('requestTap') }]
      : advice.selfService
        ? [
            { title: button.fixed, style: 'positive', data: submit('fixed') },
            { title: button.contactHelpDesk, style: 'default', data: submit('contactHelpDesk') },
          ]
        : [{ title: button.contactHelpDesk, style: 'positive', data: submit('contactHelpDesk') }];
  const sections = advice.steps.admin.length > 0 ? [{ heading: heading.admin, note: advice.adminNote, groups: numbered(advice.steps.admin) }] : [];
  return renderCard('diagnosis', {
    title: advice.title,
    subtitle: [diagnosis.user.displayName, phone].filter(Boolean).join(' · '),
    cause: advice.cause,
    stepsHeading: heading.user,
    groups: numbered(advice.steps.user),
    itTeamHeading: heading.itTeam,
    sections,
    alsoFoundHeading: heading.alsoFoundIt,
    alsoFound: advice.alsoFound.map((text) => ({ text })),
    detailsHeading: heading.details,
    facts: [
      { title: m.t('diagnosis.fact.phone'), value: phone },
      ...(context.androidProfile ? [{ title: m.t('diagnosis.fact.androidProfile'), value: m.t('diagnosis.profile', { profile: context.androidProfile }) }] : []),
      { title: m.t('diagnosis.fact.checked'), value: formatTime(context.at, options.timeZone, m) },
    ],
    // The engine's evidence, worded for the reader by evidence-words.
    details: diagnosis.findings.map((f) => ({ heading: detailsHeading(f, m), evidence: evidenceWords(f, m).map((text) => ({ text })) })),
    actions,
    itTeamButton: button.itTeam,
  }, { messages: m });
}

export function errorCard(input: { title?: string; message: string; session?: string }, m: Messages = english()): AdaptiveCard {
  return renderCard(
    'error',
    {
      title: input.title ?? errorTitle(m),
      message: input.message,
      session: input.session ?? '',
      canStartOver: Boolean(input.session),
      startOverButton: buttons(m).startOver,
    },
    { messages: m },
  );
}

export interface NoticeInput {
  title: string;
  text: string;
  /**
   * Chat commands to show as typed, e.g. "campaign start <group> <date>": monospace TextRuns,
   * which are never markdown (a TextBlock would drop "<group>" as an HTML tag), with a short note.
   */
  commands?: { command: string; note?: string }[];
  /** A paragraph after the commands ('' or absent: none). */
  after?: string;
  facts?: { title: string; value: string }[];
  actions?: { title: string; data: CardSubmit }[];
  /** "success" colours the title green; default "info". */
  tone?: 'info' | 'success';
}

/** A notice: the caller words title, text, facts and buttons in the reader's language. */
export function noticeCard(input: NoticeInput, m: Messages = english()): AdaptiveCard {
  const actions = input.actions ?? [];
  if (actions.length > MAX_ACTIONS) throw new Error(`A notice card shows at most ${MAX_ACTIONS} actions, got ${actions.length}`);
  return renderCard(
    'notice',
    {
      title: input.title,
      titleColor: input.tone === 'success' ? 'Good' : 'Default',
      text: input.text,
      commands: (input.commands ?? []).map(({ command, note }) => ({ command, note: note ? m.t('common.commandNote', { note }) : '' })),
      after: input.after ?? '',
      facts: (input.facts ?? []).map(({ title, value }) => ({ title, value })),
      actions: actions.map(({ title, data }) => ({ title, data })),
    },
    { messages: m },
  );
}

/**
 * Step groups with their numbers as text. Each step is one RichTextBlock (number and text as two
 * TextRuns: no markdown, so policy names from the tenant appear exactly as written). A ColumnSet
 * per step looked the same but cost three times the bytes and templating work per step.
 */
function numbered(groups: StepGroup[]) {
  return groups.map((g) => ({ heading: g.heading ?? '', steps: g.steps.map((text, i) => ({ number: `${i + 1}.`, text })) }));
}

function detailsHeading(f: Finding, m: Messages): string {
  if (f.blocking || f.code === 'no-blocker-found') return findingCopy(f.code, m).title;
  const what = f.code.startsWith('ca-') && f.policies.length > 0 ? f.policies.map((p) => p.name).join(', ') : findingCopy(f.code, m).title;
  return m.t('diagnosis.notBlocking', { what });
}

/** "5 Oct, 14:00 UTC" (or in the employee's zone and language); the diagnosis carries an ISO time. */
function formatTime(iso: string, zone: string | undefined, m: Messages): string {
  return Number.isNaN(Date.parse(iso)) ? iso : dateTime(iso, zone, {}, m.locale);
}
