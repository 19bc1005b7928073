// What the user can present when signing in on this phone: registered methods usable on the
// platform, and a Temporary Access Pass that is valid at the evaluation time.
import type {
  AuthenticationMethodTarget,
  Fido2AuthenticationMethod,
  PhoneAuthenticationMethod,
  TemporaryAccessPassAuthenticationMethod,
} from '@microsoft/microsoft-graph-types';
import { AUTHENTICATOR_AAGUID, odataType, type RegistrationContext } from './facts';
import type { PreparedTenant, PreparedUser } from './prepare';

export type TapState = 'none' | 'valid' | 'not-yet-valid' | 'expired' | 'used';

export interface TapStatus {
  state: TapState;
  method: TemporaryAccessPassAuthenticationMethod | null;
  start: Date | null;
  end: Date | null;
  oneTime: boolean;
}

/** A usable passkey / FIDO2 credential on this platform, with its AAGUID. */
export interface UsableFido2 {
  aaGuid: string;
  label: string;
}

export interface Presentable {
  /** Authentication strength factor names the user can present here (password, sms, fido2, ...). */
  factors: Set<string>;
  fido2: UsableFido2[];
  tap: TapStatus;
  /** A compliant, managed device of this platform, if the user has one. */
  compliantDeviceName: string | null;
  /** The user's methods as short labels, for evidence. */
  methodLabels: string[];
  /** Fido2 methods that exist but cannot be used here, with the reason. */
  unusableFido2: string[];
  /** The user's methods as data (`methodLabels` in the same order); absent where a caller builds its own. */
  methods?: MethodFact[];
  /** The passkeys that cannot be used here as data (`unusableFido2` in the same order). */
  unusable?: UnusablePasskey[];
}

/** A registered method as evidence names it. */
export type MethodFact =
  | { method: 'password' | 'authenticator' | 'softwareOath' | 'hardwareOath' | 'email' | 'windowsHello' }
  | { method: 'phone'; phoneType: string }
  | { method: 'passkey'; name: string }
  /** start and end as ISO strings (null when unknown). */
  | { method: 'tap'; state: TapState; start: string | null; end: string | null; oneTime: boolean };

/** A passkey that exists but cannot be used on this phone. */
export type UnusablePasskey =
  | { name: string; reason: 'other-platform'; platform: 'iOS' | 'Android' }
  | { name: string; reason: 'android-profile'; passkeyProfile: string; androidProfile: string };


/** The part of a method configuration that says who may use the method. */
export interface MethodTargeting {
  state?: string | null;
  includeTargets?: AuthenticationMethodTarget[] | null;
  excludeTargets?: unknown[] | null;
}

export function isTargeted(config: MethodTargeting | null, user: PreparedUser): boolean {
  if (!config || config.state !== 'enabled') return false;
  const matches = (t: AuthenticationMethodTarget) =>
    t.id === 'all_users' || (t.targetType === 'user' ? t.id === user.id : user.groupIds.has(t.id ?? '') || t.id === user.id);
  const excluded = ((config.excludeTargets ?? []) as AuthenticationMethodTarget[]).some(matches);
  return !excluded && (config.includeTargets ?? []).some(matches);
}

export function tapStatus(user: PreparedUser, at: Date): TapStatus {
  const taps = user.facts.methods.filter((m) => odataType(m) === 'temporaryAccessPassAuthenticationMethod') as TemporaryAccessPassAuthenticationMethod[];
  if (taps.length === 0) return { state: 'none', method: null, start: null, end: null, oneTime: false };
  // Graph allows one TAP per user; if a snapshot holds several, the latest one counts.
  const tap = taps.reduce((a, b) => (Date.parse(b.startDateTime ?? '') > Date.parse(a.startDateTime ?? '') ? b : a));
  const start = new Date(tap.startDateTime ?? tap.createdDateTime ?? 0);
  const end = new Date(start.getTime() + (tap.lifetimeInMinutes ?? 60) * 60_000);
  const oneTime = tap.isUsableOnce === true;
  let state: TapState;
  if (tap.methodUsabilityReason === 'OneTimeUsed') state = 'used';
  else if (at < start) state = 'not-yet-valid';
  else if (at >= end) state = 'expired';
  else state = 'valid';
  return { state, method: tap, start, end, oneTime };
}

