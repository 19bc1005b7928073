// The authentication methods policy's say on a passkey in Authenticator: is the passkey (FIDO2)
// method on for this user, may they register it themselves, and do key restrictions, passkey
// types or attestation (legacy settings or passkey profiles) let Authenticator's AAGUID in?
import type { Fido2KeyRestrictions } from '@microsoft/microsoft-graph-types';
import { isTargeted } from './credentials';
import type { MethodEvidence, PasskeySettingsRef, TargetRef } from './evidence';
import { AUTHENTICATOR_AAGUID, type PasskeyProfile, type RegistrationContext } from './facts';
import type { PreparedTenant, PreparedUser } from './prepare';

export type MethodIssue =
  | { code: 'passkey-method-disabled'; evidence: MethodEvidence }
  | { code: 'passkey-self-service-disabled'; evidence: MethodEvidence }
  | { code: 'authenticator-aaguid-blocked'; evidence: MethodEvidence }
  | { code: 'passkey-profile-excludes-authenticator'; evidence: MethodEvidence }
  | { code: 'attestation-blocks-cross-device'; evidence: MethodEvidence };

/** Settings that decide one registration: legacy global ones or one passkey profile. */
interface PasskeySettings {
  name: string;
  deviceBound: boolean;
  attestation: boolean;
  keyRestrictions: Fido2KeyRestrictions | null | undefined;
}

export function methodPolicyIssues(tenant: PreparedTenant, user: PreparedUser, context: RegistrationContext): MethodIssue[] {
  const fido2 = tenant.fido2;
  if (!fido2) return [{ code: 'passkey-method-disabled', evidence: { kind: 'method', issue: 'no-fido2-configuration' } }];
  if (fido2.state !== 'enabled') {
    return [{ code: 'passkey-method-disabled', evidence: { kind: 'method', issue: 'fido2-disabled' } }];
  }
  if (!isTargeted(fido2, user)) {
    const excluded = (fido2.excludeTargets ?? []).find((t) => t.id === 'all_users' || user.groupIds.has(t.id ?? '') || t.id === user.id);
    return [
      {
        code: 'passkey-method-disabled',
        evidence: excluded
          ? { kind: 'method', issue: 'user-excluded', upn: user.upn, through: excluded.id === user.id ? 'user' : { group: groupName(user, excluded.id ?? '') } }
          : { kind: 'method', issue: 'user-not-targeted', upn: user.upn, targets: targetsOf(fido2.includeTargets ?? [], user) },
      },
    ];
  }
  const issues: MethodIssue[] = [];
  if (fido2.isSelfServiceRegistrationAllowed === false) {
    issues.push({ code: 'passkey-self-service-disabled', evidence: { kind: 'method', issue: 'self-service-disabled' } });
  }

  const aaguid = AUTHENTICATOR_AAGUID[context.platform];
  const settings = settingsForUser(tenant, user);
  const where = (s: PasskeySettings): PasskeySettingsRef => (s.name === 'legacy' ? { legacy: true } : { profile: s.name });

  const deviceBound = settings.filter((s) => s.deviceBound);
  if (deviceBound.length === 0) {
    issues.push({
      code: 'passkey-profile-excludes-authenticator',
      evidence: { kind: 'method', issue: 'no-device-bound-profile', upn: user.upn, profiles: settings.map((s) => s.name) },
    });
    return issues;
  }
  const allowing = deviceBound.filter((s) => aaguidAllowed(s.keyRestrictions, aaguid));
  if (allowing.length === 0) {
    issues.push({
      code: 'authenticator-aaguid-blocked',
      evidence: {
        kind: 'method',
        issue: 'aaguid-not-allowed',
        platform: context.platform,
        aaguid,
        settings: deviceBound.map(where),
        restrictions: deviceBound.map((s) => ({ enforcementType: s.keyRestrictions?.enforcementType === 'allow' ? 'allow' : 'block', aaGuids: s.keyRestrictions?.aaGuids ?? [] })),
      },
    });
    return issues;
  }
  if (context.crossDevice && allowing.every((s) => s.attestation)) {
    issues.push({
      code: 'attestation-blocks-cross-device',
      evidence: { kind: 'method', issue: 'attestation-enforced', settings: allowing.map(where) },
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

function targetsOf(targets: { id?: string }[], user: PreparedUser): TargetRef[] {
  return targets.map((t) => (t.id === 'all_users' ? 'all-users' : { group: groupName(user, t.id ?? '') }));
}

/** A group's display name as the user's facts know it (its id otherwise). */
const groupName = (user: PreparedUser, id: string): string => user.facts.groupNames?.[id] ?? id;
