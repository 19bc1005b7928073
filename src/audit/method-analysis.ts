// The authentication methods policy, per setting: the passkey (FIDO2) method (disabled,
// excluded or untargeted users, self-service set up, key restrictions and passkey profiles that
// keep Microsoft Authenticator out) and the Temporary Access Pass method (off, not targeting the
// users who need a pass, guests, one-time passes where a multi-use one is needed, short lifetimes).
import { AUTHENTICATOR_AAGUID, type FindingCode, type MethodIssue, type PasskeyProfile, type Platform } from '../diagnosis';
import { methodFixes, tapFixes } from './fixes';
import { TITLE_DATA, type AuditFinding, type FindingTitleData, type PlatformOutcome, type PolicyRef, type Severity } from './report';
import type { AuditRun, TapObstacle } from './tally';
import { methodBuckets, SAMPLE_USERS, zero, type MethodBucket } from './user-analysis';
import { count, MIN_TAP_LIFETIME_MINUTES, plural } from './util';
import { methodTarget, policyList, targetName } from './wording';

export function analyseMethodPolicy(run: AuditRun): void {
  const { m, tally } = run;
  const fido2 = m.tenant.fido2;
  const configRef: PolicyRef = { kind: 'authenticationMethod', id: fido2?.id ?? 'Fido2', name: 'Passkey (FIDO2) settings', state: fido2?.state ?? 'missing' };
  const includes = fido2?.includeTargets ?? [];
  const excludes = (fido2?.excludeTargets ?? []) as { id?: string }[];
  const profiles = fido2?.passkeyProfiles ?? [];

  // Users bucketed by the FIDO2 targets they match; the engine answered once per bucket and platform.
  const list = methodBuckets(m, run.trace);
  const has = (b: MethodBucket, code: MethodIssue['code'], p?: Platform) => (p ? [p] : m.platforms).some((pl) => b.codes.get(pl)!.includes(code));

  const push = (
    id: string,
    code: FindingCode,
    ref: PolicyRef,
    inScope: MethodBucket[],
    blockedOn: (b: MethodBucket, p: Platform) => boolean,
    requirement: string,
    evidence: string[],
    title: string,
    titleData: FindingTitleData,
    scopeIncludes?: string[],
  ) => {
    const byPlatform: Partial<Record<Platform, PlatformOutcome>> = {};
    let users = 0;
    let withPasskey = 0;
    let blocked = 0;
    const samples: number[] = [];
    for (const p of m.platforms) byPlatform[p] = { applies: 'yes', ...zero() };
    for (const b of inScope) {
      users += b.users.length;
      const on = m.platforms.filter((p) => blockedOn(b, p));
      for (const p of m.platforms) byPlatform[p]![on.includes(p) ? 'blocked' : 'ok'] += b.users.length;
      for (const i of b.users) {
        if (m.hasPasskey[i]) withPasskey++;
        if (on.length) {
          blocked++;
          tally.blockedAny[i] = 1;
          if (samples.length < SAMPLE_USERS) samples.push(i);
        }
      }
    }
    if (users === 0 && ref.kind !== 'passkeyProfile') return;
    const finding: AuditFinding = {
      id,
      category: 'passkey-method',
      code,
      severity: blocked > 0 ? 'blocking' : 'latent',
      title,
      policy: ref,
      requirement,
      scope: { allUsers: false, includes: scopeIncludes ?? includes.map((t) => targetName(t.id ?? '', m)), excludes: excludes.map((t) => targetName(t.id ?? '', m)) },
      reach: { users, applies: users, mayApply: 0, withAuthenticatorPasskey: withPasskey },
      outcome: { blocked, needTap: 0, unknown: 0, ok: users - blocked, withValidTap: 0 },
      byPlatform,
      usersBlocked: blocked,
      usersAtRisk: 0,
      evidence: [...evidence, ...(samples.length ? [`For example: ${samples.map((i) => m.upn(i)).join(', ')}${blocked > samples.length ? ', …' : ''}.`] : [])],
      fixes: [],
      sampleUsers: samples.map((i) => m.upn(i)),
      [TITLE_DATA]: titleData,
    };
    finding.fixes = methodFixes(finding);
    run.findings.push(finding);
  };

  if (!fido2 || fido2.state !== 'enabled') {
    push(
      'passkey-method:disabled',
      'passkey-method-disabled',
      configRef,
      list,
      () => true,
      'passkey (FIDO2) method enabled',
      [fido2 ? 'Passkey (FIDO2) is disabled in the authentication methods policy: nobody can register a passkey in Microsoft Authenticator.' : 'The authentication methods policy has no passkey (FIDO2) configuration.'],
      'Passkeys (FIDO2) are turned off',
      { code: 'passkey-disabled' },
    );
    return;
  }

  for (const target of excludes) {
    const id = target.id ?? '';
    const inScope = list.filter((b) => b.excludedBy.includes(id));
    push(
      `passkey-method:excluded:${id}`,
      'passkey-method-disabled',
      configRef,
      inScope,
      (b, p) => b.codes.get(p)!.includes('passkey-method-disabled'),
      `not excluded through ${targetName(id, m)}`,
      [`Passkey (FIDO2) is enabled, but its exclude targets list ${targetName(id, m)}: its members cannot register a passkey in Microsoft Authenticator (exclusions win over includes).`],
      `Passkeys excluded for ${targetName(id, m)}`,
      { code: 'passkey-excluded', target: methodTarget(id, m) },
    );
  }

  const untargeted = list.filter((b) => b.excludedBy.length === 0 && has(b, 'passkey-method-disabled'));
  push(
    'passkey-method:not-targeted',
    'passkey-method-disabled',
    configRef,
    untargeted,
    (b, p) => b.codes.get(p)!.includes('passkey-method-disabled'),
    'included in the passkey (FIDO2) targets',
    [`Passkey (FIDO2) is enabled only for ${includes.map((t) => targetName(t.id ?? '', m)).join(', ') || 'nobody'}; these users are in none of them.`],
    'Passkeys not enabled for some users',
    { code: 'passkey-not-targeted' },
  );

  const selfService = list.filter((b) => has(b, 'passkey-self-service-disabled'));
  push(
    'passkey-method:self-service',
    'passkey-self-service-disabled',
    configRef,
    selfService,
    (b, p) => b.codes.get(p)!.includes('passkey-self-service-disabled'),
    'self-service set up allowed',
    ['Self-service registration of passkeys is not allowed ("Allow self-service set up" is No): users cannot add a passkey in Authenticator themselves.'],
    'Passkey self-service set up is off',
    { code: 'passkey-self-service' },
  );

  const blocksAuthenticator = (b: MethodBucket, p: Platform) =>
    b.codes.get(p)!.some((c) => c === 'authenticator-aaguid-blocked' || c === 'passkey-profile-excludes-authenticator');
  if (profiles.length === 0) {
    const restricted = list.filter((b) => m.platforms.some((p) => blocksAuthenticator(b, p)));
    const r = fido2.keyRestrictions;
    push(
      'passkey-method:key-restrictions',
      'authenticator-aaguid-blocked',
      configRef,
      restricted,
      blocksAuthenticator,
      `key restrictions allow Microsoft Authenticator (${AUTHENTICATOR_AAGUID.iOS}, ${AUTHENTICATOR_AAGUID.android})`,
      [`Key restrictions are enforced (${r?.enforcementType === 'allow' ? 'allow only' : 'block'} ${(r?.aaGuids ?? []).join(', ') || 'an empty list'}) and do not let Microsoft Authenticator in on ${m.platforms.filter((p) => restricted.some((b) => blocksAuthenticator(b, p))).join(' and ')}.`],
      'Key restrictions block Microsoft Authenticator',
      { code: 'passkey-key-restrictions' },
    );
  } else {
    for (const profile of profiles) {
      const problem = profileProblem(profile, m.platforms);
      if (!problem) continue;
      const inScope = list.filter((b) => b.excludedBy.length === 0 && b.profiles.includes(profile) && !has(b, 'passkey-method-disabled'));
      push(
        `passkey-method:profile:${profile.id}`,
        problem.code,
        { kind: 'passkeyProfile', id: profile.id, name: profile.name ?? profile.id, state: 'enabled' },
        inScope,
        blocksAuthenticator,
        problem.requirement,
        [
          `Passkey profile "${profile.name ?? profile.id}" ${problem.text}.`,
          'A registration is allowed when at least one profile a user is in scope of allows it: users with another profile that lets Authenticator in are not blocked.',
        ],
        `Passkey profile "${profile.name ?? profile.id}" excludes Microsoft Authenticator`,
        { code: 'passkey-profile' },
        includes
          .filter((t) => (t.allowedPasskeyProfiles?.length ? t.allowedPasskeyProfiles : [fido2.defaultPasskeyProfile ?? profiles[0].id]).includes(profile.id))
          .map((t) => targetName(t.id ?? '', m)),
      );
    }
  }
}

