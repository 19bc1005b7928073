// Who a Conditional Access policy targets (Entra: "Users, groups, and workload identities").
// Every policy here is example 01's "Passkeys everywhere" (All resources, strength "Passkey in
// Microsoft Authenticator") with other user assignments; lena has only a password and a phone,
// so when the policy applies it blocks with ca-auth-strength-loop, and when it does not there is
// no CA finding at all.
import type { Diagnosis } from '../../src/diagnosis';
import { caCodes, codes, finding, policyEvidence, group, LENA_ID, LOOP_POLICY_ID, passkeysEverywhere, ROLE, run, tenant, user, type Json } from './builders';

const blockedByLoop = (d: Diagnosis) => {
  expect(finding(d, 'ca-auth-strength-loop').blocking).toBe(true);
  expect(finding(d, 'ca-auth-strength-loop').policies.map((r) => r.id)).toEqual([LOOP_POLICY_ID]);
};
const untouched = (d: Diagnosis) => {
  expect(caCodes(d)).toEqual([]);
  expect(codes(d)).toContain('no-blocker-found');
};
const targeting = (users: Json, extra: Parameters<typeof tenant>[0] = {}) => tenant({ policies: [passkeysEverywhere({ users })], ...extra });

// Groups: Finance ⊃ EMEA finance ⊃ Payables team ⊃ lena (3 levels), and an unrelated group.
const payables = group('g-payables', 'Payables team', [LENA_ID]);
const emea = group('g-emea', 'EMEA finance', ['g-payables']);
const finance = group('g-finance', 'Finance', ['g-emea']);
const sales = group('g-sales', 'Sales', ['user-someone-else']);
const nested = { groups: [finance, emea, payables, sales] };

const GUEST = 'partner_contoso.com#EXT#@fabrikam.onmicrosoft.com';
const LOCAL_GUEST = 'vendor@fabrikam.com';
const EXTERNAL_MEMBER = 'sister_northwind.com#EXT#@fabrikam.onmicrosoft.com';
const people = {
  users: [
    user(GUEST, { userType: 'Guest' }),
    user(LOCAL_GUEST, { userType: 'Guest' }),
    user(EXTERNAL_MEMBER, { userType: 'Member' }),
  ],
};

/** The users condition of the loop policy's evidence, as the engine decided it. */
const usersClause = (d: Diagnosis) => policyEvidence(finding(d, 'ca-auth-strength-loop'))[0].conditions.find((c) => c.condition === 'users' && c.verdict === 'match')?.clause;

describe('CA users: inclusion', () => {
  it('All users includes the user, and the evidence names the policy and why', () => {
    const d = run(targeting({ includeUsers: ['All'] }));
    blockedByLoop(d);
    const [e] = policyEvidence(finding(d, 'ca-auth-strength-loop'));
    expect(e).toMatchObject({ policy: { id: LOOP_POLICY_ID, name: 'Passkeys everywhere' }, verdict: 'applies' });
    expect(e.conditions[0]).toEqual({ condition: 'users', verdict: 'match', clause: 'users: all users', detail: { is: 'users', via: 'all' } });
  });

  it('includes the user by id, and nobody else', () => {
    blockedByLoop(run(targeting({ includeUsers: [LENA_ID] })));
    untouched(run(targeting({ includeUsers: ['user-someone-else'] })));
  });

  it('"None" includes nobody', () => {
    untouched(run(targeting({ includeUsers: ['None'] })));
  });

  it('includes a group the user is a direct member of, naming the group', () => {
    const d = run(targeting({ includeUsers: [], includeGroups: ['g-payables'] }, nested));
    blockedByLoop(d);
    expect(usersClause(d)).toMatch(/group "Payables team"$/);
  });

  it('includes a group the user is in through one nested group (2 levels)', () => {
    const d = run(targeting({ includeUsers: [], includeGroups: ['g-emea'] }, nested));
    blockedByLoop(d);
    expect(usersClause(d)).toMatch(/group "EMEA finance" \(through a nested group\)/);
  });

  it('includes a group the user is in through two nested groups (3 levels)', () => {
    const d = run(targeting({ includeUsers: [], includeGroups: ['g-finance'] }, nested));
    blockedByLoop(d);
    expect(usersClause(d)).toMatch(/Finance/);
  });

  it('nested membership also counts when the user lists the inner group in memberOf', () => {
    const groups = [group('g-finance', 'Finance', ['g-emea']), group('g-emea', 'EMEA finance', [])];
    blockedByLoop(run(targeting({ includeUsers: [], includeGroups: ['g-finance'] }, { groups, lena: { memberOf: ['g-emea'] } })));
  });

  it('does not include the user through a group they are not in', () => {
    untouched(run(targeting({ includeUsers: [], includeGroups: ['g-sales'] }, nested)));
  });

  it('includes a directory role the user holds directly, naming the role', () => {
    const d = run(targeting({ includeUsers: [], includeRoles: [ROLE.globalAdmin] }, { roleAssignments: [{ roleTemplateId: ROLE.globalAdmin, principalId: LENA_ID }] }));
    blockedByLoop(d);
    expect(usersClause(d)).toBe('users: directory role "Global Administrator"');
  });

  it('includes a directory role the user holds through a (role-assignable) group', () => {
    const admins = group('g-admins', 'Tier-0 admins', [LENA_ID]);
    blockedByLoop(run(targeting({ includeUsers: [], includeRoles: [ROLE.globalAdmin] }, { groups: [admins], roleAssignments: [{ roleTemplateId: ROLE.globalAdmin, principalId: 'g-admins' }] })));
  });

  it('does not include the user for a role someone else holds', () => {
    untouched(run(targeting({ includeUsers: [], includeRoles: [ROLE.globalAdmin] }, { roleAssignments: [{ roleTemplateId: ROLE.globalAdmin, principalId: 'user-someone-else' }] })));
  });
});

