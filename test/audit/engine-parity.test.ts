// The audit counts users with set arithmetic and buckets, not one engine call per user. These
// tests ask the engine itself, user by user, and check the audit counted the same thing:
//  - who a policy reaches: applicability() for every policy × event × platform × user, with the
//    phone's attributes from the user's Intune-managed devices (phoneAttributes()), as diagnose()
//    gives them;
//  - who it blocks: diagnose() (with no TAP valid) names exactly the enforced policies the audit
//    says block the user or need a TAP from them;
//  - the passkey method settings: methodPolicyIssues() for every user and platform.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTenant } from '../../bench/generate-tenant';
import { AuditModel, auditTenant, type UserOutcome } from '../../src/audit';
import { applicability, diagnose, methodPolicyIssues, phoneAttributes, prepareUser, type Platform } from '../../src/diagnosis';
import { loadSnapshotFile, validateSnapshot, type TenantSnapshot } from '../../src/snapshot';
import { tenantFactsOfSnapshot } from '../../src/audit/directory';
import { conditionsVariant, deviceFilterVariant, disabledVariant, settingsVariant } from './variants';

const ROOT = join(__dirname, '..', '..');
// Before any TAP of the fixtures starts: nobody holds a valid pass, as the audit assumes.
const AT = new Date('2000-01-01T00:00:00Z');
const PLATFORMS: Platform[] = ['android', 'iOS'];
const EVENTS = ['authenticator-sign-in', 'register-security-info'] as const;

const examplesDir = join(ROOT, 'test', 'fixtures', 'examples');
const tenants: [string, TenantSnapshot][] = [
  ['demo tenant', loadSnapshotFile(join(ROOT, 'fixtures', 'demo-tenant.json'))],
  ...readdirSync(examplesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f): [string, TenantSnapshot] => [`example ${f}`, validateSnapshot(JSON.parse(readFileSync(join(examplesDir, f), 'utf8')).snapshot)]),
  ['demo tenant, conditions variant', conditionsVariant()],
  ['demo tenant, device filter variant', deviceFilterVariant()],
  ['demo tenant, settings variant', settingsVariant()],
  ['demo tenant, disabled variant', disabledVariant()],
  ['generated tenant (40 policies, 150 groups, 600 users, nesting 4)', validateSnapshot(generateTenant({ policies: 40, groups: 150, users: 600, nestingDepth: 4, seed: 7 }))],
];

describe.each(tenants)('%s', (_name, snapshot) => {
  const model = new AuditModel(snapshot, PLATFORMS, AT);
  const prepared = model.index.users.map((_, i) => prepareUser(model.index.userFacts(i)));

  it('reaches exactly the users the engine says a policy applies to', () => {
    let checked = 0;
    for (const policy of model.tenant.policies) {
      const reached = new Set(model.reach(policy));
      for (const event of EVENTS) {
        for (const platform of PLATFORMS) {
          prepared.forEach((user, i) => {
            const device = phoneAttributes(user.facts.managedDevices, platform);
            const engine = applicability(policy, event, model.tenant, user, { platform, at: AT }, device).applies;
            const audit = reached.has(i) ? model.userConditions(policy, event, platform, i).applies : false;
            if (engine !== audit) throw new Error(`${policy.displayName} / ${event} / ${platform} / ${user.upn}: engine ${engine}, audit ${audit}`);
            checked++;
          });
        }
      }
    }
    expect(checked).toBe(model.tenant.policies.length * EVENTS.length * PLATFORMS.length * prepared.length);
  });

  it('blocks (or sends to a TAP) exactly the users diagnose() finds blocked, policy by policy', () => {
    const outcomes = new Map<string, Set<string>>(); // `${user}|${platform}` -> enforced policy ids blocking there
    const enforced = new Set(model.tenant.policies.filter((p) => p.state === 'enabled').map((p) => p.id));
    auditTenant(snapshot, {
      at: AT,
      trace: {
        conditionalAccess(policyId, _event, platform, i, outcome: UserOutcome, applies) {
          const key = `${i}|${platform}`;
          if (!outcomes.has(key)) outcomes.set(key, new Set());
          if (enforced.has(policyId) && applies === true && (outcome === 'blocked' || outcome === 'needTap')) outcomes.get(key)!.add(policyId);
        },
      },
    });
    const facts = tenantFactsOfSnapshot(snapshot);
    for (const platform of PLATFORMS) {
      model.index.users.forEach((_, i) => {
        const d = diagnose(facts, model.index.userFacts(i), { platform, at: AT });
        const engine = new Set(d.findings.filter((f) => f.blocking && f.code.startsWith('ca-')).flatMap((f) => f.policies.map((r) => r.id)));
        const audit = outcomes.get(`${i}|${platform}`) ?? new Set();
        expect({ user: model.upn(i), platform, policies: [...audit].sort() }).toEqual({ user: model.upn(i), platform, policies: [...engine].sort() });
      });
    }
  });

  it('gives every user the passkey method issues methodPolicyIssues() gives them', () => {
    const seen = new Map<string, string[]>();
    auditTenant(snapshot, { at: AT, trace: { methodPolicy: (i, platform, codes) => seen.set(`${i}|${platform}`, codes) } });
    for (const platform of PLATFORMS) {
      prepared.forEach((user, i) => {
        expect(seen.get(`${i}|${platform}`)).toEqual(methodPolicyIssues(model.tenant, user, { platform, at: AT }).map((x) => x.code));
      });
    }
  });
});

describe('transitive membership', () => {
  it('follows nested groups (and survives a cycle) the way the Graph emulator does', () => {
    const snapshot = validateSnapshot({
      tenant: { id: 't' },
      users: [
        { id: 'u1', userPrincipalName: 'u1@x', memberOf: ['g1'] },
        { id: 'u2', userPrincipalName: 'u2@x', memberOf: ['g3'] },
      ],
      groups: [
        { id: 'g1', displayName: 'G1', members: [] },
        { id: 'g2', displayName: 'G2', members: ['g1', 'g3'] },
        { id: 'g3', displayName: 'G3', members: ['g2'] },
      ],
      roleAssignments: [{ roleTemplateId: 'r', principalId: 'g2' }],
    });
    const model = new AuditModel(snapshot, PLATFORMS, AT);
    expect(model.index.userGroups(0).sort()).toEqual(['g1', 'g2', 'g3']);
    expect(model.index.userGroups(1).sort()).toEqual(['g2', 'g3']);
    expect([...model.index.groupUsers('g2')]).toEqual([0, 1]);
    expect([...model.index.groupUsers('g1')]).toEqual([0]);
    expect([...model.index.roleUsers('r')]).toEqual([0, 1]);
  });
});
