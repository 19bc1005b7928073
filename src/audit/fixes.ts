// The seed page's fixes, written for the admin who reads the tenant audit: filter for
// applications, the split desktop/mobile design (filled in with the tenant's own policy, groups
// and strengths, ready to review), a compliant-device alternative, a time-boxed exemption with
// compensating controls, passkey method settings, and the Temporary Access Pass policy.
import type { AuthenticationStrengthPolicy, ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { WORKAROUNDS } from '../cards/copy';
import {
  AUTHENTICATOR_AAGUID,
  AUTHENTICATOR_APP_ID,
  describeStrength,
  evaluateGrant,
  REGISTER_SECURITY_INFO_ACTION,
  splitDesigns,
  type Audience,
  type GrantResult,
  type Platform,
  type PreparedTenant,
  type Presentable,
} from '../diagnosis';
import type { AuditModel } from './model';
import type { AuditFinding, AuditFix, AuditFixCode, ProposedPolicy, SplitProposal, StrengthChoice } from './report';
import { acceptsTapAndPasskey, caRef, MIN_TAP_LIFETIME_MINUTES, NOTHING, plural, requirementOf, stateText, TAP_MULTI, TAP_ONE } from './util';

export const DESKTOP_POLICY_NAME = 'Require a passkey in Authenticator to access a desktop OS';
export const MOBILE_POLICY_NAME = 'Require a TAP, a phishing-resistant credential, or any other specified authentication method to access a mobile OS';
export const RSI_POLICY_NAME = 'Register security info with a TAP or a passkey in Authenticator';

const AAGUIDS = [AUTHENTICATOR_AAGUID.iOS, AUTHENTICATOR_AAGUID.android];
const AAGUID_TEXT = `${AUTHENTICATOR_AAGUID.iOS} (iOS) and ${AUTHENTICATOR_AAGUID.android} (Android)`;
const FIDO2_CONFIG = {
  '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
  appliesToCombinations: ['fido2'],
  allowedAAGUIDs: AAGUIDS,
};

function fix(code: AuditFixCode, audience: Audience, steps: string[]): AuditFix {
  const title = code === 'fix-tap-policy' ? 'Fix the Temporary Access Pass policy' : WORKAROUNDS[code].title;
  return { code, for: audience, title, steps };
}

const q = (name: string) => `"${name}"`;
const users = (f: AuditFinding) => `${f.scope.includes.join(', ') || 'nobody'}${f.scope.excludes.length ? `, excluding ${f.scope.excludes.join(', ')}` : ''}`;

// ---- strengths --------------------------------------------------------------------------------

function grantWith(strength: AuthenticationStrengthPolicy): ConditionalAccessPolicy {
  return { grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: strength.id } } };
}

function accepts(tenant: PreparedTenant, s: AuthenticationStrengthPolicy, p: Partial<Presentable>): boolean {
  return evaluateGrant(grantWith(s), tenant, { ...NOTHING, ...p }).satisfied === true;
}

const passkeyOn = (platform: Platform): Partial<Presentable> => ({ factors: new Set(['fido2']), fido2: [{ aaGuid: AUTHENTICATOR_AAGUID[platform], label: 'passkey' }] });

type Combination = { '@odata.type': string; appliesToCombinations: string[]; allowedAAGUIDs: string[] };

function combos(s: AuthenticationStrengthPolicy): string[] {
  return (s.allowedCombinations ?? []) as string[];
}

function fido2Configs(s: AuthenticationStrengthPolicy): Combination[] {
  return ((s.combinationConfigurations ?? []) as (Combination & { id?: string })[])
    .filter((c) => /fido2CombinationConfiguration$/i.test(c['@odata.type'] ?? ''))
    .map((c) => ({ '@odata.type': '#microsoft.graph.fido2CombinationConfiguration', appliesToCombinations: [...(c.appliesToCombinations ?? [])], allowedAAGUIDs: [...(c.allowedAAGUIDs ?? [])] }));
}

function choice(s: AuthenticationStrengthPolicy, note?: string): StrengthChoice {
  return { id: s.id ?? null, name: s.displayName ?? s.id ?? '', description: describeStrength(s), ...(note ? { note } : {}) };
}

