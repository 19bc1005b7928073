// What to tell whom, from a diagnosis: the main finding and its cause, and the steps for the
// employee, the admin and the help desk. Card-agnostic (plain data), so a help-desk ticket or a
// text reply can reuse it; views.ts lays it out on the diagnosis card.
import { WORKAROUND_CODES, type Audience, type Diagnosis, type Finding, type FindingCode, type WorkaroundCode } from '../diagnosis';
import {
  HALF_FINISHED_REGISTRATION,
  HEADINGS,
  PROVIDER_SETUP,
  findingCopy,
  policyPhrase,
  workaroundSteps,
  WORKAROUNDS,
  type StepContext,
} from './copy';

export interface StepGroup {
  /** Omitted for the unheaded first group. */
  heading?: string;
  steps: string[];
}

export interface Advice {
  /** The finding the card is about (see mainFinding). */
  main: Finding;
  title: string;
  cause: string;
  /** One sentence for each other finding the employee should know about. */
  alsoFound: string[];
  /** The user holds a Temporary Access Pass that works right now. */
  tapValidNow: boolean;
  steps: Record<Audience, StepGroup[]>;
  /** A caveat under the admin's steps ('' when none). */
  adminNote: string;
}

export interface AdviceOptions {
  /** The bot offers "Request a Temporary Access Pass" (the employee's steps then explain it). */
  tapOffered: boolean;
}

/** The seed page's note under both Conditional Access workarounds. */
const REGISTER_SECURITY_INFO_NOTE =
  'With any of these changes, people must still meet any Conditional Access policy that targets Register security information, and any other conditions of the All resources policies.';

const NOTHING_FOUND: Finding = { code: 'no-blocker-found', blocking: false, policyIds: [], policyNames: [], evidence: [] };

const isCa = (code: FindingCode) => code.startsWith('ca-');
const isPolicy = (code: FindingCode) => isCa(code) || code.startsWith('passkey-') || code === 'authenticator-aaguid-blocked';

/**
 * The finding the card leads with: the first blocking one (the engine orders them most important
 * first). Without one, "no blocker found" rather than a non-blocking policy (e.g. report-only),
 * which would otherwise read as the cause.
 */
export function mainFinding(d: Diagnosis): Finding {
  return d.findings.find((f) => f.blocking) ?? d.findings.find((f) => f.code === 'no-blocker-found') ?? d.findings[0] ?? NOTHING_FOUND;
}

/** One workaround for one audience, with every finding it was offered for. */
interface Offer {
  code: WorkaroundCode;
  audience: Audience;
  findings: FindingCode[];
}

function offersOf(d: Diagnosis, main: Finding, tapOffered: boolean): Offer[] {
  const offers: Offer[] = [];
  for (const w of d.workarounds) {
    if (!(WORKAROUND_CODES as readonly string[]).includes(w.code)) continue; // newer engine, older cards
    const same = offers.find((o) => o.code === w.code && o.audience === w.for);
    if (!same) offers.push({ code: w.code, audience: w.for, findings: [w.finding] });
    else if (!same.findings.includes(w.finding)) same.findings.push(w.finding);
  }
  // The "Request a Temporary Access Pass" button needs a step saying what it is for.
  if (tapOffered && !offers.some((o) => o.code === 'temporary-access-pass' && o.audience === 'user')) {
    offers.unshift({ code: 'temporary-access-pass', audience: 'user', findings: [main.code] });
  }
  return offers;
}

