// English evidence, byte for byte, now that conditions and grant controls are data: a condition's
// clause, a grant control's label and the fact that fails it are worded from `detail`, `ref` and
// `fact` through the catalogue, and in English they must read exactly as the engine's own strings
// (`clause`, `label`, `why`) — the words the cards and stored tickets showed before. Compared over
// every evidence item of the demo tenant's personas and of the fixture tenants (each in several
// contexts), and over every condition and control the engine decides for every policy, user,
// event and platform of those tenants and of a built tenant with every kind of condition.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clauseWords, controlLabel, evidenceSentence, factWords } from '../../src/cards/evidence-words';
import {
  applicability,
  diagnose,
  evaluateGrant,
  phoneAttributes,
  prepareTenant,
  prepareUser,
  presentable,
  type ConditionEvidence,
  type DeviceAttributes,
  type Diagnosis,
  type Evidence,
  type GrantEvidence,
  type RegistrationContext,
  type SignInEvent,
} from '../../src/diagnosis';
import type { SuppliedConditions } from '../../src/diagnosis/applicability';
import { parseSignIn } from '../../src/graph/sign-ins';
import { english } from '../../src/i18n';
import { AT, customStrength, grant, managedPhone, password, policy, registerSecurityInfoPolicy, strengthGrant, tenant, user, type Snapshot } from '../diagnosis/builders';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const ROOT = join(__dirname, '..', '..');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const en = english();

const CONTEXTS: Partial<RegistrationContext>[] = [
  { platform: 'android', osVersion: 15 },
  { platform: 'iOS', osVersion: 18 },
  { platform: 'android', osVersion: 13, androidProfile: 'work', passkeyProfile: 'personal' },
  { platform: 'android', androidProfile: 'personal', passkeyProfile: 'work', crossDevice: true, bluetoothRestricted: true },
];

interface Tenant {
  name: string;
  snapshot: Snapshot;
  at: Date;
}

function fixtureTenants(): Tenant[] {
  const demo = json(join(ROOT, 'fixtures', 'demo-tenant.json'));
  const out: Tenant[] = [{ name: 'demo', snapshot: demo, at: new Date(demo.demoClock) }];
  for (const folder of ['examples', 'observed-examples']) {
    const dir = join(ROOT, 'test', 'fixtures', folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const { args, snapshot } = json(join(dir, file));
      out.push({ name: `${folder}/${file}`, snapshot, at: new Date(args.at) });
    }
  }
  return out;
}

