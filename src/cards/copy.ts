// The words the cards use: a title and one plain sentence of cause per finding, and the steps of
// each workaround for each audience. The fixes follow the Microsoft Learn page "Support passkeys
// in Microsoft Authenticator in your Microsoft Entra ID tenant"; keep the wording close to it.
// Employees get no jargon; admins get the setting and policy names they have to change.
//
// The sentences live in the message catalogues (locales/<language>/{common,findings,steps,diagnosis}.json).
// Every word here is a function of the reader's messages `m` (English by default): buttons(m),
// headings(m), findingCopy(code, m), workaroundSteps(code, audience, ctx, m), providerSetupSteps(…, m),
// halfFinishedRegistration(m), fixedCopy(m), helpDeskOnly(m), helpDeskFallback(m),
// securityKeysOnlyCopy(m), securityKeySteps(m), platformLabel(…, m), policyPhrase(names, m),
// formatDate(iso, m). The UPPER_CASE constants (BUTTONS, HEADINGS, FINDINGS, WORKAROUNDS, FIXED…)
// are the same words in English, for callers that have no reader yet.
import { AUTHENTICATOR_AAGUID, type Audience, type FindingCode, type PasskeySettingsRef, type Platform, type WorkaroundCode } from '../diagnosis';
import { english, type Messages } from '../i18n';
import type { SplitDesignRef } from './tenant-design';

export const SECURITY_INFO_URL = 'https://mysignins.microsoft.com/security-info';

/** The words built once per reader (messagesFor caches one Messages per language). */
function perReader<T>(build: (m: Messages) => T): (m?: Messages) => T {
  const built = new WeakMap<Messages, T>();
  return (m = english()) => {
    let words = built.get(m);
    if (words === undefined) built.set(m, (words = build(m)));
    return words;
  };
}

export interface Buttons {
  requestTap: string;
  contactHelpDesk: string;
  fixed: string;
  startOver: string;
  showDetails: string;
  /** Opens the collapsed section with the admin's changes and what was checked. */
  itTeam: string;
  /** On "I don't see your passkey yet": look in Graph again. */
  checkAgain: string;
}

/** Button titles in the reader's language; steps refer to them by name, so they are defined once here. */
export const buttons = perReader(
  (m): Readonly<Buttons> => ({
    requestTap: m.t('common.button.requestTap'),
    contactHelpDesk: m.t('common.button.contactHelpDesk'),
    fixed: m.t('common.button.fixed'),
    startOver: m.t('common.button.startOver'),
    showDetails: m.t('common.button.showDetails'),
    itTeam: m.t('common.button.itTeam'),
    checkAgain: m.t('common.button.checkAgain'),
  }),
);

/** The button titles in English. */
export const BUTTONS = buttons(english());

export interface Headings {
  user: string;
  admin: string;
  /** The collapsed section of the employee's card: admin changes and what was checked. */
  itTeam: string;
  alsoFoundIt: string;
  helpdesk: string;
  alsoFound: string;
  details: string;
  notBlocking: string;
  providerSetup: string;
  halfFinished: string;
  updateOs: string;
  workProfile: string;
  crossDevice: string;
  stillStuck: string;
}

export const headings = perReader(
  (m): Readonly<Headings> => ({
    user: m.t('diagnosis.heading.user'),
    admin: m.t('diagnosis.heading.admin'),
    itTeam: m.t('diagnosis.heading.itTeam'),
    alsoFoundIt: m.t('diagnosis.heading.alsoFoundIt'),
    helpdesk: m.t('diagnosis.heading.helpdesk'),
    alsoFound: m.t('diagnosis.heading.alsoFound'),
    details: m.t('diagnosis.heading.details'),
    notBlocking: m.t('diagnosis.heading.notBlocking'),
    providerSetup: m.t('diagnosis.heading.providerSetup'),
    halfFinished: m.t('diagnosis.heading.halfFinished'),
    updateOs: m.t('diagnosis.heading.updateOs'),
    workProfile: m.t('diagnosis.heading.workProfile'),
    crossDevice: m.t('diagnosis.heading.crossDevice'),
    stillStuck: m.t('diagnosis.heading.stillStuck'),
  }),
);

/** The headings in English. */
export const HEADINGS = headings(english());

