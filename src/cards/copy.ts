// The words the cards use: a title and one plain sentence of cause per finding, and the steps of
// each workaround for each audience. The fixes follow the Microsoft Learn page "Support passkeys
// in Microsoft Authenticator in your Microsoft Entra ID tenant"; keep the wording close to it.
// Employees get no jargon; admins get the setting and policy names they have to change.
import { AUTHENTICATOR_AAGUID, type Audience, type FindingCode, type Platform, type WorkaroundCode } from '../diagnosis';

export const SECURITY_INFO_URL = 'https://mysignins.microsoft.com/security-info';

/** Button titles; steps refer to them by name, so they are defined once here. */
export const BUTTONS = {
  requestTap: 'Request a Temporary Access Pass',
  contactHelpDesk: 'Contact the help desk',
  fixed: 'That fixed it',
  startOver: 'Start over',
  showDetails: 'Show details',
  /** Opens the collapsed section with the admin's changes and what was checked. */
  itTeam: 'For your IT team',
  /** On "I don't see your passkey yet": look in Graph again. */
  checkAgain: 'Check again',
} as const;

export const HEADINGS = {
  user: 'What to do',
  admin: 'What your admin can change',
  /** The collapsed section of the employee's card: admin changes and what was checked. */
  itTeam: 'For your IT team',
  alsoFoundIt: 'Also found',
  helpdesk: 'What the help desk can do',
  alsoFound: 'Also worth knowing',
  details: 'What was checked',
  notBlocking: 'Not blocking',
  providerSetup: 'Turn on Authenticator as a passkey provider',
  halfFinished: 'If Authenticator says a passkey already exists',
  updateOs: 'Check the phone is up to date',
  workProfile: 'If your phone has a work profile',
  crossDevice: 'If you are signing in on a computer with a QR code',
  stillStuck: 'Still stuck?',
} as const;

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** A date as people write it: "31 December 2026" for "2026-12-31" (anything else is shown as it is). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[3])} ${MONTH_NAMES[Number(m[2]) - 1] ?? m[2]} ${m[1]}` : iso;
}

export const PLATFORM_NAMES: Record<Platform, string> = { android: 'Android', iOS: 'iPhone (iOS)' };

export const ERROR_TITLE = 'Something went wrong';

export interface FindingCopy {
  /** Card title when this is the main finding. */
  title: string;
  /** One plain sentence for the employee. */
  cause: string;
}

export const FINDINGS: Record<FindingCode, FindingCopy> = {
  'ca-auth-strength-loop': {
    title: 'Authenticator asks for the passkey you are creating',
    cause:
      'Your organisation requires a passkey to sign in to Microsoft Authenticator itself, so Authenticator asks for the passkey you are trying to create.',
  },
  'ca-approved-client-app': {
    title: 'A sign-in rule does not accept Authenticator',
    cause:
      'Your organisation only lets you sign in from apps it protects with its own app rules, and Microsoft Authenticator is not one of them, so it cannot sign you in to add the passkey.',
  },
  'ca-register-security-info': {
    title: 'You cannot add sign-in methods from here',
    cause:
      'Your organisation only lets you add sign-in methods such as a passkey from certain places or devices, and where you are now does not qualify.',
  },
  'ca-other-conditions': {
    title: 'A sign-in rule blocks Authenticator on this phone',
    cause:
      'A sign-in rule in your organisation blocks Microsoft Authenticator on this phone, or asks for something it cannot provide here, such as a company-managed phone.',
  },
  'passkey-method-disabled': {
    title: 'Passkeys are turned off for you',
    cause: 'Your organisation has not turned on passkeys for your account, so Authenticator cannot add one.',
  },
  'passkey-self-service-disabled': {
    title: 'You cannot add a passkey yourself',
    cause: 'Your organisation does not let people add passkeys on their own, so an admin has to allow it first.',
  },
  'authenticator-aaguid-blocked': {
    title: 'Authenticator is not on the allowed list',
    cause: 'Your organisation only allows passkeys on certain devices, such as security keys, and Microsoft Authenticator is not one of them.',
  },
  'passkey-profile-excludes-authenticator': {
    title: 'Passkeys on phones are not allowed for you',
    cause: "Your organisation's passkey settings for you do not allow passkeys kept on a phone, which is how Authenticator stores them.",
  },
  'tap-method-disabled': {
    title: 'A Temporary Access Pass cannot be used',
    cause: 'You need a Temporary Access Pass to get past a sign-in rule, but your organisation has not turned them on for your account.',
  },
  'tap-not-yet-valid': {
    title: 'Your Temporary Access Pass is not valid yet',
    cause: 'Your Temporary Access Pass only starts working later, so Authenticator cannot use it yet.',
  },
  'tap-expired': {
    title: 'Your Temporary Access Pass has expired',
    cause: 'Your Temporary Access Pass has expired, so Authenticator cannot use it to sign you in.',
  },
  'tap-used': {
    title: 'Your Temporary Access Pass was already used',
    cause: 'Your Temporary Access Pass could only be used once, and it has already been used.',
  },
  'android-profile-mismatch': {
    title: 'Your passkey is in your other Android profile',
    cause: 'A passkey only works in the Android profile where it was created, and yours is in your other profile (work or personal).',
  },
  'bluetooth-restricted': {
    title: 'Bluetooth is restricted',
    cause: "Signing in on a computer with your phone's passkey needs Bluetooth, and your organisation restricts Bluetooth.",
  },
  'attestation-blocks-cross-device': {
    title: 'Add the passkey in the Authenticator app',
    cause:
      'Your organisation checks where passkeys come from, and that only works when you add the passkey in the Authenticator app itself, not by scanning a QR code from a computer.',
  },
  'os-version-unsupported': {
    title: 'Your phone needs an update',
    cause: 'Passkeys in Authenticator need Android 14 or later (iOS 17 or later on an iPhone), and your phone runs an older version.',
  },
  'tap-unavailable-for-guest': {
    title: 'Guests cannot get a Temporary Access Pass',
    cause: 'You are signed in as a guest, and a Temporary Access Pass cannot be issued to guest accounts.',
  },
  'no-blocker-found': {
    title: 'Nothing in your organisation blocks you',
    cause:
      "Nothing in your organisation's sign-in or passkey settings stops you from adding a passkey, so the cause is most likely on the phone.",
  },
};

const UNKNOWN_FINDING: FindingCopy = {
  title: 'Something in your organisation blocks the passkey',
  cause: 'Something in your organisation stops you from adding a passkey in Microsoft Authenticator; the details below say what.',
};

/** The words for a finding; a code newer than this module still gets a sensible card. */
export function findingCopy(code: string): FindingCopy {
  return Object.hasOwn(FINDINGS, code) ? FINDINGS[code as FindingCode] : UNKNOWN_FINDING;
}

/** "Android 14", "iPhone, iOS 17", or just the platform when the version is unknown. */
export function platformLabel(platform: Platform, osVersion?: number): string {
  if (osVersion === undefined) return PLATFORM_NAMES[platform];
  return platform === 'iOS' ? `iPhone, iOS ${osVersion}` : `Android ${osVersion}`;
}

/** Turning Authenticator on as the phone's passkey provider, per platform. */
export const PROVIDER_SETUP: Record<Platform, readonly string[]> = {
  iOS: [
    'Open Settings. On iOS 18 or later, go to General > AutoFill & Passwords; on iOS 17, go to Passwords > Password Options.',
    'Turn on AutoFill Passwords and Passkeys, and turn on Authenticator in the list of apps.',
    'Go back to Microsoft Authenticator and add the passkey again.',
  ],
  android: [
    'Open Settings > Passwords, passkeys & accounts (on some phones: Passwords & accounts).',
    'Under Additional providers, turn on Microsoft Authenticator (on some phones, tap Preferred service or Change and choose Microsoft Authenticator).',
    'If your phone runs Android 14 and has no such setting, update it to Android 15 and look again.',
    'Go back to Microsoft Authenticator and add the passkey again.',
  ],
};

/**
 * The provider setup for the phone the user described: no Android 14 advice for someone on
 * Android 15, only the Settings path of their iOS version.
 */
export function providerSetupSteps(platform: Platform, osVersion?: number): string[] {
  if (platform === 'iOS') {
    if (osVersion === undefined) return [...PROVIDER_SETUP.iOS];
    const [, ...rest] = PROVIDER_SETUP.iOS;
    return [osVersion >= 18 ? 'Open Settings and go to General > AutoFill & Passwords.' : 'Open Settings and go to Passwords > Password Options.', ...rest];
  }
  // The Android 14 caveat is for Android 14 phones, or phones whose version we do not know.
  return PROVIDER_SETUP.android.filter((step) => !step.startsWith('If your phone runs Android 14') || osVersion === undefined || osVersion === 14);
}

/** "A passkey already exists": an earlier attempt stopped halfway and left a passkey behind. */
export const HALF_FINISHED_REGISTRATION: readonly string[] = [
  'In Microsoft Authenticator, open your work account and delete the passkey there.',
  `Go to Security info (${SECURITY_INFO_URL}), sign in, and delete the passkey for Microsoft Authenticator there too.`,
  'Add the passkey in Authenticator again.',
];

/** What a workaround's steps may depend on. */
export interface StepContext {
  /** The findings this workaround was offered for, most important first. */
  findings: FindingCode[];
  /** The Conditional Access policies involved, ready for a sentence: “A” and “B”. */
  policies: string;
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

type Steps = (ctx: StepContext) => string[];

export interface WorkaroundCopy {
  /** Heading over the steps (admin and help-desk sections). */
  title: string;
  /** Written for the audiences the engine offers it to; the others are derived (workaroundSteps). */
  steps: Partial<Record<Audience, Steps>>;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const fresh = (ctx: StepContext) => (ctx.findings.some((f) => f === 'tap-expired' || f === 'tap-used') ? 'a new' : 'a');
const platformName = (ctx: StepContext) => (ctx.platform === 'iOS' ? 'iPhone' : 'Android phone');

export const WORKAROUNDS: Record<WorkaroundCode, WorkaroundCopy> = {
  'filter-for-applications': {
    title: 'Target specific applications',
    steps: {
      admin: (ctx) => [
        'Review the applications used in your tenant, and tag Microsoft Authenticator and the other applications with filters for applications.',
        `Change ${ctx.policies} to target those specific applications instead of All resources, so it no longer applies to signing in to Microsoft Authenticator.`,
      ],
    },
  },
  'split-mobile-desktop-policies': {
    title: 'Use separate policies for mobile and desktop',
    steps: {
      admin: (ctx) => [
        `Replace ${ctx.policies} with two Conditional Access policies that both target All resources: one for desktop and one for mobile operating systems.`,
        'Desktop ("Require a passkey in Authenticator to access a desktop OS"): exclude Android and iOS devices; grant the authentication strength "Passkey in Microsoft Authenticator".',
        'Mobile ("Require a TAP, a phishing-resistant credential, or any other specified authentication method to access a mobile OS"): include Android and iOS devices; grant an authentication strength that allows a Temporary Access Pass and a passkey in Microsoft Authenticator, matching your policy for registering security info.',
        'Enable a Temporary Access Pass (or another method) for the people who still need to register, so they can sign in to Authenticator and add the passkey there.',
      ],
    },
  },
  'temporary-access-pass': {
    title: 'Use a Temporary Access Pass',
    steps: {
      user: (ctx) => {
        if (ctx.tapValidNow && ctx.tapValidUntil) {
          return [`You have a Temporary Access Pass that works now, until ${ctx.tapValidUntil}: open Microsoft Authenticator, sign in with it, and add the passkey before then.`];
        }
        if (ctx.tapValidNow) {
          return ['You have a Temporary Access Pass that works right now: open Microsoft Authenticator, sign in with it, and add the passkey before it expires.'];
        }
        if (ctx.findings.includes('tap-not-yet-valid')) {
          return ['Your Temporary Access Pass starts working later, at the time you were given with it. Wait until then, open Microsoft Authenticator, sign in with it, and add the passkey.'];
        }
        return [
          ctx.tapOffered
            ? `Tap "${BUTTONS.requestTap}" below to get ${fresh(ctx)} Temporary Access Pass.`
            : `Ask the help desk for ${fresh(ctx)} Temporary Access Pass (tap "${BUTTONS.contactHelpDesk}" below).`,
          'When you have it, open Microsoft Authenticator, sign in with the Temporary Access Pass, and add the passkey straight away, before it expires.',
        ];
      },
      helpdesk: (ctx) => [
        'Issue a Temporary Access Pass from the ticket card ("Issue a TAP"), with a lifetime long enough to finish the registration.',
        `The bot sends the pass to the employee privately, with its validity window; they sign in to Microsoft Authenticator with it on their ${platformName(ctx)} and add the passkey straight away.`,
      ],
    },
  },
  'require-compliant-device': {
    title: 'Accept a compliant device',
    steps: {
      admin: (ctx) =>
        ctx.findings.includes('ca-approved-client-app')
          ? [
              "Manage the employee's phone with mobile device management (MDM) so it can be marked as compliant.",
              `In ${ctx.policies}, add "Require device to be marked as compliant" as an alternative to "Require approved client app" or "Require app protection policy" (require one of the selected controls): Microsoft Authenticator meets it on a fully managed, compliant phone.`,
            ]
          : [`${capitalise(ctx.policies)} requires a compliant device: enrol the employee's phone in mobile device management (MDM) and make sure it is marked as compliant.`],
    },
  },
  'temporary-exemption': {
    title: 'Grant a temporary exemption',
    steps: {
      admin: (ctx) => [
        `Exclude the employee from ${ctx.policies} for a limited time only (for example through an exclusion group), and tell them when they can register the passkey.`,
        'Add a compensating control: another Conditional Access policy so that they can register only from a specific network location or a compliant device.',
        'Remove the exemption when the time is up; anyone who missed it calls the help desk.',
      ],
      helpdesk: (ctx) => [
        `Ask an identity administrator for a time-limited exclusion from ${ctx.policies}, in a fixed window agreed with the employee.`,
        'Tell the employee when the window opens and where they may register from (a specific location or a compliant device), then check the exclusion is removed afterwards.',
      ],
    },
  },
  'satisfy-register-security-info': {
    title: 'Register from an allowed place or device',
    steps: {
      user: (ctx) => [
        `Your organisation only lets you add sign-in methods such as a passkey from places or devices it trusts (set in ${ctx.policies}).`,
        'Add the passkey from there, for example on your company-managed phone or on the office network, in Microsoft Authenticator.',
      ],
    },
  },
  'enable-passkey-method': {
    title: 'Turn on passkeys for this person',
    steps: {
      admin: (ctx) => [
        'In the Microsoft Entra admin center, open Authentication methods > Policies > Passkey (FIDO2).',
        ...(ctx.findings.includes('passkey-method-disabled')
          ? ['Enable it, include the employee (or a group they are in), and take them out of any excluded group that should not apply.']
          : []),
        ...(ctx.findings.includes('passkey-self-service-disabled') ? ['On the Configure tab, set "Allow self-service set up" to Yes.'] : []),
        ...(ctx.findings.includes('passkey-profile-excludes-authenticator')
          ? ['Make sure a passkey profile that applies to the employee allows device-bound passkeys, which is how Microsoft Authenticator stores them.']
          : []),
      ],
    },
  },
  'allow-authenticator-aaguids': {
    title: 'Allow Microsoft Authenticator',
    steps: {
      admin: () => [
        'In Authentication methods > Policies > Passkey (FIDO2) > Configure, open the key restrictions (in the passkey profile that applies to the employee, or the tenant-wide settings).',
        `Add the Microsoft Authenticator AAGUIDs to the allow list: ${AUTHENTICATOR_AAGUID.android} (Android) and ${AUTHENTICATOR_AAGUID.iOS} (iOS).`,
      ],
    },
  },
  'register-in-each-profile': {
    title: 'Create a passkey in each Android profile',
    steps: {
      user: () => [
        'Open Microsoft Authenticator in the Android profile you are signing in from (work apps have a briefcase badge).',
        'Add a passkey there as well: a passkey only works in the profile where it was created, so you need one in each profile you use.',
      ],
    },
  },
  'allow-bluetooth-for-passkeys': {
    title: 'Allow Bluetooth for passkeys',
    steps: {
      admin: () => [
        'Instead of blocking Bluetooth entirely, allow Bluetooth pairing only for passkey-enabled FIDO2 authenticators (see "Passkeys in Bluetooth-restricted environments" in the Windows passkeys documentation).',
      ],
    },
  },
  'register-in-authenticator-app': {
    title: 'Add the passkey in the Authenticator app',
    steps: {
      user: () => [
        'Add the passkey directly in the Microsoft Authenticator app on your phone, not by scanning a QR code from a computer.',
        'Open Authenticator, tap your work account, and follow the steps to create a passkey.',
      ],
    },
  },
  'update-os': {
    title: 'Update the phone',
    steps: {
      user: (ctx) =>
        ctx.platform === 'iOS'
          ? ['Make sure your iPhone runs iOS 17 or later (Settings > General > Software Update).', 'Then add the passkey in Microsoft Authenticator again.']
          : [
              'Make sure your phone runs Android 14 or later (Settings > System > Software update). If Android 14 on your phone has no setting for passkey providers, update to Android 15.',
              'Then add the passkey in Microsoft Authenticator again.',
            ],
    },
  },
  'contact-help-desk': {
    title: 'Contact the help desk',
    steps: {
      user: (ctx) => [
        ctx.afterOtherSteps
          ? `If that does not solve it, tap "${BUTTONS.contactHelpDesk}" below and they will take it from here.`
          : `Tap "${BUTTONS.contactHelpDesk}" below: this needs a change that only the help desk or an admin can make.`,
      ],
      helpdesk: () => [
        'Read the diagnosis and its evidence (Details), carry out the help-desk steps for each finding, and pass tenant changes to an identity administrator.',
      ],
    },
  },
};

