// What to tell whom, from a diagnosis: the main finding and its cause, and the steps for the
// employee, the admin and the help desk. Card-agnostic (plain data), so a help-desk ticket or a
// text reply can reuse it; views.ts lays it out on the diagnosis card.
//
// The employee's steps promise only what the engine checked: a Temporary Access Pass is offered
// as the way through only where its remedy `clears` (diagnosis.md, "Remedies"), and otherwise the
// help desk takes it. The admin's steps stay consistent with the tenant: no split design proposed
// where one is in place (the blocking policy already accepts a TAP, or the tenant has the design
// for other people), a security key first where only security keys are allowed.
import { WORKAROUND_CODES, type Audience, type Diagnosis, type Finding, type FindingCode, type PasskeySettingsRef, type Remedy, type WorkaroundCode } from '../diagnosis';
import { english, type Messages } from '../i18n';
import {
  extendSplitDesign,
  findingCopy,
  halfFinishedRegistration,
  headings,
  helpDeskFallback,
  helpDeskOnly,
  passkeysOffForGroup,
  providerSetupSteps,
  securityKeyFirst,
  securityKeySteps,
  securityKeysOnlyCopy,
  splitDesignInPlace,
  workaroundSteps,
  workaroundTitle,
  type FindingCopy,
  type StepContext,
} from './copy';
import type { TenantContext } from './tenant-design';
import { grantSummary, settingsWords } from './evidence-words';
import { clockTime } from './time-words';

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
  /** One sentence for each other finding worth knowing (shown to the IT team, not as the cause). */
  alsoFound: string[];
  /** The user holds a Temporary Access Pass that works right now. */
  tapValidNow: boolean;
  steps: Record<Audience, StepGroup[]>;
  /** A caveat under the admin's steps ('' when none). */
  adminNote: string;
  /** The employee's own steps may be enough (so "That fixed it" makes sense on their card). */
  selfService: boolean;
  /** The engine checked that a new Temporary Access Pass clears every blocker. */
  tapClears: boolean;
}

export interface AdviceOptions {
  /** The bot offers "Request a Temporary Access Pass" (the employee's steps then explain it). */
  tapOffered: boolean;
  /** What is known about the tenant beyond this diagnosis (its split design). */
  tenant?: TenantContext;
  /** The user said they are adding the passkey on the phone itself (no QR-code advice then). */
  onPhone?: boolean;
  /** The reader's time zone (IANA), for times in the steps; UTC when absent. */
  timeZone?: string;
}

const NOTHING_FOUND: Finding = { code: 'no-blocker-found', blocking: false, policies: [], evidence: [] };
const TAP_STATES: ReadonlySet<FindingCode> = new Set(['tap-expired', 'tap-used', 'tap-not-yet-valid']);
/** The passkey settings: while one of these blocks, no change to a sign-in rule lets Authenticator hold a passkey. */
const PASSKEY_SETTINGS: ReadonlySet<FindingCode> = new Set(['passkey-method-disabled', 'passkey-self-service-disabled', 'authenticator-aaguid-blocked', 'passkey-profile-excludes-authenticator']);
/** Workarounds an employee carries out alone (the engine's SELF_SERVICE). */
const SELF_SERVICE: ReadonlySet<WorkaroundCode> = new Set(['satisfy-register-security-info', 'register-in-each-profile', 'register-in-authenticator-app', 'update-os']);

const isCa = (code: FindingCode) => code.startsWith('ca-');
const isPolicy = (code: FindingCode) => isCa(code) || code.startsWith('passkey-') || code === 'authenticator-aaguid-blocked';

/** The engine's check of a new Temporary Access Pass, when it made one. */
export function tapRemedy(d: Diagnosis): Remedy | undefined {
  return (d.remedies ?? []).find((r) => r.code === 'temporary-access-pass');
}

/**
 * A new Temporary Access Pass gets the user through: the engine's remedy clears. A diagnosis
 * stored before remedies existed falls back to the engine's own offer of a TAP for a blocking finding.
 */
export function tapClears(d: Diagnosis): boolean {
  if (d.remedies) return tapRemedy(d)?.clears === true;
  const blocking = new Set(d.findings.filter((f) => f.blocking).map((f) => f.code));
  return d.workarounds.some((w) => w.code === 'temporary-access-pass' && blocking.has(w.finding));
}