/** English month names (the campaign command also reads them back from what an admin types). */
export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** A date as people write it: "31 December 2026" for "2026-12-31", in the reader's locale ("31. Dezember 2026"); anything else is shown as it is. */
export function formatDate(iso: string, m: Messages = english()): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(at.getTime()) || at.getUTCDate() !== Number(match[3])) return iso;
  let f = dateFormats.get(m.locale);
  if (!f) dateFormats.set(m.locale, (f = new Intl.DateTimeFormat(m.locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' })));
  return f.format(at);
}

export const platformNames = perReader((m): Readonly<Record<Platform, string>> => ({ android: m.t('common.platform.android'), iOS: m.t('common.platform.iOS') }));
export const PLATFORM_NAMES = platformNames(english());

export const errorTitle = (m: Messages = english()): string => m.t('common.errorTitle');
export const ERROR_TITLE = errorTitle();

export interface FindingCopy {
  /** Card title when this is the main finding. */
  title: string;
  /** One plain sentence for the employee. */
  cause: string;
}

const FINDING_KEYS: Record<FindingCode, { title: string; cause: string }> = {
  'ca-auth-strength-loop': { title: 'findings.ca-auth-strength-loop.title', cause: 'findings.ca-auth-strength-loop.cause' },
  'ca-approved-client-app': { title: 'findings.ca-approved-client-app.title', cause: 'findings.ca-approved-client-app.cause' },
  'ca-register-security-info': { title: 'findings.ca-register-security-info.title', cause: 'findings.ca-register-security-info.cause' },
  'ca-other-conditions': { title: 'findings.ca-other-conditions.title', cause: 'findings.ca-other-conditions.cause' },
  'passkey-method-disabled': { title: 'findings.passkey-method-disabled.title', cause: 'findings.passkey-method-disabled.cause' },
  'passkey-self-service-disabled': { title: 'findings.passkey-self-service-disabled.title', cause: 'findings.passkey-self-service-disabled.cause' },
  'authenticator-aaguid-blocked': { title: 'findings.authenticator-aaguid-blocked.title', cause: 'findings.authenticator-aaguid-blocked.cause' },
  'passkey-profile-excludes-authenticator': {
    title: 'findings.passkey-profile-excludes-authenticator.title',
    cause: 'findings.passkey-profile-excludes-authenticator.cause',
  },
  'tap-method-disabled': { title: 'findings.tap-method-disabled.title', cause: 'findings.tap-method-disabled.cause' },
  'tap-not-yet-valid': { title: 'findings.tap-not-yet-valid.title', cause: 'findings.tap-not-yet-valid.cause' },
  'tap-expired': { title: 'findings.tap-expired.title', cause: 'findings.tap-expired.cause' },
  'tap-used': { title: 'findings.tap-used.title', cause: 'findings.tap-used.cause' },
  'android-profile-mismatch': { title: 'findings.android-profile-mismatch.title', cause: 'findings.android-profile-mismatch.cause' },
  'bluetooth-restricted': { title: 'findings.bluetooth-restricted.title', cause: 'findings.bluetooth-restricted.cause' },
  'attestation-blocks-cross-device': { title: 'findings.attestation-blocks-cross-device.title', cause: 'findings.attestation-blocks-cross-device.cause' },
  'os-version-unsupported': { title: 'findings.os-version-unsupported.title', cause: 'findings.os-version-unsupported.cause' },
  'tap-unavailable-for-guest': { title: 'findings.tap-unavailable-for-guest.title', cause: 'findings.tap-unavailable-for-guest.cause' },
  'no-blocker-found': { title: 'findings.no-blocker-found.title', cause: 'findings.no-blocker-found.cause' },
};

const findingsOf = perReader((m) => ({
  known: Object.fromEntries(Object.entries(FINDING_KEYS).map(([code, keys]) => [code, { title: m.t(keys.title), cause: m.t(keys.cause) }])) as Record<FindingCode, FindingCopy>,
  unknown: { title: m.t('findings.unknown.title'), cause: m.t('findings.unknown.cause') } as FindingCopy,
}));

/** Every finding's title and cause in the reader's language. */
export const findings = (m: Messages = english()): Readonly<Record<FindingCode, FindingCopy>> => findingsOf(m).known;
/** The findings in English. */
export const FINDINGS = findings(english());

/** The words for a finding; a code newer than this module still gets a sensible card. */
export function findingCopy(code: string, m: Messages = english()): FindingCopy {
  const { known, unknown } = findingsOf(m);
  return Object.hasOwn(known, code) ? known[code as FindingCode] : unknown;
}

/** "Android 14", "iPhone, iOS 17", or just the platform when the version is unknown. */
export function platformLabel(platform: Platform, osVersion?: number, m: Messages = english()): string {
  if (osVersion === undefined) return platformNames(m)[platform];
  return platform === 'iOS' ? m.t('common.platform.iOSVersion', { version: String(osVersion) }) : m.t('common.platform.androidVersion', { version: String(osVersion) });
}

/** Turning Authenticator on as the phone's passkey provider, per platform (every version's path). */
export const providerSetup = perReader(
  (m): Readonly<Record<Platform, readonly string[]>> => ({
    iOS: [m.t('steps.provider.iOS.settings'), m.t('steps.provider.iOS.turnOn'), m.t('steps.provider.back')],
    android: [m.t('steps.provider.android.settings'), m.t('steps.provider.android.providers'), m.t('steps.provider.android.android14'), m.t('steps.provider.back')],
  }),
);
export const PROVIDER_SETUP = providerSetup(english());

/**
 * The provider setup for the phone the user described: no Android 14 advice for someone on
 * Android 15, only the Settings path of their iOS version.
 */
export function providerSetupSteps(platform: Platform, osVersion?: number, m: Messages = english()): string[] {
  if (platform === 'iOS') {
    if (osVersion === undefined) return [...providerSetup(m).iOS];
    return [osVersion >= 18 ? m.t('steps.provider.iOS.settings18') : m.t('steps.provider.iOS.settings17'), m.t('steps.provider.iOS.turnOn'), m.t('steps.provider.back')];
  }
  // The Android 14 caveat is for Android 14 phones, or phones whose version we do not know.
  return [
    m.t('steps.provider.android.settings'),
    m.t('steps.provider.android.providers'),
    ...(osVersion === undefined || osVersion === 14 ? [m.t('steps.provider.android.android14')] : []),
    m.t('steps.provider.back'),
  ];
}

/** "A passkey already exists": an earlier attempt stopped halfway and left a passkey behind. */
export const halfFinishedRegistration = perReader((m): readonly string[] => [
  m.t('steps.halfFinished.deleteInApp'),
  m.t('steps.halfFinished.deleteInSecurityInfo', { url: SECURITY_INFO_URL }),
  m.t('steps.halfFinished.addAgain'),
]);
export const HALF_FINISHED_REGISTRATION = halfFinishedRegistration(english());

/** What a workaround's steps may depend on. */
export interface StepContext {
  /** The findings this workaround was offered for, most important first. */
  findings: FindingCode[];
  /** The Conditional Access policies involved, by display name (quoted in the reader's style by the sentence). */
  policyNames?: readonly string[];
  /** @deprecated The English phrase of older callers; the steps read `policyNames`. */
  policies?: string;
  platform: Platform;
  /** The card shows the "Request a Temporary Access Pass" button. */
  tapOffered: boolean;
  /** The user holds a Temporary Access Pass that works right now. */
  tapValidNow: boolean;
  /** When that pass stops working, as the reader's clock shows it ("11:00 CET"). */
  tapValidUntil?: string;
  /** The employee already has other steps to try first (the help desk then comes as a fallback). */
  afterOtherSteps?: boolean;
}

type Steps = (ctx: StepContext, m: Messages) => string[];

export interface WorkaroundCopy {
  /** Heading over the steps (admin and help-desk sections). */
  title: string;
  /** Written for the audiences the engine offers it to; the others are derived (workaroundSteps). */
  steps: Partial<Record<Audience, (ctx: StepContext) => string[]>>;
}

/** The values of a sentence that names policies: `{count, plural, …}` and the quoted `{names}`. */
function policyValues(names: readonly string[] | undefined, m: Messages): { count: number; names: string } {
  const unique = [...new Set(names ?? [])].filter((n) => n.trim() !== '');
  return { count: unique.length, names: m.list(unique.map((name) => m.t('common.quoted', { name }))) };
}

/** “A”, “A” and “B”, “A”, “B” and “C”: policy names quoted for a sentence. */
export function policyPhrase(names: readonly string[], m: Messages = english()): string {
  return m.t('common.policies', policyValues(names, m));
}

const fresh = (ctx: StepContext) => (ctx.findings.some((f) => f === 'tap-expired' || f === 'tap-used') ? 'yes' : 'no');

const STEPS: Record<WorkaroundCode, Partial<Record<Audience, Steps>>> = {
  'filter-for-applications': {
    admin: (ctx, m) => [m.t('steps.filter-for-applications.admin.review'), m.t('steps.filter-for-applications.admin.change', policyValues(ctx.policyNames, m))],
  },
  'split-mobile-desktop-policies': {
    admin: (ctx, m) => [
      m.t('steps.split-mobile-desktop-policies.admin.replace', policyValues(ctx.policyNames, m)),
      m.t('steps.split-mobile-desktop-policies.admin.desktop'),
      m.t('steps.split-mobile-desktop-policies.admin.mobile'),
      m.t('steps.split-mobile-desktop-policies.admin.enableTap'),
    ],
  },
  'temporary-access-pass': {
    user: (ctx, m) => {
      if (ctx.tapValidNow && ctx.tapValidUntil) return [m.t('steps.temporary-access-pass.user.validUntil', { until: ctx.tapValidUntil })];
      if (ctx.tapValidNow) return [m.t('steps.temporary-access-pass.user.validNow')];
      if (ctx.findings.includes('tap-not-yet-valid')) return [m.t('steps.temporary-access-pass.user.notYetValid')];
      const b = buttons(m);
      return [
        ctx.tapOffered
          ? m.t('steps.temporary-access-pass.user.request', { button: b.requestTap, fresh: fresh(ctx) })
          : m.t('steps.temporary-access-pass.user.ask', { button: b.contactHelpDesk, fresh: fresh(ctx) }),
        m.t('steps.temporary-access-pass.user.signIn'),
      ];
    },
    helpdesk: (ctx, m) => [m.t('steps.temporary-access-pass.helpdesk.issue'), m.t('steps.temporary-access-pass.helpdesk.send', { platform: ctx.platform })],
  },
  'require-compliant-device': {
    admin: (ctx, m) =>
      ctx.findings.includes('ca-approved-client-app')
        ? [m.t('steps.require-compliant-device.admin.manage'), m.t('steps.require-compliant-device.admin.alternative', policyValues(ctx.policyNames, m))]
        : [m.t('steps.require-compliant-device.admin.enrol', policyValues(ctx.policyNames, m))],
  },
  'temporary-exemption': {
    admin: (ctx, m) => [
      m.t('steps.temporary-exemption.admin.exclude', policyValues(ctx.policyNames, m)),
      m.t('steps.temporary-exemption.admin.compensate'),
      m.t('steps.temporary-exemption.admin.remove'),
    ],
    helpdesk: (ctx, m) => [m.t('steps.temporary-exemption.helpdesk.ask', policyValues(ctx.policyNames, m)), m.t('steps.temporary-exemption.helpdesk.tell')],
  },
  'satisfy-register-security-info': {
    user: (ctx, m) => [m.t('steps.satisfy-register-security-info.user.trusted', policyValues(ctx.policyNames, m)), m.t('steps.satisfy-register-security-info.user.there')],
  },
  'enable-passkey-method': {
    admin: (ctx, m) => [
      m.t('steps.enable-passkey-method.admin.open'),
      ...(ctx.findings.includes('passkey-method-disabled') ? [m.t('steps.enable-passkey-method.admin.enable')] : []),
      ...(ctx.findings.includes('passkey-self-service-disabled') ? [m.t('steps.enable-passkey-method.admin.selfService')] : []),
      ...(ctx.findings.includes('passkey-profile-excludes-authenticator') ? [m.t('steps.enable-passkey-method.admin.deviceBound')] : []),
    ],
  },
  'allow-authenticator-aaguids': {
    admin: (_ctx, m) => [
      m.t('steps.allow-authenticator-aaguids.admin.open'),
      m.t('steps.allow-authenticator-aaguids.admin.add', { android: AUTHENTICATOR_AAGUID.android, ios: AUTHENTICATOR_AAGUID.iOS }),
    ],
  },
  'register-in-each-profile': {
    user: (_ctx, m) => [m.t('steps.register-in-each-profile.user.open'), m.t('steps.register-in-each-profile.user.add')],
  },
  'allow-bluetooth-for-passkeys': {
    admin: (_ctx, m) => [m.t('steps.allow-bluetooth-for-passkeys.admin.pairing')],
  },
  'register-in-authenticator-app': {
    user: (_ctx, m) => [m.t('steps.register-in-authenticator-app.user.direct'), m.t('steps.register-in-authenticator-app.user.open')],
  },
  'update-os': {
    user: (ctx, m) => [ctx.platform === 'iOS' ? m.t('steps.update-os.user.iOS') : m.t('steps.update-os.user.android'), m.t('steps.update-os.user.then')],
  },
  'contact-help-desk': {
    user: (ctx, m) => [
      ctx.afterOtherSteps
        ? m.t('steps.contact-help-desk.user.fallback', { button: buttons(m).contactHelpDesk })
        : m.t('steps.contact-help-desk.user.only', { button: buttons(m).contactHelpDesk }),
    ],
    helpdesk: (_ctx, m) => [m.t('steps.contact-help-desk.helpdesk.read')],
  },
};

const TITLE_KEYS: Record<WorkaroundCode, string> = {
  'filter-for-applications': 'steps.filter-for-applications.title',
  'split-mobile-desktop-policies': 'steps.split-mobile-desktop-policies.title',
  'temporary-access-pass': 'steps.temporary-access-pass.title',
  'require-compliant-device': 'steps.require-compliant-device.title',
  'temporary-exemption': 'steps.temporary-exemption.title',
  'satisfy-register-security-info': 'steps.satisfy-register-security-info.title',
  'enable-passkey-method': 'steps.enable-passkey-method.title',
  'allow-authenticator-aaguids': 'steps.allow-authenticator-aaguids.title',
  'register-in-each-profile': 'steps.register-in-each-profile.title',
  'allow-bluetooth-for-passkeys': 'steps.allow-bluetooth-for-passkeys.title',
  'register-in-authenticator-app': 'steps.register-in-authenticator-app.title',
  'update-os': 'steps.update-os.title',
  'contact-help-desk': 'steps.contact-help-desk.title',
};

/** A workaround's heading in the reader's language. */
export const workaroundTitle = (code: WorkaroundCode, m: Messages = english()): string => m.t(TITLE_KEYS[code]);

/** Every workaround with its title and its steps, in the reader's language. */
export const workarounds = perReader(
  (m): Readonly<Record<WorkaroundCode, WorkaroundCopy>> =>
    Object.fromEntries(
      (Object.keys(STEPS) as WorkaroundCode[]).map((code) => [
        code,
        {
          title: workaroundTitle(code, m),
          steps: Object.fromEntries(Object.entries(STEPS[code]).map(([audience, steps]) => [audience, (ctx: StepContext) => steps(ctx, m)])),
        },
      ]),
    ) as Record<WorkaroundCode, WorkaroundCopy>,
);
/** The workarounds in English. */
export const WORKAROUNDS = workarounds(english());

const contactHelpDesk: Steps = (ctx, m) => STEPS['contact-help-desk'].user!(ctx, m);

/**
 * The steps of a workaround for one audience. Audiences a workaround was not written for get
 * derived steps (the admin's steps handed on, or the employee's steps walked through), so every
 * code has words for every audience without writing any of them twice.
 */
export function workaroundSteps(code: WorkaroundCode, audience: Audience, ctx: StepContext, m: Messages = english()): string[] {
  const { user, admin, helpdesk } = STEPS[code];
  const own = STEPS[code][audience];
  if (own) return own(ctx, m);
  switch (audience) {
    case 'helpdesk':
      if (admin) return [m.t('steps.derived.passToAdmin'), ...admin(ctx, m)];
      return [m.t('steps.derived.walkThrough'), ...(user ?? contactHelpDesk)(ctx, m)];
    case 'admin':
      if (helpdesk) return helpdesk(ctx, m);
      return [m.t('steps.derived.noTenantChange'), ...(user ?? contactHelpDesk)(ctx, m)];
    case 'user':
      return contactHelpDesk(ctx, m);
  }
}

// ---- The employee's card: their words, their steps ----------------------------------------------

/** The employee's steps when nothing but the help desk (or an admin) can get them through. */
export const helpDeskOnly = perReader((m): readonly string[] => [m.t('steps.helpDesk.only', { button: buttons(m).contactHelpDesk }), m.t('steps.helpDesk.whenReady')]);
export const HELP_DESK_ONLY = helpDeskOnly(english());

/** After the employee's own steps, when those may be enough. */
export const helpDeskFallback = (m: Messages = english()): string => m.t('steps.helpDesk.fallback', { button: buttons(m).contactHelpDesk });
export const HELP_DESK_FALLBACK = helpDeskFallback();

/** Passkeys are off for a group the employee is in (the group's name from the engine's evidence). */
export const passkeysOffForGroup = (group: string, m: Messages = english()): FindingCopy => ({
  title: m.t('findings.groupOff.title'),
  cause: m.t('findings.groupOff.cause', { group }),
});

/** Key restrictions that allow only listed keys: on purpose, and a security key is the way in. */
export const securityKeysOnlyCopy = perReader((m): FindingCopy => ({ title: m.t('findings.securityKeysOnly.title'), cause: m.t('findings.securityKeysOnly.cause') }));
export const SECURITY_KEYS_ONLY = securityKeysOnlyCopy(english());

export const securityKeySteps = perReader((m): readonly string[] => [
  m.t('steps.securityKey.add', { url: SECURITY_INFO_URL }),
  m.t('steps.securityKey.ask', { button: buttons(m).contactHelpDesk }),
]);
export const SECURITY_KEY_STEPS = securityKeySteps(english());

interface Notice {
  title: string;
  text: string;
}

/** What "That fixed it" answers, after looking in Graph for the passkey. */
export const fixedCopy = perReader((m): Readonly<{ ready: Notice; notYet: Notice; unchecked: Notice }> => {
  const button = buttons(m).contactHelpDesk;
  return {
    ready: { title: m.t('steps.fixed.ready.title'), text: m.t('steps.fixed.ready.text') },
    notYet: { title: m.t('steps.fixed.notYet.title'), text: m.t('steps.fixed.notYet.text', { button }) },
    unchecked: { title: m.t('steps.fixed.unchecked.title'), text: m.t('steps.fixed.unchecked.text', { button, url: SECURITY_INFO_URL }) },
  };
});
export const FIXED = fixedCopy(english());

// ---- For the IT team (the collapsed section and the ticket) -------------------------------------

/** A blocking policy that already accepts a TAP is the guide's mobile policy: no new design. */
export const splitDesignInPlace = (policyNames: readonly string[], tapClears: boolean, guest: boolean, m: Messages = english()): string[] => {
  const values = policyValues(policyNames, m);
  if (tapClears) return [m.t('diagnosis.admin.splitInPlace.tapClears', values)];
  if (guest) return [m.t('diagnosis.admin.splitInPlace.guest', values)];
  return [m.t('diagnosis.admin.splitInPlace.blocked', { ...values, details: headings(m).details })];
};

/** The tenant has the split design for other people: extend it rather than build another. */
export const extendSplitDesign = (policyNames: readonly string[], design: SplitDesignRef, m: Messages = english()): string[] => {
  const split = design.desktop ? 'pair' : 'mobile';
  return [
    m.t('diagnosis.admin.extendSplit.inUse', { split, mobile: design.mobile, desktop: design.desktop ?? '' }),
    m.t('diagnosis.admin.extendSplit.cover', { split, ...policyValues(policyNames, m) }),
  ];
};

/** Key restrictions that allow only listed keys look deliberate: a security key first, widening the list last. */
export const securityKeyFirst = (settings: readonly PasskeySettingsRef[], m: Messages = english()): [string, string] => {
  const where = m.list(settings.map((s) => ('legacy' in s ? m.t('diagnosis.admin.securityKey.legacy') : m.t('diagnosis.admin.securityKey.profile', { name: s.profile }))));
  return [m.t('diagnosis.admin.securityKey.first', { where }), m.t('diagnosis.admin.securityKey.widen')];
};