const contactHelpDesk: Steps = (ctx) => WORKAROUNDS['contact-help-desk'].steps.user!(ctx);

/**
 * The steps of a workaround for one audience. Audiences a workaround was not written for get
 * derived steps (the admin's steps handed on, or the employee's steps walked through), so every
 * code has words for every audience without writing any of them twice.
 */
export function workaroundSteps(code: WorkaroundCode, audience: Audience, ctx: StepContext): string[] {
  const { user, admin, helpdesk } = WORKAROUNDS[code].steps;
  const own = WORKAROUNDS[code].steps[audience];
  if (own) return own(ctx);
  switch (audience) {
    case 'helpdesk':
      if (admin) return ['Pass this to an identity administrator:', ...admin(ctx)];
      return ['Walk the employee through these steps:', ...(user ?? contactHelpDesk)(ctx)];
    case 'admin':
      if (helpdesk) return helpdesk(ctx);
      return ['No tenant change is needed; the employee can do this:', ...(user ?? contactHelpDesk)(ctx)];
    case 'user':
      return contactHelpDesk(ctx);
  }
}

/** “A”, “A” and “B”, “A”, “B” and “C”: policy names quoted for a sentence. */
export function policyPhrase(names: readonly string[]): string {
  const quoted = [...new Set(names)].filter((n) => n.trim() !== '').map((n) => `"${n}"`);
  if (quoted.length === 0) return 'the Conditional Access policy';
  if (quoted.length === 1) return `the policy ${quoted[0]}`;
  return `the policies ${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

// ---- The employee's card: their words, their steps ----------------------------------------------

/** The employee's steps when nothing but the help desk (or an admin) can get them through. */
export const HELP_DESK_ONLY: readonly string[] = [
  `Tap "${BUTTONS.contactHelpDesk}" below. The help desk will look at it: this needs a change that only they or your IT team can make.`,
  'When they tell you it is ready, open Microsoft Authenticator and add the passkey again.',
];

/** After the employee's own steps, when those may be enough. */
export const HELP_DESK_FALLBACK = `If that does not solve it, tap "${BUTTONS.contactHelpDesk}" below and the help desk will take it from here.`;

/** Passkeys are off for a group the employee is in (the group's name from the engine's evidence). */
export const passkeysOffForGroup = (group: string): FindingCopy => ({
  title: 'Passkeys are turned off for you',
  cause: `Your organisation has turned passkeys off for the group "${group}", which you are in, so Authenticator cannot add one.`,
});

/** Key restrictions that allow only listed keys: on purpose, and a security key is the way in. */
export const SECURITY_KEYS_ONLY: FindingCopy = {
  title: 'Only security keys are allowed for you',
  cause:
    'Your organisation allows only security keys (a small key you plug in or tap on your phone) for your account, so Microsoft Authenticator cannot hold your passkey.',
};

export const SECURITY_KEY_STEPS: readonly string[] = [
  `If you have a security key from your organisation, add it at Security info (${SECURITY_INFO_URL}): Add sign-in method > Security key.`,
  `If you do not have one, tap "${BUTTONS.contactHelpDesk}" below and ask for a security key.`,
];

/** What "That fixed it" answers, after looking in Graph for the passkey. */
export const FIXED = {
  ready: { title: 'Your passkey is ready', text: 'Microsoft Authenticator holds your passkey now: you can sign in with it from now on. If something else goes wrong, just say "help".' },
  notYet: {
    title: "I don't see your passkey yet",
    text: `I just checked your account, and Microsoft Authenticator has not added a passkey to it yet. If Authenticator showed an error, tell me what it said. Otherwise tap "${BUTTONS.contactHelpDesk}" and the help desk will look at it with you.`,
  },
  unchecked: {
    title: 'I could not check your passkey',
    text: `I could not look at your account just now, so I cannot tell whether the passkey is there. Open Security info (${SECURITY_INFO_URL}): if "Passkey in Microsoft Authenticator" is listed, you are done. If not, tap "${BUTTONS.contactHelpDesk}".`,
  },
} as const;

// ---- For the IT team (the collapsed section and the ticket) -------------------------------------

/** A blocking policy that already accepts a TAP is the guide's mobile policy: no new design. */
export const splitDesignInPlace = (policies: string, tapClears: boolean, guest: boolean): string[] =>
  tapClears
    ? [`No change is needed: ${policies} already accepts a Temporary Access Pass on phones (the guide's split design). A new pass from the help desk gets this person through.`]
    : guest
      ? [`${capitalise(policies)} already accepts a Temporary Access Pass on phones (the guide's split design), but a guest cannot be given one: the help desk can grant a time-limited exemption instead, or you can target specific applications.`]
      : [`${capitalise(policies)} already accepts a Temporary Access Pass on phones (the guide's split design); what still blocks is listed under "What was checked".`];

/** The tenant has the split design for other people: extend it rather than build another. */
export const extendSplitDesign = (policies: string, design: { mobile: string; desktop?: string }): string[] => [
  `Your tenant already uses the guide's split design: "${design.mobile}"${design.desktop ? ` (mobile) and "${design.desktop}" (desktop)` : ' on phones'}.`,
  `Cover these people the same way: add them to the users of ${design.desktop ? 'those policies' : 'that policy'}, and take them out of ${policies} (or exclude Android and iOS from it).`,
];

/** Key restrictions that allow only listed keys look deliberate: a security key first. */
export const securityKeyFirst = (where: string): string[] => [
  `${capitalise(where)} allows only the security keys on its allow list, which looks deliberate. Give the employee one of those security keys; they add it at Security info.`,
  'Widen the allow list only if Microsoft Authenticator should be allowed for these accounts:',
];