export function analyseTapPolicy(run: AuditRun): void {
  const { m, tally } = run;
  const tap = m.tenant.tap;
  const ref: PolicyRef = { kind: 'authenticationMethod', id: tap?.id ?? 'TemporaryAccessPass', name: 'Temporary Access Pass settings', state: tap?.state ?? 'missing' };
  const needers: number[] = [];
  for (let i = 0; i < tally.n; i++) if (tally.tapWouldHelp[i]) needers.push(i);
  const because = needers.length ? ` ${count(needers.length, 'user', 'needs', 'need')} one to get through ${policyList(tally.tapPolicies)}.` : '';
  const behind = (...gaps: TapObstacle[]) => policyList(new Set(gaps.flatMap((g) => [...tally.gapPolicies(g)])));

  let behindFix = '';
  const push = (id: string, code: FindingCode, severity: Severity, users: number[], blocked: boolean, title: string, requirement: string, evidence: string[], titleData: FindingTitleData) => {
    const byPlatform: Partial<Record<Platform, PlatformOutcome>> = {};
    for (const p of m.platforms) byPlatform[p] = { applies: 'yes', ...zero(), [blocked ? 'blocked' : 'needTap']: users.length };
    if (blocked) for (const i of users) tally.blockedAny[i] = 1;
    const finding: AuditFinding = {
      id,
      category: 'tap-policy',
      code,
      severity,
      title,
      policy: ref,
      requirement,
      scope: { allUsers: false, includes: (tap?.includeTargets ?? []).map((t) => targetName(t.id ?? '', m)), excludes: ((tap?.excludeTargets ?? []) as { id?: string }[]).map((t) => targetName(t.id ?? '', m)) },
      reach: { users: users.length, applies: users.length, mayApply: 0, withAuthenticatorPasskey: users.filter((i) => m.hasPasskey[i]).length },
      outcome: { blocked: blocked ? users.length : 0, needTap: blocked ? 0 : users.length, unknown: 0, ok: 0, withValidTap: users.filter((i) => m.validTap[i]).length },
      byPlatform,
      usersBlocked: blocked ? users.length : 0,
      usersAtRisk: blocked ? 0 : users.length,
      evidence: [...evidence, ...(users.length ? [`For example: ${users.slice(0, SAMPLE_USERS).map((i) => m.upn(i)).join(', ')}${users.length > SAMPLE_USERS ? ', …' : ''}.`] : [])],
      fixes: [],
      sampleUsers: users.slice(0, SAMPLE_USERS).map((i) => m.upn(i)),
      [TITLE_DATA]: titleData,
    };
    finding.fixes = tapFixes(finding, behindFix);
    run.findings.push(finding);
  };

  if (!tap || tap.state !== 'enabled') {
    behindFix = behind('disabled');
    push('tap-policy:disabled', 'tap-method-disabled', needers.length ? 'blocking' : 'latent', needers, true, 'Temporary Access Pass is turned off', 'Temporary Access Pass method enabled', [
      `The Temporary Access Pass method is ${tap ? 'disabled' : 'missing'} in the authentication methods policy, so nobody can be given a pass.${needers.length ? ` ${count(needers.length, 'user', 'needs', 'need')} one to get through ${behindFix}.` : ''}`,
    ], { code: 'tap-disabled' });
    return;
  }
  const gap = (g: TapObstacle) => needers.filter((i) => m.tapGap[i] === g);
  const guests = gap('guest');
  if (guests.length) {
    behindFix = behind('guest');
    push('tap-policy:guests', 'tap-unavailable-for-guest', 'blocking', guests, true, 'Guests cannot get a Temporary Access Pass', 'a way in for guests other than a TAP', [
      `A Temporary Access Pass cannot be issued to a guest (userType Guest), and ${count(guests.length, 'guest', 'needs', 'need')} one to get through ${behindFix}.`,
    ], { code: 'tap-guests' });
  }
  const untargeted = [...gap('not-targeted'), ...gap('excluded')].sort((a, b) => a - b);
  if (untargeted.length) {
    const excluded = gap('excluded').length;
    behindFix = behind('not-targeted', 'excluded');
    push('tap-policy:not-targeted', 'tap-method-disabled', 'blocking', untargeted, true, 'Temporary Access Pass does not target users who need it', 'the TAP method targets every user who needs a pass', [
      `The Temporary Access Pass method targets ${(tap.includeTargets ?? []).map((t) => targetName(t.id ?? '', m)).join(', ') || 'nobody'}${excluded ? ` and excludes ${((tap.excludeTargets ?? []) as { id?: string }[]).map((t) => targetName(t.id ?? '', m)).join(', ')} (${excluded} of these users)` : ''}; ${plural(untargeted.length, 'user')} who need a pass to get through ${behindFix} cannot be given one.`,
    ], { code: 'tap-not-targeted' });
  }
  const kindBlocked: number[] = [];
  for (let i = 0; i < tally.n; i++) if (tally.tapKindBlocked[i]) kindBlocked.push(i);
  if (kindBlocked.length) {
    behindFix = behind('one-time-only');
    push('tap-policy:one-time-only', 'tap-method-disabled', 'blocking', kindBlocked, true, 'Only one-time passes, but the policy needs a multi-use one', 'multi-use passes allowed', [
      `The TAP policy makes every pass one-time (isUsableOnce), but ${behindFix} accept only a multi-use Temporary Access Pass.`,
    ], { code: 'tap-one-time-only' });
  }
  const issuable = needers.filter((i) => m.tapGap[i] === null && !tally.tapKindBlocked[i]);
  const max = Number(tap.maximumLifetimeInMinutes ?? tap.defaultLifetimeInMinutes ?? 60);
  behindFix = policyList(tally.tapPolicies);
  if (max < MIN_TAP_LIFETIME_MINUTES) {
    push('tap-policy:lifetime', 'tap-method-disabled', 'risk', issuable, false, 'Temporary Access Pass lifetime too short', `a maximum lifetime of at least ${MIN_TAP_LIFETIME_MINUTES} minutes`, [
      `The longest pass the policy allows is ${max} minutes (maximumLifetimeInMinutes). Signing in to Authenticator, meeting the Register security information policy and creating the passkey often take longer, and the window has to be agreed with the user first.${because}`,
    ], { code: 'tap-lifetime' });
  }
  if (tap.isUsableOnce === true) {
    push('tap-policy:one-time', 'tap-method-disabled', 'risk', issuable, false, 'Every Temporary Access Pass is one-time', 'multi-use passes, or users who finish within 10 minutes', [
      'The TAP policy makes every pass one-time (isUsableOnce): after the first sign-in it is spent, and a user who registers a passkey with a one-time pass has to finish within 10 minutes of signing in. Anyone who needs more time, or a second sign-in (Authenticator, then security info), has to ask for a new pass.' +
        because,
    ], { code: 'tap-one-time' });
  }
}

