// The tenant already has the guide's split design (wave 1): the audit does not list its mobile
// policy as a blocker, leaves the guest who cannot have a TAP to the TAP finding, and proposes
// extending the existing design to the other looping policies rather than presenting it as new.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditTenant } from '../../src/audit';
import type { TenantSnapshot } from '../../src/snapshot';

const snapshot = JSON.parse(readFileSync(join(__dirname, '../../fixtures/demo-tenant.json'), 'utf8')) as TenantSnapshot;
const report = auditTenant(snapshot, { at: new Date('2026-10-05T14:00:00Z') });
const byName = (name: string) => report.findings.filter((f) => f.policy.name === name);
const UMA = 'uma_fabrikam.com#EXT#@contoso.onmicrosoft.com';

describe('a tenant that already uses the split design', () => {
  it('"Wave 1 mobile" is working as designed: not a blocking loop, its users counted as needing a TAP', () => {
    const [mobile] = byName('Wave 1 mobile: TAP or passkey');
    expect(mobile.severity).not.toBe('blocking');
    expect(mobile).toMatchObject({ severity: 'needs-tap', usersBlocked: 0, outcome: { blocked: 0, needTap: 3 } });
    expect(mobile.evidence.join('\n')).toMatch(/Working as designed/);
    expect(mobile.fixes.map((x) => x.code)).toEqual(['temporary-access-pass']);
    expect(mobile.fixes[0].steps[0]).toContain('each of the 2 users');
  });

  it('Uma (a guest) is still blocked, by the guest finding, and the totals stay 7 blocked / 2 needing a TAP', () => {
    const guests = report.findings.find((f) => f.id === 'tap-policy:guests')!;
    expect(guests).toMatchObject({ severity: 'blocking', usersBlocked: 1, sampleUsers: [UMA] });
    expect(report.totals).toMatchObject({ usersBlocked: 7, usersNeedingTap: 2 });
    expect(report.designs[0]).toMatchObject({ needTap: 2, blocked: 1 });
  });

  it('the pilot and admins loops: the split fix names the existing mobile policy and its strength, and extends it', () => {
    for (const name of ['Passkey pilot: passkey in Authenticator everywhere', 'Admins: phishing-resistant MFA']) {
      const [loop] = byName(name);
      const split = loop.fixes.find((x) => x.code === 'split-mobile-desktop-policies')!;
      expect(split.title).toContain('Extend your split design ("Wave 1 mobile: TAP or passkey")');
      expect(split.steps[0]).toMatch(/already uses the guide's split design: mobile policy "Wave 1 mobile: TAP or passkey" \(enabled\) requires authentication strength "TAP or passkey in Authenticator"/);
      expect(split.steps[0]).toContain('Extend it to these users');
      expect(loop.proposal?.existing?.mobile.name).toBe('Wave 1 mobile: TAP or passkey');
    }
    expect(byName('Passkey pilot: passkey in Authenticator everywhere')[0].proposal?.existing?.sameStrengths).toBe(true);
  });
});
