// Variations of the demo tenant that exercise what the demo itself does not plant: user
// conditions on guest types, user and role exclusions, conditions the audit cannot resolve
// (risk, location), device filters, excluded apps, TAP and passkey settings gaps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTHENTICATOR_APP_ID } from '../../src/diagnosis';
import { validateSnapshot, type TenantSnapshot } from '../../src/snapshot';

const ROOT = join(__dirname, '..', '..');
export const demoJson = (): any => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));

export const USER = {
  ada: 'dc805fc3-0607-588e-b308-b17ffd4a4652',
  vic: '0675a7db-1962-5670-99c5-63821ef868c9',
};
export const GROUP = {
  allEmployees: 'fad35a24-e90d-5b6b-9df2-5cd36bf892ca',
  wave1: 'de3f829d-e52f-5269-b371-34fc22fc76cf',
  finance: 'b782054b-0372-5e98-b3fc-980901b45b45',
  privilegedAdmins: '41505532-42ca-5808-a068-137a4da11595',
  contractors: '35fb5089-5686-571f-8029-410e4327568e',
};
const HELPDESK_ROLE = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const TAP_OR_PASSKEY = '3b83dbad-46b5-58ad-a18c-edd520cfa419';

function policy(id: string, displayName: string, over: { users?: any; applications?: any; conditions?: any; grant?: any; state?: string }): any {
  return {
    id,
    displayName,
    state: over.state ?? 'enabled',
    conditions: {
      clientAppTypes: ['all'],
      userRiskLevels: [],
      signInRiskLevels: [],
      users: { includeUsers: [], excludeUsers: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [], ...over.users },
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [], ...over.applications },
      platforms: null,
      locations: null,
      devices: null,
      ...over.conditions,
    },
    grantControls: { operator: 'OR', builtInControls: [], customAuthenticationFactors: [], termsOfUse: [], authenticationStrength: null, ...over.grant },
  };
}

/** Conditions: guest types, exclusions by user and role, risk, locations, device filters, excluded apps. */
export function conditionsVariant(): TenantSnapshot {
  const json = demoJson();
  json.conditionalAccessPolicies.push(
    policy('a0000000-0000-4000-8000-000000000001', 'Guests: MFA', { users: { includeUsers: ['GuestsOrExternalUsers'] }, grant: { builtInControls: ['mfa'] } }),
    policy('a0000000-0000-4000-8000-000000000002', 'B2B guests: block Android', {
      users: { includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,internalGuest' } },
      conditions: { platforms: { includePlatforms: ['android'], excludePlatforms: [] } },
      grant: { builtInControls: ['block'] },
    }),
    policy('a0000000-0000-4000-8000-000000000003', 'Risky sign-ins: block', {
      users: { includeUsers: ['All'], excludeUsers: [USER.ada], excludeRoles: [HELPDESK_ROLE] },
      conditions: { signInRiskLevels: ['high'] },
      grant: { builtInControls: ['block'] },
    }),
    policy('a0000000-0000-4000-8000-000000000004', 'Trusted locations only: compliant device', {
      users: { includeGroups: [GROUP.allEmployees] },
      conditions: { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } },
      grant: { builtInControls: ['compliantDevice'] },
    }),
    policy('a0000000-0000-4000-8000-000000000005', 'Everything but Authenticator: block', {
      users: { includeUsers: ['All'] },
      applications: { excludeApplications: [AUTHENTICATOR_APP_ID] },
      grant: { builtInControls: ['block'] },
    }),
    policy('a0000000-0000-4000-8000-000000000006', 'Exchange ActiveSync: block', {
      users: { includeUsers: ['All'] },
      conditions: { clientAppTypes: ['exchangeActiveSync'] },
      grant: { builtInControls: ['block'] },
    }),
    policy('a0000000-0000-4000-8000-000000000007', 'Android devices: compliant', {
      users: { includeGroups: [GROUP.finance], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
      conditions: { devices: { deviceFilter: { mode: 'include', rule: 'device.operatingSystem -eq "Android"' } } },
      grant: { builtInControls: ['compliantDevice'] },
    }),
    policy('a0000000-0000-4000-8000-000000000008', 'Everyone: MFA to register security info', {
      users: { includeUsers: ['All'], excludeUsers: ['GuestsOrExternalUsers'] },
      applications: { includeApplications: [], includeUserActions: ['urn:user:registersecurityinfo'] },
      grant: { builtInControls: ['mfa'] },
    }),
    policy('a0000000-0000-4000-8000-000000000009', 'Nobody: empty group', {
      users: { includeGroups: ['c1aaac59-9bcf-5a26-9946-786bf30789fc'] },
      grant: { builtInControls: ['block'] },
    }),
  );
  return validateSnapshot(json);
}

/**
 * Filters for devices decided by each user's Intune-managed phone (Ada has a compliant,
 * company-owned Android phone; nobody else has a managed phone): a negative rule that covers the
 * phones without attributes, and a positive one no phone matches.
 */
export function deviceFilterVariant(): TenantSnapshot {
  const json = demoJson();
  const users = { includeGroups: [GROUP.finance], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] };
  json.conditionalAccessPolicies.push(
    policy('a0000000-0000-4000-8000-000000000011', 'Non-compliant phones: block', {
      users,
      conditions: { devices: { deviceFilter: { mode: 'include', rule: 'device.isCompliant -ne True' } } },
      grant: { builtInControls: ['block'] },
    }),
    policy('a0000000-0000-4000-8000-000000000012', 'Personal phones: block', {
      users,
      conditions: { devices: { deviceFilter: { mode: 'include', rule: 'device.deviceOwnership -eq "Personal"' } } },
      grant: { builtInControls: ['block'] },
    }),
  );
  return validateSnapshot(json);
}

