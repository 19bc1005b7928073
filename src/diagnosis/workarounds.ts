// Which of the seed page's workarounds apply to which finding, and for whom.
import type { GrantResult } from './grant';
import type { Finding, Workaround, WorkaroundCode, Audience } from './result';

export interface WorkaroundContext {
  /** A valid TAP would satisfy every blocking CA policy it is needed for. */
  tapAcceptedByBlockingPolicies: boolean;
  /** The TAP method targets the user (and the user is not a guest). */
  tapIssuable: boolean;
  blocks: GrantResult[];
  /** The user holds a Temporary Access Pass valid right now. */
  tapValidNow: boolean;
}

export function workaroundsFor(findings: Finding[], ctx: WorkaroundContext): Workaround[] {
  const out: Workaround[] = [];
  const seen = new Set<string>();
  const offer = (code: WorkaroundCode, audience: Audience, finding: Finding) => {
    const key = `${code}|${audience}|${finding.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ code, for: audience, finding: finding.code });
  };
  const tap = ctx.tapAcceptedByBlockingPolicies && ctx.tapIssuable;
  const compliantHelps = ctx.blocks.some((g) => g.failing.some((c) => c.kind === 'compliantDevice'));

  for (const f of findings) {
    if (!f.blocking && f.code !== 'no-blocker-found') continue;
    switch (f.code) {
      case 'ca-auth-strength-loop':
        offer('filter-for-applications', 'admin', f);
        offer('split-mobile-desktop-policies', 'admin', f);
        if (tap) {
          offer('temporary-access-pass', 'user', f);
          offer('temporary-access-pass', 'helpdesk', f);
        }
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'ca-approved-client-app':
        offer('filter-for-applications', 'admin', f);
        offer('require-compliant-device', 'admin', f);
        offer('temporary-exemption', 'admin', f);
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'ca-register-security-info':
        offer('satisfy-register-security-info', 'user', f);
        if (tap) offer('temporary-access-pass', 'helpdesk', f);
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'ca-other-conditions':
        if (compliantHelps) offer('require-compliant-device', 'admin', f);
        offer('filter-for-applications', 'admin', f);
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'passkey-method-disabled':
      case 'passkey-self-service-disabled':
      case 'passkey-profile-excludes-authenticator':
        offer('enable-passkey-method', 'admin', f);
        break;
      case 'authenticator-aaguid-blocked':
        offer('allow-authenticator-aaguids', 'admin', f);
        break;
      case 'tap-method-disabled':
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'tap-not-yet-valid':
        offer('temporary-access-pass', 'user', f);
        break;
      case 'tap-expired':
      case 'tap-used':
        offer('temporary-access-pass', 'user', f);
        offer('temporary-access-pass', 'helpdesk', f);
        break;
      case 'android-profile-mismatch':
        offer('register-in-each-profile', 'user', f);
        break;
      case 'bluetooth-restricted':
        offer('allow-bluetooth-for-passkeys', 'admin', f);
        offer('register-in-authenticator-app', 'user', f);
        break;
      case 'attestation-blocks-cross-device':
        offer('register-in-authenticator-app', 'user', f);
        break;
      case 'os-version-unsupported':
        offer('update-os', 'user', f);
        break;
      case 'tap-unavailable-for-guest':
        offer('temporary-exemption', 'helpdesk', f);
        break;
      case 'no-blocker-found':
        if (ctx.tapValidNow) offer('temporary-access-pass', 'user', f);
        offer('contact-help-desk', 'user', f);
        break;
    }
  }
  // Non-blocking findings still deserve their own fix when they are the whole story.
  for (const f of findings) {
    if (f.blocking) continue;
    if (f.code === 'android-profile-mismatch') offer('register-in-each-profile', 'user', f);
    if (f.code === 'tap-unavailable-for-guest') offer('temporary-exemption', 'helpdesk', f);
  }
  return out;
}

/** Workarounds a user can carry out alone, without the help desk or an admin. */
export const SELF_SERVICE: ReadonlySet<WorkaroundCode> = new Set<WorkaroundCode>([
  'satisfy-register-security-info',
  'register-in-each-profile',
  'register-in-authenticator-app',
  'update-os',
]);