/**
 * The finding the card leads with: the one that explains the failure best. A Temporary Access
 * Pass that expired, was used or is not valid yet, under policies a new pass satisfies, is the
 * cause (the loop is only what it looks like). Passkey settings that keep Authenticator out come
 * before sign-in rules (no rule change would help). Otherwise the first blocking one (the engine orders
 * them most important first). Without one, "no blocker found" rather than a non-blocking policy
 * (e.g. report-only), which would otherwise read as the cause.
 */
export function mainFinding(d: Diagnosis): Finding {
  const tapState = d.findings.find((f) => f.blocking && TAP_STATES.has(f.code));
  if (tapState && tapClears(d)) return tapState;
  // Passkey settings that keep Authenticator out whatever the sign-in rules say explain more than any of those rules.
  const settings = d.findings.find((f) => f.blocking && PASSKEY_SETTINGS.has(f.code));
  if (settings) return settings;
  return d.findings.find((f) => f.blocking) ?? d.findings.find((f) => f.code === 'no-blocker-found') ?? d.findings[0] ?? NOTHING_FOUND;
}

/** The group that excludes the user from passkeys, from the engine's evidence ("excluded through group "X""). */
export function excludingGroup(f: Finding): string | undefined {
  if (f.code !== 'passkey-method-disabled') return undefined;
  for (const e of f.evidence) {
    if (e.kind === 'method' && e.issue === 'user-excluded' && e.through !== 'user') return e.through.group;
  }
  return undefined;
}

/**
 * Key restrictions that allow only listed keys (not Authenticator): the passkey profile or settings
 * named, when the evidence says so (`where` in English, `settings` for the reader's words).
 */
export function securityKeysOnly(f: Finding): { where: string; settings: PasskeySettingsRef[] } | undefined {
  if (f.code !== 'authenticator-aaguid-blocked') return undefined;
  const e = f.evidence.find((x) => x.kind === 'method' && x.issue === 'aaguid-not-allowed' && x.restrictions.some((r) => r.enforcementType === 'allow'));
  if (!e || e.kind !== 'method' || e.issue !== 'aaguid-not-allowed') return undefined;
  return { where: e.settings.map(settingsWords).join(' and '), settings: e.settings };
}

/** The words for the main finding, made specific where the evidence allows. */
function copyFor(f: Finding, m: Messages): FindingCopy {
  const group = excludingGroup(f);
  if (group) return passkeysOffForGroup(group, m);
  if (securityKeysOnly(f)) return securityKeysOnlyCopy(m);
  return findingCopy(f.code, m);
}

/** A blocking CA finding whose policies already accept a Temporary Access Pass (the guide's mobile policy). */
function acceptsTap(d: Diagnosis, f: Finding): boolean {
  if (!isCa(f.code)) return false;
  const resolved = new Set((tapRemedy(d)?.detail?.resolved ?? []).map((p) => p.id));
  if (f.policies.some((p) => resolved.has(p.id))) return true;
  // The engine reports a TAP's state, or the TAP method being off, only when a TAP would satisfy the blocking policies.
  if (d.findings.some((x) => x.blocking && (TAP_STATES.has(x.code) || x.code === 'tap-method-disabled'))) return true;
  // A guest (the TAP remedy cannot be applied): the grant in the evidence says whether it takes a TAP.
  return f.evidence.some((e) => (e.kind === 'policy' || e.kind === 'observed-policy') && /Temporary Access Pass/.test(grantSummary(e.grant)));
}

const isGuest = (d: Diagnosis) => d.findings.some((f) => f.code === 'tap-unavailable-for-guest') || tapRemedy(d)?.detail?.notApplicable?.code === 'tap-unavailable-for-guest';

/** One workaround for one audience, with every finding it was offered for. */
interface Offer {
  code: WorkaroundCode;
  audience: Audience;
  findings: FindingCode[];
}

function offersOf(d: Diagnosis): Offer[] {
  const offers: Offer[] = [];
  for (const w of d.workarounds) {
    if (!(WORKAROUND_CODES as readonly string[]).includes(w.code)) continue; // newer engine, older cards
    const same = offers.find((o) => o.code === w.code && o.audience === w.for);
    if (!same) offers.push({ code: w.code, audience: w.for, findings: [w.finding] });
    else if (!same.findings.includes(w.finding)) same.findings.push(w.finding);
  }
  return offers;
}