describe('CA users: guests and external users', () => {
  const legacyGuests = { includeUsers: ['GuestsOrExternalUsers'] };
  const types = (t: string) => ({ includeUsers: [], includeGuestsOrExternalUsers: { guestOrExternalUserTypes: t, externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } });

  it('All users includes guests', () => {
    expect(finding(run(targeting({ includeUsers: ['All'] }, people), {}, GUEST), 'ca-auth-strength-loop').blocking).toBe(true);
  });

  it('GuestsOrExternalUsers includes a B2B guest but not a member', () => {
    const s = targeting(legacyGuests, people);
    expect(finding(run(s, {}, GUEST), 'ca-auth-strength-loop').blocking).toBe(true);
    untouched(run(s));
  });

  it('GuestsOrExternalUsers ("all guest and external users") includes a B2B collaboration member (#EXT#, userType Member)', () => {
    // Entra: the legacy "All guest and external users" selection equals all the guest/external
    // sub-types, B2B collaboration member users included.
    expect(finding(run(targeting(legacyGuests, people), {}, EXTERNAL_MEMBER), 'ca-auth-strength-loop').blocking).toBe(true);
  });

  it('includeGuestsOrExternalUsers b2bCollaborationGuest includes the B2B guest, not a local guest', () => {
    const s = targeting(types('b2bCollaborationGuest'), people);
    expect(finding(run(s, {}, GUEST), 'ca-auth-strength-loop').blocking).toBe(true);
    untouched(run(s, {}, LOCAL_GUEST));
  });

  it('includeGuestsOrExternalUsers internalGuest includes a local guest, not the B2B guest', () => {
    const s = targeting(types('internalGuest'), people);
    expect(finding(run(s, {}, LOCAL_GUEST), 'ca-auth-strength-loop').blocking).toBe(true);
    untouched(run(s, {}, GUEST));
  });

  it('a multi-valued type list (internalGuest,b2bCollaborationMember) includes an external member', () => {
    expect(finding(run(targeting(types('internalGuest,b2bCollaborationMember'), people), {}, EXTERNAL_MEMBER), 'ca-auth-strength-loop').blocking).toBe(true);
  });
});

describe('CA users: exclusions beat inclusions', () => {
  it('excluding the user by id beats All users', () => {
    untouched(run(targeting({ includeUsers: ['All'], excludeUsers: [LENA_ID] })));
  });

  it('excluding a group the user is in beats including the user by id', () => {
    untouched(run(targeting({ includeUsers: [LENA_ID], excludeGroups: ['g-payables'] }, nested)));
  });

  it('excluding an outer group the user is in only through nesting beats including an inner one', () => {
    untouched(run(targeting({ includeUsers: [], includeGroups: ['g-payables'], excludeGroups: ['g-finance'] }, nested)));
  });

  it('excluding a group the user is not in changes nothing', () => {
    const d = run(targeting({ includeUsers: ['All'], excludeGroups: ['g-sales'] }, nested));
    expect(finding(d, 'ca-auth-strength-loop').blocking).toBe(true);
  });

  it('excluding a role the user holds beats All users', () => {
    untouched(run(targeting({ includeUsers: ['All'], excludeRoles: [ROLE.helpdeskAdmin] }, { roleAssignments: [{ roleTemplateId: ROLE.helpdeskAdmin, principalId: LENA_ID }] })));
  });

  it('excluding guests by type beats All users for the guest only', () => {
    const s = targeting(
      { includeUsers: ['All'], excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: 'b2bCollaborationGuest', externalTenants: { '@odata.type': '#microsoft.graph.conditionalAccessAllExternalTenants', membershipKind: 'all' } } },
      people,
    );
    untouched(run(s, {}, GUEST));
    expect(finding(run(s), 'ca-auth-strength-loop').blocking).toBe(true);
  });
});
