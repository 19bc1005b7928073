// Evolvable enums (issue 14 §10): Graph sends an enum's members added after `unknownFutureValue`
// only to a client that asks with `Prefer: include-unknown-enum-members`, `unknownFutureValue` to
// any other. The emulator does the same ($batch: by each inner request's own headers), so a reader
// of the bot that stops asking loses the report-only results, a `linux` platform, ... here too.
import type { ConditionalAccessPolicy } from '@microsoft/microsoft-graph-types';
import { toObservedSignIn } from '../../src/diagnosis/sign-ins';
import { EVOLVABLE_ENUM_PROPERTIES, NEWER_ENUM_MEMBERS, includesUnknownEnumMembers } from '../../src/graph-emulator/evolvable-enums';
import { loadGraphSchema } from '../../src/graph-emulator/schema-check';
import { parseSignIn, readSignIns } from '../../src/graph/sign-ins';
import { pagedReader } from '../../src/graph/tenant-export';
import { TENANT_PATHS, readTenantFacts } from '../../src/graph/tenant-facts';
import { AT, LENA_ID, LOOP_POLICY, signIn, withSignIns, type Json } from '../fixtures/sign-ins';
import { clientFor, emulators } from '../graph/helpers';
import { GRAPH_CSDL } from '../helpers/graph-schema-setup';
import { call } from './helpers';

const PREFER = { Prefer: 'include-unknown-enum-members' };
const SIGN_IN_ID = '00000000-0000-4000-8000-0000000000a1';

/** Example 01 (Lena, "Passkeys everywhere") with a report-only failure in the log, and a policy for Linux that asks for risk remediation. */
function tenant(): Json {
  const s = withSignIns([signIn({ id: SIGN_IN_ID, minutesBefore: 8, errorCode: 0, policies: [[LOOP_POLICY, 'reportOnlyFailure']] })]);
  const policy = s.conditionalAccessPolicies[0];
  policy.conditions.platforms = { includePlatforms: ['android', 'linux'], excludePlatforms: [] };
  policy.grantControls = { ...policy.grantControls, builtInControls: ['mfa', 'riskRemediation'] };
  return s;
}

const servers = emulators();
const start = () => servers.start(tenant() as never);

describe('which members are newer (the trimmed v1.0 CSDL)', () => {
  it('NEWER_ENUM_MEMBERS and EVOLVABLE_ENUM_PROPERTIES are what the metadata lists after unknownFutureValue, and where', () => {
    const schema = loadGraphSchema(GRAPH_CSDL);
    const newer: Record<string, string[]> = {};
    for (const e of schema.enums.values()) {
      const members = [...e.members];
      const sentinel = members.indexOf('unknownFutureValue');
      if (sentinel >= 0 && sentinel < members.length - 1) newer[e.name.replace('microsoft.graph.', '')] = members.slice(sentinel + 1);
    }
    const properties: Record<string, Set<string>> = {};
    for (const type of schema.types.values()) {
      for (const p of type.properties.values()) {
        const name = p.type.replace('microsoft.graph.', '');
        if (newer[name]) (properties[p.name] ??= new Set()).add(name);
      }
    }
    expect(NEWER_ENUM_MEMBERS).toEqual(newer);
    // One enum per property name, so the emulator can go by names.
    expect(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, [...v]]))).toEqual(
      Object.fromEntries(Object.entries(EVOLVABLE_ENUM_PROPERTIES).map(([k, v]) => [k, [v]])),
    );
    expect(newer.appliedConditionalAccessPolicyResult).toEqual(expect.arrayContaining(['reportOnlyFailure', 'reportOnlySuccess']));
  });

  it('reads the preference among others, in any case', () => {
    expect(includesUnknownEnumMembers('include-unknown-enum-members')).toBe(true);
    expect(includesUnknownEnumMembers('return=minimal, Include-Unknown-Enum-Members')).toBe(true);
    expect(includesUnknownEnumMembers('return=minimal')).toBe(false);
    expect(includesUnknownEnumMembers(undefined)).toBe(false);
  });
});