export function adviceFor(d: Diagnosis, options: AdviceOptions, m: Messages = english()): Advice {
  const { tapOffered } = options;
  const main = mainFinding(d);
  // The engine offers the user a TAP with "no blocker found" only when it holds a valid one.
  const tapValidNow = d.workarounds.some((w) => w.code === 'temporary-access-pass' && w.for === 'user' && w.finding === 'no-blocker-found');
  // When it stops working, in the reader's zone: "works now, until 11:00 CET" always names the end.
  const until = d.findings.flatMap((f) => f.evidence).find((e) => e.kind === 'nothing-found' && e.checked === 'tap-valid');
  const tapValidUntil = tapValidNow && until?.kind === 'nothing-found' && until.checked === 'tap-valid' && until.until ? clockTime(until.until, options.timeZone, m.locale) : undefined;
  const clears = tapClears(d);
  const offers = offersOf(d);
  const blockingCaNames = d.findings.filter((f) => f.blocking && isCa(f.code)).flatMap((f) => f.policies.map((p) => p.name));
  const contextOf = (findings: FindingCode[], extra: Partial<StepContext> = {}): StepContext => {
    const own = d.findings.filter((f) => findings.includes(f.code) && isCa(f.code)).flatMap((f) => f.policies.map((p) => p.name));
    return {
      findings,
      // A TAP or guest finding's workaround is about the CA policy that blocks, not the TAP settings.
      policyNames: own.length > 0 ? own : blockingCaNames,
      platform: d.context.platform,
      tapOffered,
      tapValidNow,
      ...(tapValidUntil ? { tapValidUntil } : {}),
      ...extra,
    };
  };
  const stepsOf = (o: Offer) => workaroundSteps(o.code, o.audience, contextOf(o.findings), m);
  const headed = (audience: Audience): StepGroup[] =>
    offers.filter((o) => o.audience === audience).map((o) => ({ heading: workaroundTitle(o.code, m), steps: stepsOf(o) }));

  const mentioned = new Set<string>([copyFor(main, m).cause]);
  const alsoFound = d.findings
    .filter((f) => f !== main && f.code !== 'no-blocker-found' && (f.blocking || !isPolicy(f.code)))
    .map((f) => copyFor(f, m).cause)
    .filter((cause) => !mentioned.has(cause) && mentioned.add(cause));

  const blocking = d.findings.filter((f) => f.blocking);
  const selfService = blocking.length === 0 || !d.escalate;
  const admin = adminSteps(d, offers, stepsOf, contextOf, options.tenant, clears, m);
  const copy = copyFor(main, m);
  return {
    main,
    title: copy.title,
    cause: copy.cause,
    alsoFound,
    tapValidNow,
    steps: {
      user: userSteps(d, main, offers, contextOf, { ...options, tapClears: clears, selfService, tapValidNow }, m),
      admin,
      helpdesk: headed('helpdesk'),
    },
    adminNote: admin.length > 0 && offers.some((o) => o.audience === 'admin' && o.findings.some(isCa)) && !clears ? m.t('diagnosis.admin.note') : '',
    selfService,
    tapClears: clears,
  };
}

interface UserStepOptions extends AdviceOptions {
  tapClears: boolean;
  selfService: boolean;
  tapValidNow: boolean;
}

/**
 * The employee's steps, in the order to do them: a Temporary Access Pass where the engine checked
 * that it clears (or one they hold or wait for), their own fixes, the phone checklist when nothing
 * blocks, and the help desk — as the fallback when their steps may be enough, as the way through
 * otherwise. No admin vocabulary: the admin's part is in the collapsed section and the ticket.
 */
function userSteps(
  d: Diagnosis,
  main: Finding,
  offers: Offer[],
  contextOf: (findings: FindingCode[], extra?: Partial<StepContext>) => StepContext,
  o: UserStepOptions,
  m: Messages,
): StepGroup[] {
  const first: string[] = [];
  const groups: StepGroup[] = [{ steps: first }];
  const tapOffer = offers.find((x) => x.code === 'temporary-access-pass' && x.audience === 'user');
  const waitingForTap = main.code === 'tap-not-yet-valid';
  const tapPath = o.tapValidNow || waitingForTap || (o.tapClears && (o.tapOffered || tapOffer !== undefined));
  if (tapPath) {
    first.push(...workaroundSteps('temporary-access-pass', 'user', contextOf(tapOffer?.findings ?? [main.code]), m));
  }
  for (const offer of offers.filter((x) => x.audience === 'user' && SELF_SERVICE.has(x.code))) {
    if (offer.code === 'register-in-authenticator-app' && o.onPhone) continue; // already on the phone
    first.push(...workaroundSteps(offer.code, 'user', contextOf(offer.findings), m));
  }
  const securityKeys = d.findings.some((f) => f.blocking && securityKeysOnly(f));
  const nothingBlocks = main.code === 'no-blocker-found' || !d.findings.some((f) => f.blocking);
  if (nothingBlocks) groups.push(...phoneChecklist(d, contextOf([main.code]), m, o.onPhone));

  if (securityKeys) first.push(...securityKeySteps(m));
  else if (o.selfService) {
    const last = { heading: headings(m).stillStuck, steps: [helpDeskFallback(m)] };
    if (nothingBlocks) groups.push(last);
    else first.push(helpDeskFallback(m));
  } else if (!tapPath) {
    // Nothing the employee can do alone gets them through: the help desk will look at it.
    const helpDesk = helpDeskOnly(m);
    first.push(...helpDesk.slice(0, first.length > 0 ? 1 : helpDesk.length));
  }
  return groups.filter((g) => g.steps.length > 0);
}