/** A tenant whose policies use every kind of condition and grant control the engine words. */
function builtTenant(): Tenant {
  const guest = 'partner_contoso.com#EXT#@fabrikam.onmicrosoft.com';
  const withConditions = (p: Snapshot, conditions: Record<string, unknown>) => ({ ...p, conditions: { ...p.conditions, ...conditions } });
  const keys = customStrength('keys', 'YubiKeys only', ['fido2'], ['cb69481e-8ff7-4039-93ec-0a2729a154a8', 'ee882879-721c-4913-9775-3dfcce97072a']);
  const many = customStrength('many', 'Everything but TAP', ['password,hardwareOath', 'password,softwareOath', 'windowsHelloForBusiness', 'email', 'federatedMultiFactor', 'x509CertificateSingleFactor', 'x509CertificateMultiFactor', 'deviceBasedPush', 'password,sms']);
  const policies = [
    policy({ id: 'p-user', name: 'By name', users: { includeUsers: ['LENA_ID'] } }),
    registerSecurityInfoPolicy({ id: 'p-rsi', name: 'Security info', grant: grant(['compliantDevice']) }),
    policy({ id: 'p-group', name: 'Nested group', users: { includeUsers: [], includeGroups: ['g-outer'] }, grant: grant(['compliantDevice', 'approvedApplication'], 'AND') }),
    policy({ id: 'p-direct', name: 'Direct group', users: { includeUsers: [], includeGroups: ['g-inner'] }, grant: grant(['compliantApplication', 'domainJoinedDevice', 'passwordChange']) }),
    policy({ id: 'p-role', name: 'Admins', users: { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] }, grant: grant(['block']) }),
    policy({ id: 'p-guests', name: 'Guests', users: { includeUsers: ['GuestsOrExternalUsers'] }, grant: strengthGrant('many') }),
    policy({ id: 'p-guest-types', name: 'B2B', users: { includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest,internalGuest', externalTenants: { membershipKind: 'all' } } } }),
    policy({ id: 'p-platforms', name: 'Platforms', platforms: { include: ['android', 'iOS'], exclude: ['windows'] }, grant: strengthGrant('keys') }),
    policy({ id: 'p-all-platforms', name: 'All platforms', platforms: { include: ['all'] }, clientAppTypes: ['all'] }),
    policy({ id: 'p-locations', name: 'Locations', locations: { include: ['All'], exclude: ['AllTrusted', 'loc-office', 'loc-gone'] } }),
    policy({ id: 'p-named', name: 'Named', locations: { include: ['loc-office'] } }),
    policy({ id: 'p-device-inc', name: 'Device include', deviceFilter: { mode: 'include', rule: 'device.isCompliant -ne True' } }),
    policy({ id: 'p-device-exc', name: 'Device exclude', deviceFilter: { mode: 'exclude', rule: 'device.deviceOwnership -eq "Company"' } }),
    policy({ id: 'p-device-model', name: 'Device model', deviceFilter: { mode: 'include', rule: 'device.model -startsWith "Pixel"' } }),
    policy({ id: 'p-risk', name: 'Risky', userRiskLevels: ['high', 'medium'], signInRiskLevels: ['low', 'medium', 'high'] }),
    withConditions(policy({ id: 'p-insider', name: 'Insider' }), { insiderRiskLevels: 'elevated' }),
    withConditions(policy({ id: 'p-flows', name: 'Flows' }), { authenticationFlows: { transferMethods: 'deviceCodeFlow,authenticationTransfer' } }),
    policy({ id: 'p-app-id', name: 'Authenticator', applications: { includeApplications: ['4813382a-8fa7-425e-ab75-3b753aab3abb'] } }),
    policy({ id: 'p-app-inc', name: 'App filter in', applications: { includeApplications: [], applicationFilter: { mode: 'include', rule: 'CustomSecurityAttribute.PasskeyRollout_Tier -eq "Bootstrap"' } } }),
    policy({ id: 'p-app-exc', name: 'App filter out', applications: { applicationFilter: { mode: 'exclude', rule: 'CustomSecurityAttribute.PasskeyRollout_Tier -eq "Legacy"' } } }),
    policy({
      id: 'p-everything',
      name: 'Everything',
      grant: { operator: 'AND', builtInControls: ['compliantDevice', 'mfa', 'someFutureControl'], customAuthenticationFactors: ['Duo'], termsOfUse: ['tou-1'], authenticationStrength: { id: 'no-such-strength' } },
    }),
    policy({ id: 'p-inline', name: 'Inline strength', grant: { operator: 'OR', authenticationStrength: { ...many, id: 'inline-only' } } }),
  ];
  const snapshot = tenant({
    policies,
    strengths: [keys, many],
    users: [
      user(guest, { userType: 'Guest', displayName: 'Pat (guest)', authenticationMethods: [password()] }),
      user('kai@fabrikam.com', { displayName: 'Kai', managedDevices: [managedPhone('Android', 'noncompliant'), { ...managedPhone('Android', 'noncompliant'), id: 'md-2', deviceName: 'Kai spare' }] }),
    ],
    lena: { managedDevices: [managedPhone('Android'), managedPhone('iOS', 'noncompliant')] },
    groups: [
      { id: 'g-outer', displayName: 'Passkey pilot (all)', members: ['g-inner'] },
      { id: 'g-inner', displayName: 'Passkey pilot wave 1', members: ['LENA_ID', 'kai-id'] },
    ],
    namedLocations: [{ '@odata.type': '#microsoft.graph.ipNamedLocation', id: 'loc-office', displayName: 'Head office', isTrusted: true }],
    servicePrincipal: { customSecurityAttributes: { PasskeyRollout: { '@odata.type': '#Microsoft.DirectoryServices.CustomSecurityAttributeValue', Tier: 'Bootstrap' } } },
  });
  const lenaId = snapshot.users[0].id;
  const kai = snapshot.users.find((u: { userPrincipalName: string }) => u.userPrincipalName === 'kai@fabrikam.com');
  const text = JSON.stringify(snapshot).replaceAll('LENA_ID', lenaId).replaceAll('kai-id', kai.id);
  const out = JSON.parse(text);
  out.roleAssignments = [{ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', principalId: lenaId }];
  return { name: 'built', snapshot: out, at: AT };
}

const TENANTS = [...fixtureTenants(), builtTenant()];

/** Every condition and grant of an evidence item (an observed policy's predictions included). */
function parts(e: Evidence): { conditions: ConditionEvidence[]; grants: GrantEvidence[] } {
  if (e.kind === 'policy') return { conditions: e.conditions, grants: [e.grant] };
  if (e.kind === 'observed-policy') {
    const inner = (e.predicted ?? []).map(parts);
    return { conditions: inner.flatMap((p) => p.conditions), grants: [e.grant, ...inner.flatMap((p) => p.grants)] };
  }
  return { conditions: [], grants: [] };
}

/** The evidence as stored before conditions and controls were data: the engine's strings only. */
function withoutData(e: Evidence): Evidence {
  return JSON.parse(JSON.stringify(e), (key, value) => (['detail', 'ref', 'fact', 'methodFacts'].includes(key) ? undefined : value));
}

function diagnoses(t: Tenant): Diagnosis[] {
  const signIns = (t.snapshot.signIns ?? []).map(parseSignIn).filter(Boolean);
  return t.snapshot.users.flatMap((u: { id: string }) =>
    CONTEXTS.map((context) =>
      diagnose(tenantFactsOf(t.snapshot), userFactsOf(t.snapshot, u.id), { platform: 'android', ...context, at: t.at }, { signIns: { signIns: signIns.filter((s: { userId: string }) => s.userId === u.id) } }),
    ),
  );
}

describe('English evidence from data reads exactly as the engine wrote it', () => {
  const seen = { conditions: new Set<string>(), facts: new Set<string>(), controls: new Set<string>() };

  it.each(TENANTS.map((t) => [t.name, t] as const))('every evidence item of %s', (_name, t) => {
    let items = 0;
    for (const d of diagnoses(t)) {
      for (const f of d.findings) {
        for (const e of f.evidence) {
          items++;
          expect(evidenceSentence(e, en)).toBe(evidenceSentence(withoutData(e), en));
          const { conditions, grants } = parts(e);
          for (const c of conditions) {
            expect(c.detail).toBeDefined();
            expect(clauseWords(c, en)).toBe(c.clause);
          }
          for (const g of grants) {
            for (const c of g.controls) {
              expect(c.ref).toBeDefined();
              expect(controlLabel(c, en)).toBe(c.label);
            }
            for (const c of g.failing) {
              expect(c.fact).toBeDefined();
              expect(factWords(c.fact!, en)).toBe(c.why);
            }
          }
        }
      }
    }
    expect(items).toBeGreaterThan(0);
  });

  it.each(TENANTS.map((t) => [t.name, t] as const))('every condition and control the engine decides in %s', (_name, t) => {
    // The tenant as read, and as exported without the permission to read custom security attributes.
    const tenants = [prepareTenant(tenantFactsOf(t.snapshot)), prepareTenant({ ...tenantFactsOf(t.snapshot), customSecurityAttributesUnreadable: true })];
    for (const prepared of tenants) sweep(t, prepared);
  });

  function sweep(t: Tenant, prepared: ReturnType<typeof prepareTenant>): void {
    const supplied: SuppliedConditions[] = [{}, { userRiskLevel: 'high', signInRiskLevel: 'medium', insiderRiskLevel: 'elevated', authenticationFlow: 'deviceCodeFlow' }];
    const events: SignInEvent[] = ['authenticator-sign-in', 'register-security-info'];
    for (const u of t.snapshot.users) {
      const facts = userFactsOf(t.snapshot, u.id);
      const who = prepareUser(facts);
      for (const context of CONTEXTS) {
        const ctx: RegistrationContext = { platform: 'android', ...context, at: t.at };
        const devices: (DeviceAttributes | undefined)[] = [undefined, phoneAttributes(facts.managedDevices, ctx.platform)];
        const locations: Partial<RegistrationContext>[] = [{}, { namedLocationIds: ['loc-other'] }];
        const p = presentable(prepared, who, ctx);
        for (const policy of prepared.policies) {
          for (const event of events) {
            for (const device of devices) {
              for (const s of supplied) {
                for (const where of locations) {
                  const a = applicability(policy, event, prepared, who, { ...ctx, ...where }, device, s);
                  for (const c of a.conditions ?? []) {
                    expect(clauseWords(c, en)).toBe(c.clause);
                    seen.conditions.add(c.detail ? `${c.detail.is}:${'via' in c.detail ? c.detail.via : c.verdict}` : `none:${c.condition}`);
                  }
                }
              }
            }
          }
          for (const c of evaluateGrant(policy, prepared, p).controls) {
            expect(controlLabel(c, en)).toBe(c.label);
            seen.controls.add(c.ref.control);
            if (c.fact) {
              expect(factWords(c.fact, en)).toBe(c.why);
              seen.facts.add(c.fact.is);
            }
          }
        }
      }
    }
  }

  it('the comparison reached every kind of condition, control and fact', () => {
    expect([...seen.conditions].sort()).toEqual(
      expect.arrayContaining([
        'users:all', 'users:user', 'users:group', 'users:role', 'users:guests', 'users:guestType', 'userAction:match',
        'resources:all', 'resources:authenticator', 'resources:filter', 'resourceFilter:unknown',
        'platforms:match', 'locations:match', 'locations:unknown', 'deviceFilter:match', 'deviceFilter:unknown',
        'risk:match', 'risk:unknown', 'authenticationFlow:match', 'authenticationFlow:unknown',
      ]),
    );
    expect([...seen.controls].sort()).toEqual(
      ['approvedApplication', 'authenticationStrength', 'block', 'compliantApplication', 'compliantDevice', 'customControl', 'domainJoinedDevice', 'mfa', 'passwordChange', 'termsOfUse', 'unknown'],
    );
    expect([...seen.facts].sort()).toEqual(
      ['blocked', 'can-accept-terms', 'can-change-password', 'can-present', 'cannot-present', 'compliant-phone', 'custom-control-unknown', 'hybrid-join-impossible', 'no-app-protection', 'no-compliant-phone', 'not-approved-app', 'strength-unreadable', 'unknown-control'],
    );
  });
});