export function presentable(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext): Presentable {
  const factors = new Set<string>();
  const fido2: UsableFido2[] = [];
  const unusableFido2: string[] = [];
  const labels: string[] = [];
  const methods: MethodFact[] = [];
  const unusable: UnusablePasskey[] = [];
  const ownAaguid = AUTHENTICATOR_AAGUID[context.platform];
  const otherAaguid = context.platform === 'iOS' ? AUTHENTICATOR_AAGUID.android : AUTHENTICATOR_AAGUID.iOS;

  for (const m of user.facts.methods) {
    switch (odataType(m)) {
      case 'passwordAuthenticationMethod':
        factors.add('password');
        labels.push('password');
        methods.push({ method: 'password' });
        break;
      case 'phoneAuthenticationMethod': {
        const phone = m as PhoneAuthenticationMethod;
        factors.add('voice');
        if (phone.phoneType === 'mobile') factors.add('sms');
        if (phone.smsSignInState === 'ready') factors.add('smsSignIn');
        labels.push(`phone (${phone.phoneType ?? 'mobile'})`);
        methods.push({ method: 'phone', phoneType: String(phone.phoneType ?? 'mobile') });
        break;
      }
      case 'microsoftAuthenticatorAuthenticationMethod':
        factors.add('microsoftAuthenticatorPush');
        labels.push('Microsoft Authenticator (notifications)');
        methods.push({ method: 'authenticator' });
        break;
      case 'softwareOathAuthenticationMethod':
        factors.add('softwareOath');
        labels.push('software OATH token');
        methods.push({ method: 'softwareOath' });
        break;
      case 'hardwareOathAuthenticationMethod':
        factors.add('hardwareOath');
        labels.push('hardware OATH token');
        methods.push({ method: 'hardwareOath' });
        break;
      case 'emailAuthenticationMethod':
        labels.push('email');
        methods.push({ method: 'email' });
        break;
      case 'windowsHelloForBusinessAuthenticationMethod':
        labels.push('Windows Hello for Business (not usable on a phone)');
        methods.push({ method: 'windowsHello' });
        break;
      case 'fido2AuthenticationMethod': {
        const key = m as Fido2AuthenticationMethod;
        const aaGuid = (key.aaGuid ?? '').toLowerCase();
        const label = key.displayName ?? key.model ?? 'passkey';
        labels.push(`passkey "${label}"`);
        methods.push({ method: 'passkey', name: label });
        if (aaGuid === otherAaguid) {
          const other = context.platform === 'iOS' ? 'Android' : 'iOS';
          unusableFido2.push(`"${label}" lives in Authenticator on ${other}, not on this phone`);
          unusable.push({ name: label, reason: 'other-platform', platform: other });
        } else if (
          aaGuid === ownAaguid &&
          context.platform === 'android' &&
          context.androidProfile &&
          context.passkeyProfile &&
          context.androidProfile !== context.passkeyProfile
        ) {
          unusableFido2.push(`"${label}" is in the ${context.passkeyProfile} Android profile; the user is in the ${context.androidProfile} profile`);
          unusable.push({ name: label, reason: 'android-profile', passkeyProfile: context.passkeyProfile, androidProfile: context.androidProfile });
        } else {
          fido2.push({ aaGuid, label });
          factors.add('fido2');
        }
        break;
      }
      default:
        break;
    }
  }

  const tap = tapStatus(user, context.at);
  if (tap.state === 'valid' && isTargeted(tenant.tap, user)) {
    factors.add(tap.oneTime ? 'temporaryAccessPassOneTime' : 'temporaryAccessPassMultiUse');
  }
  if (tap.method) {
    labels.push(`Temporary Access Pass (${tap.state}, ${fmt(tap.start)}–${fmt(tap.end)}${tap.oneTime ? ', one-time' : ''})`);
    methods.push({ method: 'tap', state: tap.state, start: isoOf(tap.start), end: isoOf(tap.end), oneTime: tap.oneTime });
  }

  const os = context.platform === 'iOS' ? /^(ios|ipados)$/i : /^android/i;
  // Conditional Access treats a device in its compliance grace period as compliant.
  const device = user.facts.managedDevices.find((d) => os.test(d.operatingSystem ?? '') && (d.complianceState === 'compliant' || d.complianceState === 'inGracePeriod'));

  return { factors, fido2, tap, compliantDeviceName: device ? (device.deviceName ?? device.id ?? 'managed device') : null, methodLabels: labels, unusableFido2, methods, unusable };
}

const isoOf = (d: Date | null): string | null => (d && !Number.isNaN(d.getTime()) ? d.toISOString() : null);

export function fmt(d: Date | null): string {
  return d ? d.toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ') : '?';
}
