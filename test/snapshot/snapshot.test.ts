import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_STRENGTH_IDS, SnapshotError, loadSnapshotFile, validateSnapshot } from '../../src/snapshot';
import { IDS, contoso } from '../graph-emulator/helpers';

function errorOf(json: unknown): SnapshotError {
  try {
    validateSnapshot(json);
  } catch (err) {
    if (err instanceof SnapshotError) return err;
    throw err;
  }
  throw new Error('expected a SnapshotError');
}

describe('validateSnapshot: broken snapshots name the path of the bad value', () => {
  const cases: [string, (s: Record<string, any>) => void, string][] = [
    ['users is not an array', (s) => (s.users = { alice: {} }), 'users: expected an array, got an object'],
    ['a user id is a number', (s) => (s.users[1].id = 42), 'users[1].id: expected a string, got number 42'],
    ['a user without userPrincipalName', (s) => delete s.users[0].userPrincipalName, 'users[0].userPrincipalName: missing, expected a string'],
    ['duplicate user id', (s) => (s.users[3].id = IDS.alice), `users[3].id: duplicate id "${IDS.alice}" (also at users[0].id)`],
    [
      'UPNs that differ only in case',
      (s) => (s.users[3].userPrincipalName = 'ALICE.SMITH@CONTOSO.COM'),
      'users[3].userPrincipalName: duplicate userPrincipalName "alice.smith@contoso.com" (also at users[0].userPrincipalName)',
    ],
    ['memberOf a missing group', (s) => (s.users[2].memberOf = ['abc']), 'users[2].memberOf[0]: group "abc" does not exist'],
    [
      'an authentication method without @odata.type',
      (s) => delete s.users[3].authenticationMethods[1]['@odata.type'],
      'users[3].authenticationMethods[1]["@odata.type"]: missing, expected a string',
    ],
    [
      'a group member that is nobody',
      (s) => s.groups[1].members.push('ghost'),
      'groups[1].members[1]: member "ghost" is not a user or group of the snapshot',
    ],
    ['a group id shared with a user', (s) => (s.groups[0].id = IDS.bob), `groups[0].id: duplicate id "${IDS.bob}" (also at users[1].id)`],
    [
      'a role assigned to nobody',
      (s) => (s.roleAssignments[1].principalId = 'nobody'),
      'roleAssignments[1].principalId: principal "nobody" is not a user or group of the snapshot',
    ],
    [
      'an unknown conditional access state',
      (s) => (s.conditionalAccessPolicies[0].state = 'on'),
      'conditionalAccessPolicies[0].state: expected one of enabled, disabled, enabledForReportingButNotEnforced, got "on"',
    ],
    [
      'a CA policy excluding a group that does not exist',
      (s) => (s.conditionalAccessPolicies[0].conditions.users.excludeGroups = ['gone']),
      'conditionalAccessPolicies[0].conditions.users.excludeGroups[0]: group "gone" does not exist',
    ],
    [
      'a CA policy requiring a strength that does not exist',
      (s) => (s.conditionalAccessPolicies[0].grantControls.authenticationStrength.id = 'missing-strength'),
      'conditionalAccessPolicies[0].grantControls.authenticationStrength.id: authentication strength "missing-strength" does not exist',
    ],
    [
      'a method configuration with a bad state',
      (s) => (s.authenticationMethodsPolicy.authenticationMethodConfigurations[1].state = 'on'),
      'authenticationMethodsPolicy.authenticationMethodConfigurations[1].state: expected one of enabled, disabled, got "on"',
    ],
    ['a service principal without appId', (s) => delete s.servicePrincipals[0].appId, 'servicePrincipals[0].appId: missing, expected a string'],
    ['tenant missing', (s) => delete s.tenant, 'tenant: missing, expected an object'],
  ];

  it.each(cases)('%s', (_name, breakIt, message) => {
    const snapshot = contoso();
    breakIt(snapshot);
    const error = errorOf(snapshot);
    expect(error.message).toBe(message);
    expect(error.issues[0].path).toBe(message.slice(0, message.indexOf(':')));
  });

  it('refuses a non-object root', () => {
    expect(errorOf([]).message).toBe('(root): expected an object, got an array');
    expect(errorOf(null).message).toBe('(root): expected an object, got null');
  });

  it('reports every shape problem in issues and counts the rest in the one-line message', () => {
    const snapshot = contoso();
    snapshot.users[1].id = 7;
    snapshot.servicePrincipals[0].appId = 5;
    snapshot.conditionalAccessPolicies[0].state = 'on';
    const error = errorOf(snapshot);
    expect(error.message).toBe('users[1].id: expected a string, got number 7 (and 2 more problems)');
    expect(error.message).not.toContain('\n');
    expect(error.issues.map((i) => i.path)).toEqual(['users[1].id', 'servicePrincipals[0].appId', 'conditionalAccessPolicies[0].state']);
  });

  it('checks references only once shapes and ids are sound, so one mistake does not cascade', () => {
    const snapshot = contoso();
    snapshot.groups[1].id = 99; // Payroll, which Finance lists as a member
    const error = errorOf(snapshot);
    expect(error.issues).toEqual([{ path: 'groups[1].id', message: 'expected a string, got number 99' }]);
  });

  it('lists every dangling reference', () => {
    const snapshot = contoso();
    snapshot.users[0].memberOf = ['x'];
    snapshot.roleAssignments[0].principalId = 'y';
    const error = errorOf(snapshot);
    expect(error.message).toBe('users[0].memberOf[0]: group "x" does not exist (and 1 more problem)');
    expect(error.issues.map((i) => i.path)).toEqual(['users[0].memberOf[0]', 'roleAssignments[0].principalId']);
  });
});