function toCreate(displayName: string, allowedCombinations: string[], configs: Combination[], note: string): StrengthChoice {
  const create = { displayName, allowedCombinations, combinationConfigurations: configs };
  return { id: null, name: displayName, description: describeStrength(create as AuthenticationStrengthPolicy), create, note };
}

const isAuthenticatorPasskeyOnly = (s: AuthenticationStrengthPolicy | undefined) => !!s && describeStrength(s) === 'passkey in Microsoft Authenticator';

/** The strength a looping policy requires today (null when its grant has none). */
export function currentStrength(policy: ConditionalAccessPolicy, tenant: PreparedTenant): AuthenticationStrengthPolicy | null {
  const ref = policy.grantControls?.authenticationStrength;
  return ref ? (tenant.strengthsById.get(ref.id ?? '') ?? null) : null;
}

/**
 * The desktop policy's strength. The seed's design asks for "Passkey in Microsoft Authenticator";
 * when the looping policy requires something else (say, phishing-resistant MFA for admins), the
 * desktop policy keeps that: narrowing it could lock out people whose only credential is a
 * security key or Windows Hello.
 */
export function findDesktopStrength(tenant: PreparedTenant, current?: AuthenticationStrengthPolicy | null): StrengthChoice {
  if (current && !isAuthenticatorPasskeyOnly(current)) {
    return choice(current, `keeps today's strength; the seed's example uses "Passkey in Microsoft Authenticator", which would shut out credentials "${current.displayName}" accepts now`);
  }
  if (current) return choice(current);
  for (const s of tenant.strengthsById.values()) if (isAuthenticatorPasskeyOnly(s)) return choice(s);
  return toCreate('Passkey in Microsoft Authenticator', ['fido2'], [FIDO2_CONFIG], 'the tenant has no strength limited to a passkey in Microsoft Authenticator yet');
}

/**
 * The mobile policy's strength: what the looping policy accepts today plus a Temporary Access
 * Pass (of the kinds the TAP policy issues) and a passkey in Authenticator on both platforms. An
 * existing strength that accepts all of that and nothing weaker is reused (preferring one limited
 * to exactly TAP + passkey in Authenticator); otherwise one is described for creation.
 */
export function findMobileStrength(tenant: PreparedTenant, current?: AuthenticationStrengthPolicy | null): StrengthChoice {
  const oneTimeOnly = tenant.tap?.isUsableOnce === true;
  const base = current && !isAuthenticatorPasskeyOnly(current) ? current : null;
  const weak = { factors: new Set(['password', 'sms', 'voice', 'microsoftAuthenticatorPush', 'softwareOath']) };
  const baseAcceptsWeak = base ? accepts(tenant, base, weak) : false;
  const fits = (s: AuthenticationStrengthPolicy) =>
    accepts(tenant, s, { factors: new Set([TAP_ONE]) }) &&
    (oneTimeOnly || accepts(tenant, s, { factors: new Set([TAP_MULTI]) })) &&
    accepts(tenant, s, passkeyOn('android')) &&
    accepts(tenant, s, passkeyOn('iOS')) &&
    (baseAcceptsWeak || !accepts(tenant, s, weak)) &&
    (!base || combos(base).every((c) => combos(s).includes(c)));
  const candidates = [...tenant.strengthsById.values()].filter(fits);
  const exact = candidates.find((s) => combos(s).every((c) => c === 'fido2' || c === TAP_ONE || c === TAP_MULTI));
  const found = (base ? undefined : exact) ?? candidates[0];
  if (found) return choice(found);
  if (!base) {
    return toCreate('TAP or passkey in Microsoft Authenticator', ['fido2', TAP_ONE, TAP_MULTI], [FIDO2_CONFIG], 'the tenant has no strength that accepts exactly a TAP or a passkey in Microsoft Authenticator yet');
  }
  // Today's combinations, plus both TAP kinds; a FIDO2 allow list gets the Authenticator AAGUIDs.
  const configs = fido2Configs(base).map((c) => ({ ...c, allowedAAGUIDs: [...new Set([...c.allowedAAGUIDs, ...AAGUIDS])] }));
  return toCreate(
    `${base.displayName ?? 'Current strength'} or TAP`,
    [...new Set([...combos(base), TAP_ONE, TAP_MULTI, ...(combos(base).includes('fido2') ? [] : ['fido2'])])],
    configs,
    `today's strength "${base.displayName}" plus a Temporary Access Pass${configs.length ? ', with the Authenticator AAGUIDs added to its passkey allow list' : ''}`,
  );
}