/** Nothing in the tenant blocks: the usual causes on the phone, most likely first, for this phone only. */
function phoneChecklist(d: Diagnosis, ctx: StepContext, m: Messages, onPhone?: boolean): StepGroup[] {
  const { platform, osVersion, crossDevice } = d.context;
  const steps = (code: WorkaroundCode) => workaroundSteps(code, 'user', ctx, m);
  const h = headings(m);
  const groups: StepGroup[] = [];
  if (osVersion === undefined) groups.push({ heading: h.updateOs, steps: steps('update-os') });
  groups.push({ heading: h.providerSetup, steps: providerSetupSteps(platform, osVersion, m) });
  groups.push({ heading: h.halfFinished, steps: [...halfFinishedRegistration(m)] });
  if (platform === 'android' && (d.context.androidProfile !== undefined || d.context.passkeyProfile !== undefined || !onPhone)) {
    groups.push({ heading: h.workProfile, steps: steps('register-in-each-profile') });
  }
  if (crossDevice === true || (crossDevice === undefined && !onPhone)) groups.push({ heading: h.crossDevice, steps: steps('register-in-authenticator-app') });
  return groups;
}

/**
 * The admin's changes, consistent with the tenant: where the blocking policy already accepts a
 * TAP (the guide's mobile policy) or the tenant has the split design for other people, no second
 * design is proposed; where only security keys are allowed, a security key comes first.
 */
function adminSteps(
  d: Diagnosis,
  offers: Offer[],
  stepsOf: (o: Offer) => string[],
  contextOf: (findings: FindingCode[]) => StepContext,
  tenant: TenantContext | undefined,
  clears: boolean,
  m: Messages,
): StepGroup[] {
  const groups: StepGroup[] = [];
  const admin = offers.filter((o) => o.audience === 'admin');
  for (const offer of admin) {
    const ctx = contextOf(offer.findings);
    if (offer.code === 'split-mobile-desktop-policies') {
      const caFindings = d.findings.filter((f) => f.blocking && offer.findings.includes(f.code));
      if (caFindings.some((f) => acceptsTap(d, f))) {
        groups.unshift({ heading: m.t('diagnosis.admin.splitInPlace.heading'), steps: splitDesignInPlace(ctx.policyNames ?? [], clears, isGuest(d), m) });
        continue;
      }
      const design = tenant?.splitDesigns[0];
      if (design) {
        groups.push({ heading: m.t('diagnosis.admin.extendSplit.heading'), steps: extendSplitDesign(ctx.policyNames ?? [], design, m) });
        continue;
      }
    }
    // A new TAP gets them through and the policy is the guide's mobile policy: nothing to redesign.
    if (clears && offer.code === 'filter-for-applications' && d.findings.some((f) => f.blocking && offer.findings.includes(f.code) && acceptsTap(d, f))) continue;
    if (offer.code === 'allow-authenticator-aaguids') {
      const keys = d.findings.map(securityKeysOnly).find((x) => x !== undefined);
      if (keys) {
        const [first, widen] = securityKeyFirst(keys.settings, m);
        groups.push({ heading: m.t('diagnosis.admin.securityKey.heading'), steps: [first] });
        groups.push({ heading: m.t('diagnosis.admin.securityKey.widenHeading'), steps: [widen, ...stepsOf(offer)] });
        continue;
      }
    }
    if (offer.code === 'enable-passkey-method') {
      const group = d.findings.map(excludingGroup).find((x) => x !== undefined);
      if (group) {
        groups.push({ heading: workaroundTitle(offer.code, m), steps: [m.t('steps.enable-passkey-method.admin.excludedGroup', { group }), ...stepsOf(offer).slice(2)] });
        continue;
      }
    }
    groups.push({ heading: workaroundTitle(offer.code, m), steps: stepsOf(offer) });
  }
  return groups.filter((g) => g.steps.length > 0);
}