function profileProblem(p: PasskeyProfile, platforms: readonly Platform[]): { code: FindingCode; text: string; requirement: string } | null {
  const types = (p.passkeyTypes ?? 'deviceBound,synced').split(',').map((t) => t.trim());
  if (!types.includes('deviceBound')) {
    return { code: 'passkey-profile-excludes-authenticator', text: `allows only ${types.join(', ')} passkeys; passkeys in Microsoft Authenticator are device-bound`, requirement: 'device-bound passkeys allowed' };
  }
  const r = p.keyRestrictions;
  if (!r?.isEnforced) return null;
  const listed = (a: string) => (r.aaGuids ?? []).some((x) => x.toLowerCase() === a);
  const blocked = platforms.filter((pl) => (r.enforcementType === 'allow' ? !listed(AUTHENTICATOR_AAGUID[pl]) : listed(AUTHENTICATOR_AAGUID[pl])));
  if (blocked.length === 0) return null;
  return {
    code: 'authenticator-aaguid-blocked',
    text: `enforces key restrictions (${r.enforcementType === 'allow' ? 'allow only' : 'block'} ${(r.aaGuids ?? []).join(', ') || 'an empty list'}) that keep out Microsoft Authenticator on ${blocked.join(' and ')} (${blocked.map((pl) => AUTHENTICATOR_AAGUID[pl]).join(', ')})`,
    requirement: `key restrictions allow Microsoft Authenticator (${blocked.map((pl) => AUTHENTICATOR_AAGUID[pl]).join(', ')})`,
  };
}