function strengthText(s: StrengthChoice): string {
  const note = s.note ? `; ${s.note}` : '';
  if (s.id) return `authentication strength ${q(s.name)} (${s.description}; existing, id ${s.id}${note})`;
  const restricted = s.create!.combinationConfigurations.map((c) => `passkeys (FIDO2) restricted to the AAGUIDs ${c.allowedAAGUIDs.join(', ')}`);
  return `a new authentication strength ${q(s.name)} (create it with: ${s.description}${restricted.length ? `; ${restricted.join('; ')}` : ''}${note})`;
}

// ---- the split design -------------------------------------------------------------------------

export function splitProposal(
  policy: ConditionalAccessPolicy,
  f: AuditFinding,
  m: AuditModel,
  rsiPolicies: ConditionalAccessPolicy[],
): SplitProposal {
  const current = currentStrength(policy, m.tenant);
  const desktop = findDesktopStrength(m.tenant, current);
  const mobile = findMobileStrength(m.tenant, current);
  const usersCondition = structuredClone((policy.conditions?.users ?? {}) as Record<string, unknown>);
  const suffix = (policy.conditions?.users?.includeGroups ?? []).map((g) => m.index.groupName(g)).join(', ');
  const named = (base: string) => (suffix ? `${base} (${suffix})` : base);
  const strengthId = (s: StrengthChoice) => s.id ?? `<id of the new strength "${s.name}">`;
  const body = (displayName: string, s: StrengthChoice, apps: ProposedPolicy['conditions']['applications'], platforms?: ProposedPolicy['conditions']['platforms']): ProposedPolicy => ({
    displayName,
    state: 'enabledForReportingButNotEnforced',
    conditions: { users: usersCondition, applications: apps, ...(platforms ? { platforms } : {}), clientAppTypes: ['all'] },
    grantControls: { operator: 'OR', builtInControls: [], authenticationStrength: { id: strengthId(s) } },
  });
  const allResources = { includeApplications: ['All'], includeUserActions: [] };
  const desktopName = desktop.description === 'passkey in Microsoft Authenticator' ? DESKTOP_POLICY_NAME : `Require ${desktop.name} to access a desktop OS`;
  const desktopPolicy = body(named(desktopName), desktop, allResources, { includePlatforms: ['all'], excludePlatforms: ['android', 'iOS'] });
  const mobilePolicy = body(named(MOBILE_POLICY_NAME), mobile, allResources, { includePlatforms: ['android', 'iOS'], excludePlatforms: [] });
  const rsiName = mobile.description === findMobileStrength(m.tenant).description && !mobile.note ? RSI_POLICY_NAME : `Register security info with ${mobile.name}`;
  const rsiPolicy = body(named(rsiName), mobile, { includeApplications: [], includeUserActions: [REGISTER_SECURITY_INFO_ACTION] });

  const reached = new Set(m.reach(policy));
  const existing = rsiPolicies
    .filter((p) => m.reach(p).some((i) => reached.has(i)))
    .map((p) => ({
      ...caRef(p),
      requirement: requirementOf(p, m.tenant),
      acceptsTapAndAuthenticatorPasskey: acceptsTapAndPasskey(p, m.tenant),
    }))
    .map(({ id, name, state, requirement, acceptsTapAndAuthenticatorPasskey }) => ({ id, name, state, requirement, acceptsTapAndAuthenticatorPasskey }));

  const gaps = new Map<string, number>();
  let needing = 0;
  for (const i of reached) {
    if (m.hasPasskey[i]) continue;
    needing++;
    const g = m.tapGap[i];
    if (g) gaps.set(g, (gaps.get(g) ?? 0) + 1);
  }
  const tapState = m.tenant.tap?.state === 'enabled' ? 'enabled' : 'off';
  const max = Number(m.tenant.tap?.maximumLifetimeInMinutes ?? 60);
  const tap =
    tapState === 'off'
      ? `The Temporary Access Pass method is off: enable it for ${users(f)}, or the ${plural(needing, 'user')} without a passkey in Authenticator cannot meet the mobile policy.`
      : gaps.size === 0
        ? `The Temporary Access Pass method already covers ${needing === 1 ? 'the 1 user' : `all ${plural(needing, 'user')}`} of this policy without a passkey in Authenticator${max < MIN_TAP_LIFETIME_MINUTES ? `, but passes last at most ${max} minutes: raise the maximum lifetime to ${MIN_TAP_LIFETIME_MINUTES} or more` : ''}; the help desk issues each of them a pass when they are ready to register.`
        : `Of the ${plural(needing, 'user')} without a passkey in Authenticator, ${[...gaps].map(([g, n]) => `${n} ${g === 'guest' ? 'are guests (no TAP possible: exempt them temporarily)' : g === 'excluded' ? 'are excluded from the TAP method' : 'are not targeted by the TAP method'}`).join(', ')}; the others can be given a pass.`;

  const platformsNow = f.scope.platforms && f.scope.platforms !== 'any platform' ? `platforms ${f.scope.platforms}` : 'every platform';
  const rsiNow =
    existing.length === 0
      ? 'No policy on the user action "Register security information" reaches these users today.'
      : `Today ${existing.map((r) => `${q(r.name)} (${stateText(r.state)}) requires ${r.requirement}${r.acceptsTapAndAuthenticatorPasskey ? ' — already accepts a TAP and a passkey in Authenticator' : ' — does not match: change its grant to the mobile strength'}`).join('; ')}.`;
  // The tenant already has the guide's split design: extend it to these users, do not present it as new.
  const design = splitDesigns(m.tenant)[0];
  const strengthOf = (p: ConditionalAccessPolicy | undefined) => p?.grantControls?.authenticationStrength?.id ?? null;
  const already = design
    ? {
        mobile: caRef(design.mobile),
        mobileRequirement: requirementOf(design.mobile, m.tenant),
        desktop: design.desktop ? caRef(design.desktop) : null,
        sameStrengths: strengthOf(design.mobile) === mobile.id && (!design.desktop || strengthOf(design.desktop) === desktop.id),
      }
    : undefined;
  const both = already ? `${q(already.mobile.name)}${already.desktop ? ` and ${q(already.desktop.name)}` : ''}` : '';
  const existingStep = already
    ? `This tenant already uses the guide's split design: mobile policy ${q(already.mobile.name)} (${stateText(already.mobile.state)}) requires ${already.mobileRequirement} on Android and iOS${already.desktop ? `, with desktop policy ${q(already.desktop.name)}` : ' (no matching desktop policy was found)'}. Extend it to these users rather than building a new design: ${
        already.sameStrengths
          ? `add ${users(f)} to the users of ${both} — they already require the strengths below`
          : `add ${users(f)} to the users of ${both} if its strengths suit them, or give them the two policies below, the same design with the strengths they need`
      }, then turn ${q(f.policy.name)} off.`
    : null;
  const steps = [
    ...(existingStep ? [existingStep] : []),
    `Today: ${q(f.policy.name)} (${stateText(f.policy.state)}, id ${f.policy.id}) requires ${f.requirement} for ${f.scope.resources ?? 'All resources'} on ${platformsNow}, for ${users(f)}. It also covers the Microsoft Authenticator sign-in on ${Object.entries(f.byPlatform).filter(([, o]) => o?.applies !== 'no').map(([p]) => (p === 'iOS' ? 'iOS' : 'Android')).join(' and ')}, so ${f.usersBlocked.toLocaleString('en-US')} of its ${plural(f.reach.users, 'user')} cannot sign in to Authenticator to create the passkey it asks for.`,
    `Desktop policy ${q(desktopPolicy.displayName)}: Users — include ${f.scope.includes.join(', ') || 'nobody'}${f.scope.excludes.length ? `; exclude ${f.scope.excludes.join(', ')}` : ''} (as today). Target resources — All resources. Conditions › Device platforms — include any device, exclude Android and iOS. Grant — require ${strengthText(desktop)}. Result: users who cannot sign in with a passkey in Authenticator are directed to My Sign-ins wizard mode; after registration they are asked to sign in to Authenticator on their mobile device.`,
    `Mobile policy ${q(mobilePolicy.displayName)}: the same users. Target resources — All resources. Conditions › Device platforms — include Android and iOS. Grant — require ${strengthText(mobile)}. Result: users who sign in to Authenticator with a TAP or another allowed method register the passkey directly in Authenticator; no loop, because they meet the requirement.`,
    `Register security info: ${rsiNow} The mobile policy's grant has to match the policy for registering security info, so ${existing.length ? 'align those' : `add ${q(rsiPolicy.displayName)}`} — user action "Register security information", the same users, grant the same strength ${q(mobile.name)}.`,
    `Temporary Access Pass: ${tap}`,
    `Roll out: ${already?.sameStrengths ? `after adding these users to ${both}, check the sign-in logs, then turn ${q(f.policy.name)} off; if you create separate policies instead, ` : ''}create the policies in report-only (the bodies below are in that state), check the sign-in logs, then turn them on and turn ${q(f.policy.name)} off. Conditions of other All-resources policies still have to be met when registering.`,
  ];
  return {
    replaces: f.policy,
    users: { includes: f.scope.includes, excludes: f.scope.excludes },
    desktop: {
      policy: desktopPolicy,
      strength: desktop,
      result: "Users who can't sign in with a passkey in Authenticator are directed to My Sign-ins wizard mode; after registration they're asked to sign in to Authenticator on their mobile device.",
    },
    mobile: {
      policy: mobilePolicy,
      strength: mobile,
      result: 'Users who sign in to Authenticator with a TAP or another allowed method can register a passkey directly in Authenticator. No loop occurs because the user meets the authentication requirements.',
    },
    registerSecurityInfo: { policy: rsiPolicy, existing },
    tap,
    ...(already ? { existing: already } : {}),
    steps,
  };
}

