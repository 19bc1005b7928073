// The authentication methods policy's say on a passkey in Authenticator: is the passkey (FIDO2)
// method on for this user, may they register it themselves, and do key restrictions, passkey
// types or attestation (legacy settings or passkey profiles) let Authenticator's AAGUID in?
import type { Fido2KeyRestrictions } from '@microsoft/microsoft-graph-types';
import { isTargeted } from './credentials';
import { AUTHENTICATOR_AAGUID, type PasskeyProfile, type RegistrationContext } from './facts';
import type { PreparedTenant, PreparedUser } from './prepare';

export type MethodIssue =
  | { code: 'passkey-method-disabled'; evidence: string }
  | { code: 'passkey-self-service-disabled'; evidence: string }
  | { code: 'authenticator-aaguid-blocked'; evidence: string }
  | { code: 'passkey-profile-excludes-authenticator'; evidence: string }
  | { code: 'attestation-blocks-cross-device'; evidence: string };

/** Settings that decide one registration: legacy global ones or one passkey profile. */
interface PasskeySettings {
  name: string;
  deviceBound: boolean;
  attestation: boolean;
  keyRestrictions: Fido2KeyRestrictions | null | undefined;
}

export function methodPolicyIssues(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext): MethodIssue[] {
  const fido2 = tenant.fido2;
  if (!fido2) return [{ code: 'passkey-method-disabled', evidence: 'The authentication methods policy has no passkey (FIDO2) configuration.' }];
  if (fido2.state !== 'enabled') {
    return [{ code: 'passkey-method-disabled', evidence: 'Passkey (FIDO2) is disabled in the authentication methods policy.' }];
  }
  if (!isTargeted(fido2, user)) {
    const excluded = (fido2.excludeTargets ?? []).find((t) => t.id === 'all_users' || user.groupIds.has(t.id ?? '') || t.id === user.id);
    return [
      {
        code: 'passkey-method-disabled',
        evidence: excluded
          ? `Passkey (FIDO2) is enabled, but ${user.upn} is excluded through ${excluded.id === user.id ? 'a user exclusion' : `group ${user.groupName(excluded.id ?? '')}`}.`
          : `Passkey (FIDO2) is enabled only for ${describeTargets(fido2.includeTargets ?? [], user)}; ${user.upn} is in none of them.`,
      },
    ];
  }
  const issues: MethodIssue[] = [];
  if (fido2.isSelfServiceRegistrationAllowed === false) {
    issues.push({ code: 'passkey-self-service-disabled', evidence: 'Self-service registration of passkeys is not allowed in the passkey (FIDO2) settings.' });
  }

  const aaguid = AUTHENTICATOR_AAGUID[context.platform];
  const settings = settingsForUser(tenant, user);
  const where = (s: PasskeySettings) => (s.name === 'legacy' ? 'the passkey (FIDO2) settings' : `passkey profile "${s.name}"`);

  const deviceBound = settings.filter((s) => s.deviceBound);
  if (deviceBound.length === 0) {
    issues.push({
      code: 'passkey-profile-excludes-authenticator',
      evidence: `No passkey profile ${user.upn} is in scope of allows device-bound passkeys (Authenticator's are device-bound): ${settings.map((s) => `"${s.name}"`).join(', ')}.`,
    });
    return issues;
  }
  const allowing = deviceBound.filter((s) => aaguidAllowed(s.keyRestrictions, aaguid));
  if (allowing.length === 0) {
    issues.push({
      code: 'authenticator-aaguid-blocked',
      evidence: `Key restrictions in ${deviceBound.map(where).join(' and ')} do not allow Microsoft Authenticator on ${context.platform} (AAGUID ${aaguid}): ${deviceBound.map((s) => restrictionText(s.keyRestrictions)).join('; ')}.`,
    });
    return issues;
  }
  if (context.crossDevice && allowing.every((s) => s.attestation)) {
    issues.push({
      code: 'attestation-blocks-cross-device',
      evidence: `Attestation is enforced in ${allowing.map(where).join(' and ')}: an attested passkey can only be registered directly in the Authenticator app, not cross-device.`,
    });
  }
  return issues;
}

function settingsForUser(tenant: PreparedTenant, user: PreparedUser): PasskeySettings[] {
  const fido2 = tenant.fido2!;
  const profiles = fido2.passkeyProfiles ?? [];
  if (profiles.length === 0) {
    return [{ name: 'legacy', deviceBound: true, attestation: fido2.isAttestationEnforced === true, keyRestrictions: fido2.keyRestrictions }];
  }
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const ids = new Set<string>();
  for (const t of fido2.includeTargets ?? []) {
    if (t.id !== 'all_users' && !user.groupIds.has(t.id ?? '') && t.id !== user.id) continue;
    const allowed = t.allowedPasskeyProfiles?.length ? t.allowedPasskeyProfiles : [fido2.defaultPasskeyProfile ?? profiles[0].id];
    for (const id of allowed) ids.add(id);
  }
  return [...ids].map((id) => byId.get(id)).filter((p): p is PasskeyProfile => !!p).map(profileSettings);
}

function profileSettings(p: PasskeyProfile): PasskeySettings {
  const types = (p.passkeyTypes ?? 'deviceBound,synced').split(',').map((t) => t.trim());
  return {
    name: p.name ?? p.id,
    deviceBound: types.includes('deviceBound'),
    attestation: p.attestationEnforcement === 'registrationOnly',
    keyRestrictions: p.keyRestrictions,
  };
}

function aaguidAllowed(r: Fido2KeyRestrictions | null | undefined, aaguid: string): boolean {
  if (!r?.isEnforced) return true;
  const listed = (r.aaGuids ?? []).some((a) => a.toLowerCase() === aaguid);
  return r.enforcementType === 'allow' ? listed : !listed;
}

function restrictionText(r: Fido2KeyRestrictions | null | undefined): string {
  const list = (r?.aaGuids ?? []).join(', ') || 'an empty list';
  return r?.enforcementType === 'allow' ? `allow only ${list}` : `block ${list}`;
}

function describeTargets(targets: { id?: string }[], user: PreparedUser): string {
  return targets.length === 0 ? 'nobody' : targets.map((t) => (t.id === 'all_users' ? 'all users' : `group ${user.groupName(t.id ?? '')}`)).join(', ');
}