describe('the emulator, like Graph', () => {
  it("a sign-in's report-only result: unknownFutureValue without the preference, the member with it", async () => {
    const emulator = await start();
    const without = await call(emulator, `/auditLogs/signIns/${SIGN_IN_ID}`);
    expect(without.body.appliedConditionalAccessPolicies[0].result).toBe('unknownFutureValue');
    const list = await call(emulator, '/auditLogs/signIns');
    expect(list.body.value[0].appliedConditionalAccessPolicies[0].result).toBe('unknownFutureValue');
    // The stored sign-in is untouched: a client that asks gets the member.
    const withIt = await call(emulator, `/auditLogs/signIns/${SIGN_IN_ID}`, { headers: { Prefer: 'return=minimal, include-unknown-enum-members' } });
    expect(withIt.body.appliedConditionalAccessPolicies[0].result).toBe('reportOnlyFailure');
  });

  it("Conditional Access: a Linux platform and the riskRemediation control only to a client that asks; older members as they are", async () => {
    const emulator = await start();
    const without = (await call(emulator, '/identity/conditionalAccess/policies')).body.value[0];
    expect(without.conditions.platforms.includePlatforms).toEqual(['android', 'unknownFutureValue']);
    expect(without.grantControls.builtInControls).toEqual(['mfa', 'unknownFutureValue']);
    const withIt = (await call(emulator, '/identity/conditionalAccess/policies', { headers: PREFER })).body.value[0];
    expect(withIt.conditions.platforms.includePlatforms).toEqual(['android', 'linux']);
    expect(withIt.grantControls.builtInControls).toEqual(['mfa', 'riskRemediation']);
  });

  it("$batch: each inner request by its own headers, not the batch's", async () => {
    const emulator = await start();
    const url = `/auditLogs/signIns/${SIGN_IN_ID}`;
    const batch = await call(emulator, '/$batch', {
      method: 'POST',
      headers: PREFER,
      json: {
        requests: [
          { id: 'asks', method: 'GET', url, headers: { prefer: 'include-unknown-enum-members' } },
          { id: 'plain', method: 'GET', url },
        ],
      },
    });
    const result = (id: string) => batch.body.responses.find((r: Json) => r.id === id).body.appliedConditionalAccessPolicies[0].result;
    expect(result('asks')).toBe('reportOnlyFailure');
    expect(result('plain')).toBe('unknownFutureValue');
  });

  it('the diagnosis counts a report-only failure only when the sign-in was read with the preference', async () => {
    const emulator = await start();
    const read = async (headers?: Record<string, string>) => {
      const fact = parseSignIn((await call(emulator, `/auditLogs/signIns/${SIGN_IN_ID}`, { headers })).body);
      if (!fact) throw new Error('no sign-in');
      return toObservedSignIn(fact);
    };
    expect((await read()).reportOnlyFailedPolicyIds).toEqual([]);
    expect((await read(PREFER)).reportOnlyFailedPolicyIds).toEqual([LOOP_POLICY]);
  });
});

describe("the bot's readers ask for the newer members", () => {
  it('readSignIns: the report-only failure reads as such', async () => {
    const emulator = await start();
    const [fact] = await readSignIns(clientFor(emulator), { userId: LENA_ID, at: AT });
    expect(fact.policies).toEqual([expect.objectContaining({ id: LOOP_POLICY, result: 'reportOnlyFailure' })]);
    expect(toObservedSignIn(fact).reportOnlyFailedPolicyIds).toEqual([LOOP_POLICY]);
  });

  it("readTenantFacts (the diagnosis's tenant reads): the Linux platform and the riskRemediation control", async () => {
    const emulator = await start();
    const facts = await readTenantFacts(clientFor(emulator), { tenantId: 'contoso' });
    const policy = facts.conditionalAccessPolicies.find((p) => p.id === LOOP_POLICY) as ConditionalAccessPolicy;
    expect(policy.conditions?.platforms?.includePlatforms).toEqual(['android', 'linux']);
    expect(policy.grantControls?.builtInControls).toEqual(['mfa', 'riskRemediation']);
  });

  it("the tenant export's paged reads: the same", async () => {
    const emulator = await start();
    const all = pagedReader(clientFor(emulator), { http: 0, graph: 0, innerRetries: 0 });
    const [policy] = await all<ConditionalAccessPolicy>(TENANT_PATHS.conditionalAccessPolicies);
    expect(policy.conditions?.platforms?.includePlatforms).toEqual(['android', 'linux']);
    expect(policy.grantControls?.builtInControls).toEqual(['mfa', 'riskRemediation']);
  });
});
