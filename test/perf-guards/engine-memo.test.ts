// The engine's repeated work is done once per facts object (speed itself is the bench's business:
// docs/dev/benchmarks.md). A diagnosis, each remedy's re-diagnosis of the same facts, the What If
// comparison and the next turns served from the user cache share one prepared user; every
// diagnosis card asks for the tenant's split designs, found once per prepared tenant.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as applicabilityModule from '../../src/diagnosis/applicability';
import { diagnose, whatIfDisagreements, type WhatIfVerdicts } from '../../src/diagnosis';
import { prepareTenant, prepareUser } from '../../src/diagnosis/prepare';
import { splitDesigns } from '../../src/diagnosis/split-design';
import { splitDesignsOf } from '../../src/cards/tenant-design';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const AT = new Date('2026-10-05T14:00:00Z');

describe('engine work done once per facts object', () => {
  afterEach(() => jest.restoreAllMocks());

  it('prepares a user once per UserFacts object, and facts changed by a remedy anew', () => {
    const user = userFactsOf(DEMO, DEMO.users[0].id);
    expect(prepareUser(user)).toBe(prepareUser(user));
    const changed = { ...user, groupIds: [...user.groupIds, 'another-group'] };
    const prepared = prepareUser(changed);
    expect(prepared).not.toBe(prepareUser(user));
    expect(prepared.groupIds.has('another-group')).toBe(true);
    expect(prepareUser(user).groupIds.has('another-group')).toBe(false);
  });

  it('finds the split designs once per prepared tenant (every diagnosis card asks)', () => {
    const tenant = prepareTenant(tenantFactsOf(DEMO));
    const first = splitDesigns(tenant);
    expect(first.length).toBeGreaterThan(0); // the demo tenant has the guide's split design
    expect(splitDesigns(tenant)).toBe(first);
    expect(splitDesignsOf(tenantFactsOf(DEMO))).toEqual(splitDesignsOf(tenantFactsOf(DEMO)));
  });

  it("reads the user's phone once per What If comparison, not once per policy and event", () => {
    const tenantFacts = tenantFactsOf(DEMO);
    const user = userFactsOf(DEMO, DEMO.users[0].id);
    const context = { platform: 'android' as const, osVersion: 15, at: AT };
    const verdicts: WhatIfVerdicts = new Map(tenantFacts.conditionalAccessPolicies.map((p) => [p.id ?? '', { applies: true, reason: '' }]));
    expect(verdicts.size).toBeGreaterThan(2);
    const phone = jest.spyOn(applicabilityModule, 'phoneAttributes');
    whatIfDisagreements(tenantFacts, user, context, { 'authenticator-sign-in': verdicts, 'register-security-info': verdicts });
    expect(phone).toHaveBeenCalledTimes(1);
    // The diagnosis itself reads it once per engine run (the diagnosis and each remedy's).
    phone.mockClear();
    const d = diagnose(tenantFacts, user, context);
    expect(phone).toHaveBeenCalledTimes(1 + d.remedies.filter((r) => r.detail.change.kind !== 'none').length);
  });
});