// ---- fixes per finding ------------------------------------------------------------------------

function exemption(f: AuditFinding, audience: Audience = 'admin'): AuditFix {
  const who = f.usersBlocked ? `the ${plural(f.usersBlocked, 'blocked user')}` : 'the users who need it';
  return fix('temporary-exemption', audience, [
    `Exclude ${who} from ${q(f.policy.name)} for a limited time only${f.scope.excludes.length ? ` (it already excludes ${f.scope.excludes.join(', ')}: add them there for the window)` : ', through an exclusion group'}, and tell each of them when they can register the passkey.`,
    'Add a compensating control: another Conditional Access policy so that they can register only from a specific network location or a compliant device.',
    'Remove the exemption when the time is up; anyone who missed the window calls the help desk.',
  ]);
}

function filterForApplications(f: AuditFinding): AuditFix {
  return fix('filter-for-applications', 'admin', [
    'Review the applications used in the tenant and tag them with a custom security attribute (filter for applications); tag Microsoft Authenticator too.',
    `Change ${q(f.policy.name)} from All resources to the tagged applications (or exclude Microsoft Authenticator, app id ${AUTHENTICATOR_APP_ID}, through the filter), so it no longer covers the Authenticator sign-in.`,
  ]);
}

/** `split`: for the split design's mobile policy, how many of its TAP-needing users cannot have one (the TAP findings' users). */
export function caFixes(f: AuditFinding, policy: ConditionalAccessPolicy, m: AuditModel, bare: GrantResult, split: { splitMobile: boolean; tapGapUsers: number } = { splitMobile: false, tapGapUsers: 0 }): AuditFix[] {
  const compliantOrd = (policy.grantControls?.operator ?? 'OR') === 'OR' && (policy.grantControls?.builtInControls ?? []).includes('compliantDevice');
  const needsCompliant = bare.failing.some((c) => c.kind === 'compliantDevice');
  const tapHelpdesk = (n = f.outcome.needTap) =>
    fix('temporary-access-pass', 'helpdesk', [
      `Issue a Temporary Access Pass to each of the ${plural(n, 'user')} who need one (lifetime of at least ${MIN_TAP_LIFETIME_MINUTES} minutes${m.tenant.tap?.isUsableOnce ? '; passes are one-time, so they must finish within 10 minutes of signing in' : ''}), in a window agreed with them.`,
      'They sign in to Microsoft Authenticator with it on the phone and add the passkey straight away.',
    ]);
  switch (f.category) {
    case 'registration-loop':
      return [
        f.proposal?.existing
          ? { ...fix('split-mobile-desktop-policies', 'admin', f.proposal.steps), title: `Extend your split design ("${f.proposal.existing.mobile.name}") to these users` }
          : fix('split-mobile-desktop-policies', 'admin', f.proposal?.steps ?? []),
        filterForApplications(f),
        exemption(f),
      ];
    case 'approved-client-app':
      return [
        filterForApplications(f),
        fix(
          'require-compliant-device',
          'admin',
          compliantOrd
            ? [
                `${q(f.policy.name)} already accepts "Require device to be marked as compliant" as an alternative; ${plural(f.usersBlocked, 'user')} have no compliant managed phone.`,
                'Enrol their phones in mobile device management (MDM) and make them compliant: Microsoft Authenticator meets the control on a fully managed, compliant phone.',
              ]
            : [
                'Manage the phones with mobile device management (MDM) so they can be marked as compliant.',
                `In ${q(f.policy.name)}, add "Require device to be marked as compliant" next to "${f.requirement}" and choose "Require one of the selected controls": Microsoft Authenticator cannot meet approved client app or app protection policy, but it meets the compliant-device control on a fully managed, compliant phone.`,
              ],
        ),
        exemption(f),
      ];
    case 'register-security-info':
      return [
        fix('satisfy-register-security-info', 'user', [
          `To add a passkey, users have to meet ${q(f.policy.name)}: ${f.requirement}. Register from where it is met${needsCompliant ? ' (a compliant, company-managed phone)' : ''}.`,
        ]),
        fix('satisfy-register-security-info', 'admin', [
          `Check that ${q(f.policy.name)} (${f.requirement}) can be met on the phone where users register${needsCompliant ? ': enrol the phones in MDM, or' : ':'} give it the same authentication strength as your mobile policy (a Temporary Access Pass or a passkey in Microsoft Authenticator) as an alternative, so a user with a TAP can register.`,
        ]),
        ...(bare.acceptsTap ? [tapHelpdesk()] : []),
        exemption(f, 'helpdesk'),
      ];
    case 'other-conditions':
      return [
        ...(needsCompliant
          ? [fix('require-compliant-device', 'admin', [`${q(f.policy.name)} requires a compliant device: enrol the phones in mobile device management (MDM) and make sure they are marked as compliant.`])]
          : []),
        filterForApplications(f),
        exemption(f),
      ];
    case 'tap-accepted':
      if (split.splitMobile) {
        // Working as designed: the help desk's TAP step; users who cannot have a TAP are the TAP findings' (and fixes').
        const issuable = f.outcome.needTap - split.tapGapUsers;
        return issuable > 0 ? [tapHelpdesk(issuable)] : [];
      }
      return [
        ...(f.outcome.needTap ? [tapHelpdesk()] : []),
        ...(f.usersBlocked
          ? [
              fix('fix-tap-policy', 'admin', [
                `${plural(f.usersBlocked, 'user')} reached by ${q(f.policy.name)} cannot be given a Temporary Access Pass (guests, or not targeted by the TAP method): target them in the TAP method, or give guests a time-boxed exemption.`,
              ]),
              exemption(f),
            ]
          : []),
      ];
    default:
      return [];
  }
}