describe('validateSnapshot: the normalised copy', () => {
  it('leaves the input untouched and ignores unknown keys', () => {
    const input = { ...contoso(), exportedBy: 'someone', users: contoso().users.map((u: object) => ({ ...u, favouriteColour: 'green' })) };
    const before = JSON.stringify(input);
    const snapshot = validateSnapshot(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(snapshot.users).toHaveLength(4);
  });

  it('adds the three built-in authentication strengths, keeping custom ones', () => {
    const strengths = validateSnapshot(contoso()).authenticationStrengthPolicies;
    expect(strengths.map((s) => s.id)).toEqual([
      IDS.customStrength,
      BUILT_IN_STRENGTH_IDS.mfa,
      BUILT_IN_STRENGTH_IDS.passwordlessMfa,
      BUILT_IN_STRENGTH_IDS.phishingResistantMfa,
    ]);
    const phishingResistant = strengths.find((s) => s.id === BUILT_IN_STRENGTH_IDS.phishingResistantMfa);
    expect(phishingResistant).toMatchObject({
      displayName: 'Phishing-resistant MFA',
      policyType: 'builtIn',
      allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
    });
    expect(strengths.find((s) => s.id === BUILT_IN_STRENGTH_IDS.mfa)?.allowedCombinations).toContain('temporaryAccessPassOneTime');
  });

  it('does not duplicate a built-in strength the snapshot already has', () => {
    const input = contoso();
    input.authenticationStrengthPolicies.push({ id: BUILT_IN_STRENGTH_IDS.mfa, displayName: 'exported', policyType: 'builtIn' });
    const strengths = validateSnapshot(input).authenticationStrengthPolicies;
    expect(strengths.filter((s) => s.id === BUILT_IN_STRENGTH_IDS.mfa)).toEqual([expect.objectContaining({ displayName: 'exported' })]);
  });

  it('makes direct membership agree on both sides and fills missing lists', () => {
    const snapshot = validateSnapshot(contoso());
    const bob = snapshot.users.find((u) => u.id === IDS.bob);
    expect(bob?.memberOf).toEqual([IDS.payroll]); // written on the group side only
    expect(snapshot.groups.find((g) => g.id === IDS.finance)?.members).toEqual([IDS.payroll, IDS.alice]);
    const minimal = validateSnapshot({ tenant: { id: 't' } });
    expect(minimal).toMatchObject({ users: [], groups: [], conditionalAccessPolicies: [], authenticationMethodsPolicy: { authenticationMethodConfigurations: [] } });
  });

  it('accepts every example snapshot of the contract', () => {
    const dir = join(__dirname, '..', 'fixtures', 'examples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const example = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      expect(() => validateSnapshot(example.snapshot)).not.toThrow();
    }
  });
});

describe('loadSnapshotFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-'));

  it('loads a valid file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(contoso()));
    expect(loadSnapshotFile(path).tenant.displayName).toBe('Contoso');
  });

  it('names a missing file', () => {
    const path = join(dir, 'nope.json');
    expect(() => loadSnapshotFile(path)).toThrow(new SnapshotError(`cannot read snapshot file ${path}: no such file`));
  });

  it('names the file when the JSON is invalid', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"tenant": {');
    expect(() => loadSnapshotFile(path)).toThrow(SnapshotError);
    expect(() => loadSnapshotFile(path)).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON: `));
  });

  it('names the file and the path when the snapshot is invalid', () => {
    const path = join(dir, 'invalid.json');
    const snapshot = contoso();
    snapshot.users[2].memberOf = ['abc'];
    writeFileSync(path, JSON.stringify(snapshot));
    expect(() => loadSnapshotFile(path)).toThrow(`${path}: users[2].memberOf[0]: group "abc" does not exist`);
  });
});