/**
 * Settings gaps: every TAP one-time and at most 30 minutes, the TAP method only for All employees
 * and wave 1 (so Vic is not targeted); the mobile strength takes only multi-use passes; a mobile
 * policy for the privileged admins; passkeys without self-service, legacy key restrictions that
 * allow only a YubiKey.
 */
export function settingsVariant(): TenantSnapshot {
  const json = demoJson();
  const configs = json.authenticationMethodsPolicy.authenticationMethodConfigurations;
  const fido2 = configs.find((c: any) => c.id === 'Fido2');
  fido2.isSelfServiceRegistrationAllowed = false;
  delete fido2.passkeyProfiles;
  delete fido2.defaultPasskeyProfile;
  for (const t of fido2.includeTargets) delete t.allowedPasskeyProfiles;
  fido2.keyRestrictions = { isEnforced: true, enforcementType: 'allow', aaGuids: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'] };
  const tap = configs.find((c: any) => c.id === 'TemporaryAccessPass');
  Object.assign(tap, {
    isUsableOnce: true,
    maximumLifetimeInMinutes: 30,
    defaultLifetimeInMinutes: 30,
    minimumLifetimeInMinutes: 10,
    includeTargets: [
      { targetType: 'group', id: GROUP.allEmployees },
      { targetType: 'group', id: GROUP.wave1 },
    ],
  });
  json.authenticationStrengthPolicies.find((s: any) => s.id === TAP_OR_PASSKEY).allowedCombinations = ['fido2', 'temporaryAccessPassMultiUse'];
  json.conditionalAccessPolicies.push(
    policy('a0000000-0000-4000-8000-000000000010', 'Privileged admins mobile: TAP or passkey', {
      users: { includeGroups: [GROUP.privilegedAdmins] },
      conditions: { platforms: { includePlatforms: ['android', 'iOS'], excludePlatforms: [] } },
      grant: { authenticationStrength: { id: TAP_OR_PASSKEY } },
    }),
  );
  return validateSnapshot(json);
}

/** Passkeys (FIDO2) disabled and no TAP method at all. */
export function disabledVariant(): TenantSnapshot {
  const json = demoJson();
  const configs = json.authenticationMethodsPolicy.authenticationMethodConfigurations;
  configs.find((c: any) => c.id === 'Fido2').state = 'disabled';
  json.authenticationMethodsPolicy.authenticationMethodConfigurations = configs.filter((c: any) => c.id !== 'TemporaryAccessPass');
  return validateSnapshot(json);
}