export function methodFixes(f: AuditFinding): AuditFix[] {
  const where = 'In the Microsoft Entra admin center, open Authentication methods › Policies › Passkey (FIDO2).';
  if (f.id === 'passkey-method:disabled') return [fix('enable-passkey-method', 'admin', [where, 'Enable it, target the users (or groups) who should use passkeys, and allow self-service set up.'])];
  if (f.id.startsWith('passkey-method:excluded:')) {
    return [fix('enable-passkey-method', 'admin', [where, `Remove ${f.scope.excludes.find((e) => f.title.includes(e)) ?? 'the group'} from the excluded targets, or take the users who should have a passkey out of it (exclusions win over includes).`])];
  }
  if (f.id === 'passkey-method:not-targeted') return [fix('enable-passkey-method', 'admin', [where, `Add these users, or a group they are in, to the include targets (today: ${f.scope.includes.join(', ') || 'nobody'}).`])];
  if (f.id === 'passkey-method:self-service') return [fix('enable-passkey-method', 'admin', [where, 'On the Configure tab, set "Allow self-service set up" to Yes.'])];
  if (f.id === 'passkey-method:key-restrictions') {
    return [fix('allow-authenticator-aaguids', 'admin', [where, `Under Key restrictions, add the Microsoft Authenticator AAGUIDs ${AAGUID_TEXT} to the allow list (or take them off the block list).`])];
  }
  if (f.policy.kind === 'passkeyProfile') {
    return f.code === 'passkey-profile-excludes-authenticator'
      ? [fix('enable-passkey-method', 'admin', [where, `In passkey profile ${q(f.policy.name)}, allow device-bound passkeys (Authenticator stores them device-bound), or give its users a profile that does.`])]
      : [fix('allow-authenticator-aaguids', 'admin', [where, `In passkey profile ${q(f.policy.name)}, add the Microsoft Authenticator AAGUIDs ${AAGUID_TEXT} to the key restrictions allow list, or assign these users a profile that allows Authenticator.`])];
  }
  return [];
}

