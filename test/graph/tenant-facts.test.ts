// readTenantFacts against the loopback Graph emulator serving the contract examples and small
// tenants built for paging and failures.
import { AUTHENTICATOR_APP_ID } from '../../src/diagnosis/facts';
import { GraphReadError, readTenantFacts } from '../../src/graph';
import { fakeTimers, until } from '../helpers/time';
import { clientFor, emulators, example, examples, rejectionOf, since, tenantWithPolicies } from './helpers';

const BUILT_IN_STRENGTH_IDS = ['00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000004'];
const pool = emulators();

describe('readTenantFacts', () => {
  it.each(examples().map((e) => [e.name, e] as const))('reads the tenant of %s as the snapshot describes it', async (_name, ex) => {
    const emulator = await pool.start(ex.snapshot);

    const facts = await readTenantFacts(clientFor(emulator));

    const snapshot = ex.snapshot;
    expect(facts.tenantId).toBe(snapshot.tenant.id);
    expect(facts.conditionalAccessPolicies).toEqual(snapshot.conditionalAccessPolicies);
    expect(facts.namedLocations).toEqual(snapshot.namedLocations);
    expect(facts.methodConfigurations).toEqual(snapshot.authenticationMethodsPolicy.authenticationMethodConfigurations);
    const strengthIds = facts.authenticationStrengths.map((s) => s.id);
    for (const id of [...BUILT_IN_STRENGTH_IDS, ...snapshot.authenticationStrengthPolicies.map((s) => s.id)]) {
      expect(strengthIds).toContain(id);
    }
    const sp = snapshot.servicePrincipals.find((s) => s.appId === AUTHENTICATOR_APP_ID)!;
    expect(facts.authenticatorServicePrincipal).toMatchObject({ id: sp.id, appId: sp.appId, displayName: sp.displayName });
    expect(facts.authenticatorServicePrincipal).toHaveProperty('customSecurityAttributes', sp.customSecurityAttributes);
  });

  it('issues one GET per source (tenant id from /organization unless given)', async () => {
    const emulator = await pool.start(example('01').snapshot);
    const client = clientFor(emulator);

    await readTenantFacts(client);
    const paths = emulator.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`).sort();
    expect(paths).toEqual(
      [
        'GET /v1.0/identity/conditionalAccess/namedLocations',
        'GET /v1.0/identity/conditionalAccess/policies',
        'GET /v1.0/organization',
        'GET /v1.0/policies/authenticationMethodsPolicy',
        'GET /v1.0/policies/authenticationStrengthPolicies',
        "GET /v1.0/servicePrincipals(appId='4813382a-8fa7-425e-ab75-3b753aab3abb')",
      ].sort(),
    );

    const mark = emulator.requests.length;
    const facts = await readTenantFacts(client, { tenantId: 'configured-tenant' });
    expect(facts.tenantId).toBe('configured-tenant');
    expect(since(emulator, mark).some((r) => r.path.includes('/organization'))).toBe(false);
    expect(since(emulator, mark)).toHaveLength(5);
  });

  it('follows @odata.nextLink to the last page (page size 2, 5 policies)', async () => {
    const snapshot = tenantWithPolicies(5);
    const emulator = await pool.start(snapshot, { pageSize: 2 });

    const facts = await readTenantFacts(clientFor(emulator));

    expect(facts.conditionalAccessPolicies.map((p) => p.id)).toEqual(snapshot.conditionalAccessPolicies.map((p) => p.id));
    const policyPages = emulator.requests.filter((r) => r.path.startsWith('/v1.0/identity/conditionalAccess/policies'));
    expect(policyPages).toHaveLength(3);
    expect(policyPages.slice(1).every((r) => r.path.includes('$skiptoken='))).toBe(true);
    // The three built-in strengths plus the custom one also span two pages.
    expect(facts.authenticationStrengths).toHaveLength(4);
  });

  it('reads the sources in parallel', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.delayNext(6, 400);
    const clock = fakeTimers(); // the emulator's delays wait for the test to move time on
    try {
      const reading = readTenantFacts(clientFor(emulator));
      // Six requests held back at once, before any time has passed: read one after the other,
      // the second would only leave once the first was answered.
      await until(() => clock.scheduled(400) === 6, 'six requests held back at the same time');
      expect(emulator.requests.length).toBeGreaterThanOrEqual(6);
      await clock.advance(400);
      await expect(reading).resolves.toMatchObject({ tenantId: expect.any(String) });
    } finally {
      clock.uninstall();
    }
  });

  it('returns a null Authenticator service principal when the tenant has none (404)', async () => {
    const snapshot = example('01').snapshot;
    snapshot.servicePrincipals = [];
    const emulator = await pool.start(snapshot);
    const facts = await readTenantFacts(clientFor(emulator));
    expect(facts.authenticatorServicePrincipal).toBeNull();
  });

  it('retries a throttled source and still succeeds', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 429, { retryAfterSeconds: 0, pathContains: 'namedLocations' });
    const facts = await readTenantFacts(clientFor(emulator));
    expect(facts.namedLocations).toEqual([]);
    expect(emulator.requests.filter((r) => r.path.includes('namedLocations'))).toHaveLength(2);
  });

  it('fails with the failing source named when one read fails', async () => {
    const emulator = await pool.start(example('01').snapshot);
    emulator.failNext(1, 500, { pathContains: 'authenticationStrengthPolicies' });
    const error = await rejectionOf(readTenantFacts(clientFor(emulator)));
    expect(error).toBeInstanceOf(GraphReadError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 500, path: '/policies/authenticationStrengthPolicies' });
  });
});