export function adviceFor(d: Diagnosis, { tapOffered }: AdviceOptions): Advice {
  const main = mainFinding(d);
  // The engine offers the user a TAP with "no blocker found" only when it holds a valid one.
  const tapValidNow = d.workarounds.some((w) => w.code === 'temporary-access-pass' && w.for === 'user' && w.finding === 'no-blocker-found');
  const offers = offersOf(d, main, tapOffered);
  const blockingCaNames = d.findings.filter((f) => f.blocking && isCa(f.code)).flatMap((f) => f.policyNames);
  const contextOf = (findings: FindingCode[]): StepContext => {
    const own = d.findings.filter((f) => findings.includes(f.code) && isCa(f.code)).flatMap((f) => f.policyNames);
    return {
      findings,
      // A TAP or guest finding's workaround is about the CA policy that blocks, not the TAP settings.
      policies: policyPhrase(own.length > 0 ? own : blockingCaNames),
      platform: d.context.platform,
      tapOffered,
      tapValidNow,
    };
  };
  const stepsOf = (o: Offer) => workaroundSteps(o.code, o.audience, contextOf(o.findings));
  const headed = (audience: Audience): StepGroup[] =>
    offers.filter((o) => o.audience === audience).map((o) => ({ heading: WORKAROUNDS[o.code].title, steps: stepsOf(o) }));

  const mentioned = new Set<string>();
  const alsoFound = d.findings
    .filter((f) => f !== main && f.code !== 'no-blocker-found' && (f.blocking || !isPolicy(f.code)))
    .map((f) => findingCopy(f.code).cause)
    .filter((cause) => !mentioned.has(cause) && mentioned.add(cause));

  const adminOffers = offers.filter((o) => o.audience === 'admin');
  return {
    main,
    title: findingCopy(main.code).title,
    cause: findingCopy(main.code).cause,
    alsoFound,
    tapValidNow,
    steps: { user: userSteps(d, main, offers, stepsOf, contextOf), admin: headed('admin'), helpdesk: headed('helpdesk') },
    adminNote: adminOffers.some((o) => o.findings.some(isCa)) ? REGISTER_SECURITY_INFO_NOTE : '',
  };
}

/** The employee's steps: their workarounds, the phone checklist when nothing blocks, the help desk last. */
function userSteps(
  d: Diagnosis,
  main: Finding,
  offers: Offer[],
  stepsOf: (o: Offer) => string[],
  contextOf: (findings: FindingCode[]) => StepContext,
): StepGroup[] {
  const mine = offers.filter((o) => o.audience === 'user');
  const isContact = (o: Offer) => o.code === 'contact-help-desk';
  const groups: StepGroup[] = [{ steps: mine.filter((o) => !isContact(o)).flatMap(stepsOf) }];
  const nothingBlocks = main.code === 'no-blocker-found';
  if (nothingBlocks) groups.push(...phoneChecklist(d, contextOf([main.code])));
  // Never leave the employee without a next step: the help desk is always the last one.
  const findings = mine.find(isContact)?.findings ?? [main.code];
  const afterOtherSteps = groups.some((g) => g.steps.length > 0);
  const last = workaroundSteps('contact-help-desk', 'user', { ...contextOf(findings), afterOtherSteps });
  if (nothingBlocks) groups.push({ heading: HEADINGS.stillStuck, steps: last });
  else groups[0].steps.push(...last);
  return groups.filter((g) => g.steps.length > 0);
}

/** Nothing in the tenant blocks: the usual causes on the phone, most likely first. */
function phoneChecklist(d: Diagnosis, ctx: StepContext): StepGroup[] {
  const { platform, osVersion, crossDevice } = d.context;
  const steps = (code: WorkaroundCode) => workaroundSteps(code, 'user', ctx);
  const groups: StepGroup[] = [];
  if (osVersion === undefined) groups.push({ heading: HEADINGS.updateOs, steps: steps('update-os') });
  groups.push({ heading: HEADINGS.providerSetup, steps: [...PROVIDER_SETUP[platform]] });
  groups.push({ heading: HEADINGS.halfFinished, steps: [...HALF_FINISHED_REGISTRATION] });
  if (platform === 'android') groups.push({ heading: HEADINGS.workProfile, steps: steps('register-in-each-profile') });
  if (crossDevice !== false) groups.push({ heading: HEADINGS.crossDevice, steps: steps('register-in-authenticator-app') });
  return groups;
}