/** `names`: the policies (quoted, listed) the TAP is needed for. */
export function tapFixes(f: AuditFinding, names: string): AuditFix[] {
  const where = 'In Authentication methods › Policies › Temporary Access Pass:';
  switch (f.id) {
    case 'tap-policy:disabled':
      return [fix('fix-tap-policy', 'admin', [`${where} enable the method and target the users who need a pass to get through ${names || 'your policies'}.`])];
    case 'tap-policy:not-targeted':
      return [fix('fix-tap-policy', 'admin', [`${where} add these users (or a group they are in) to the include targets, and take them out of any excluded group.`]), ...(f.usersBlocked ? [exemptionFor(f, names)] : [])];
    case 'tap-policy:guests':
      return [exemptionFor(f, names)];
    case 'tap-policy:one-time-only':
      return [fix('fix-tap-policy', 'admin', [`${where} set "One-time use" to No (one-time passes stay possible), or let the authentication strength accept a one-time Temporary Access Pass.`])];
    case 'tap-policy:lifetime':
      return [fix('fix-tap-policy', 'admin', [`${where} raise the maximum lifetime to at least ${MIN_TAP_LIFETIME_MINUTES} minutes (and the default lifetime with it), so a pass outlasts signing in, security info and creating the passkey.`])];
    case 'tap-policy:one-time':
      return [
        fix('fix-tap-policy', 'admin', [`${where} set "One-time use" to No, and issue one-time passes only to users who can finish within 10 minutes of signing in.`]),
        fix('temporary-access-pass', 'helpdesk', ['Until then, agree the moment with the user before issuing a one-time pass, and tell them to add the passkey straight after signing in.']),
      ];
    default:
      return [];
  }
}

function exemptionFor(f: AuditFinding, names: string): AuditFix {
  return fix('temporary-exemption', 'admin', [
    `${f.reach.users === 1 ? 'This user' : `These ${plural(f.reach.users, 'user')}`} cannot be given a Temporary Access Pass: exclude them from ${names || 'the blocking policy'} for a limited time only, and tell them when to register.`,
    'Add a compensating control (register only from a trusted location or a compliant device) and remove the exemption afterwards.',
  ]);
}
