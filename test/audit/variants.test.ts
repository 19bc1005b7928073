// The audit on variations of the demo tenant (test/audit/variants.ts): conditions the demo does
// not plant, and gaps in the TAP and passkey settings. Counts worked out by hand from the demo's
// membership (see demo-tenant.test.ts) and the changes each variant makes.
import { auditTenant, type AuditFinding, type AuditReport } from '../../src/audit';
import { conditionsVariant, deviceFilterVariant, disabledVariant, settingsVariant } from './variants';

const AT = new Date('2026-10-05T14:00:00Z');
const byName = (r: AuditReport, name: string): AuditFinding => {
  const f = r.findings.find((x) => x.policy.name === name);
  if (!f) throw new Error(`no finding for ${name}`);
  return f;
};
const byId = (r: AuditReport, id: string): AuditFinding => {
  const f = r.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id}; have ${r.findings.map((x) => x.id).join(', ')}`);
  return f;
};

describe('conditions the demo does not plant', () => {
  const r = auditTenant(conditionsVariant(), { at: AT });

  it('GuestsOrExternalUsers reaches the guest, who can do MFA: worth knowing, blocks nobody', () => {
    expect(byName(r, 'Guests: MFA')).toMatchObject({ category: 'tap-accepted', severity: 'info', reach: { users: 1 }, outcome: { ok: 1, blocked: 0 } });
  });

  it('guest types reach the guest; an Android-only block does not apply on iOS', () => {
    expect(byName(r, 'B2B guests: block Android')).toMatchObject({
      category: 'other-conditions',
      severity: 'blocking',
      reach: { users: 1 },
      byPlatform: { android: { applies: 'yes', blocked: 1 }, iOS: { applies: 'no', blocked: 0 } },
    });
  });

  it('exclusions by user and by role win; a risk condition makes it "may apply"', () => {
    // All 12 users minus Ada (excluded by id) and Hana (Helpdesk Administrator through her group).
    expect(byName(r, 'Risky sign-ins: block')).toMatchObject({
      severity: 'may-block',
      reach: { users: 10, applies: 0, mayApply: 10 },
      byPlatform: { android: { applies: 'maybe' } },
      outcome: { blocked: 10 },
    });
    expect(byName(r, 'Risky sign-ins: block').evidence.join(' ')).toMatch(/sign-in risk high/);
  });

  it('a location it cannot see makes it "may apply"; Ada\'s compliant Pixel satisfies it on Android only', () => {
    expect(byName(r, 'Trusted locations only: compliant device')).toMatchObject({
      category: 'other-conditions',
      severity: 'may-block',
      reach: { users: 10, mayApply: 10 },
      byPlatform: { android: { blocked: 9, ok: 1 }, iOS: { blocked: 10, ok: 0 } },
    });
  });

  it('a device filter on the operating system applies on Android only, to users with a managed Android phone', () => {
    // Decided by each user's Intune-managed phone: Ada's Pixel is Android (and compliant: ok);
    // Omid (Finance) has no managed phone, so operatingSystem is null and the -eq rule does not match.
    const f = byName(r, 'Android devices: compliant');
    expect(f).toMatchObject({ severity: 'latent', reach: { users: 1, applies: 1 }, byPlatform: { android: { applies: 'yes', blocked: 0, ok: 1 }, iOS: { applies: 'no' } } });
    expect(f.evidence.join(' ')).toMatch(/does not apply to 1 user with no Intune-managed Android phone/);
    expect(f.fixes.map((x) => x.code)).toContain('require-compliant-device');
  });

  it('Register security info with MFA: 3 users without a second factor on one of their phones need a TAP', () => {
    expect(byName(r, 'Everyone: MFA to register security info')).toMatchObject({
      category: 'register-security-info',
      severity: 'needs-tap',
      reach: { users: 11 },
      outcome: { needTap: 3, blocked: 0, ok: 8 },
    });
  });

  it('policies that exclude Authenticator, cover other client apps, or nobody have no impact, and say why', () => {
    const why = Object.fromEntries(r.noImpact.map((p) => [p.name, p.reason]));
    expect(why['Everything but Authenticator: block']).toMatch(/does not apply/);
    expect(why['Exchange ActiveSync: block']).toMatch(/does not apply/);
    expect(why['Nobody: empty group']).toMatch(/cover nobody/);
  });

  it('counts only certain blocks in the totals (the risky-sign-in policy may not apply)', () => {
    // lena, noor, omid (both Finance policies), ada (iOS), pia, vic, uma — as in the demo.
    expect(r.totals.usersBlocked).toBe(7);
  });
});

describe('filters for devices, decided by each user\'s managed phone', () => {
  const r = auditTenant(deviceFilterVariant(), { at: AT });

  it('a negative rule covers a phone without attributes: Omid on both platforms, Ada on iOS (her Pixel is compliant)', () => {
    expect(byName(r, 'Non-compliant phones: block')).toMatchObject({
      severity: 'blocking',
      reach: { users: 2, applies: 2, mayApply: 0 },
      outcome: { blocked: 2 },
      byPlatform: { android: { applies: 'yes', blocked: 1, ok: 0 }, iOS: { applies: 'yes', blocked: 2 } },
    });
  });

  it('a positive rule no managed phone matches has no impact, and says why', () => {
    expect(r.findings.some((f) => f.policy.name === 'Personal phones: block')).toBe(false);
    expect(r.noImpact.find((p) => p.name === 'Personal phones: block')?.reason).toMatch(/filter for devices matches none of the phones/);
  });
});

describe('gaps in the TAP and passkey settings', () => {
  const r = auditTenant(settingsVariant(), { at: AT });

  it('one-time passes only, while the mobile strength takes only multi-use ones: marc and tom are blocked', () => {
    expect(byId(r, 'tap-policy:one-time-only')).toMatchObject({ severity: 'blocking', usersBlocked: 2, sampleUsers: ['marc@contoso.com', 'tom@contoso.com'] });
    expect(byName(r, 'Wave 1 mobile: TAP or passkey')).toMatchObject({ severity: 'needs-tap', outcome: { blocked: 0, needTap: 3 } });
  });

  it('the TAP method does not target the privileged admins: Vic needs a pass and cannot have one', () => {
    const f = byId(r, 'tap-policy:not-targeted');
    expect(f).toMatchObject({ code: 'tap-method-disabled', usersBlocked: 1, sampleUsers: ['vic@contoso.com'] });
    expect(f.evidence[0]).toContain('"Privileged admins mobile: TAP or passkey"');
    expect(f.fixes[0].code).toBe('fix-tap-policy');
  });

  it('the guest still cannot have a pass', () => {
    expect(byId(r, 'tap-policy:guests')).toMatchObject({ usersBlocked: 1 });
  });

  it('states the short lifetime and one-time passes as risks', () => {
    expect(byId(r, 'tap-policy:lifetime')).toMatchObject({ severity: 'risk', usersBlocked: 0 });
    expect(byId(r, 'tap-policy:lifetime').evidence[0]).toMatch(/30 minutes/);
    expect(byId(r, 'tap-policy:one-time')).toMatchObject({ severity: 'risk', usersBlocked: 0 });
    expect(byId(r, 'tap-policy:one-time').evidence[0]).toMatch(/within 10 minutes/);
  });

  it('self-service off and key restrictions without the Authenticator AAGUIDs block every targeted user (all but the excluded contractor)', () => {
    expect(byId(r, 'passkey-method:self-service')).toMatchObject({ code: 'passkey-self-service-disabled', usersBlocked: 11 });
    const keys = byId(r, 'passkey-method:key-restrictions');
    expect(keys).toMatchObject({ code: 'authenticator-aaguid-blocked', usersBlocked: 11, byPlatform: { android: { blocked: 11 }, iOS: { blocked: 11 } } });
    expect(keys.fixes[0]).toMatchObject({ code: 'allow-authenticator-aaguids' });
    expect(keys.fixes[0].steps.join(' ')).toContain('de1e552d-db1d-4423-a619-566b625cdc84');
    expect(byId(r, `passkey-method:excluded:35fb5089-5686-571f-8029-410e4327568e`)).toMatchObject({ usersBlocked: 1 });
  });

  it('proposes a mobile strength that takes the one-time passes the TAP policy issues', () => {
    const loop = r.findings.find((f) => f.category === 'registration-loop' && f.policy.name.startsWith('Passkey pilot'))!;
    expect(loop.proposal!.mobile.strength.id).toBeNull();
    expect(loop.proposal!.mobile.strength.create!.allowedCombinations).toContain('temporaryAccessPassOneTime');
  });
});

describe('passkeys and TAP turned off', () => {
  const r = auditTenant(disabledVariant(), { at: AT });

  it('passkeys (FIDO2) disabled blocks everyone', () => {
    expect(byId(r, 'passkey-method:disabled')).toMatchObject({ usersBlocked: 12, fixes: [expect.objectContaining({ code: 'enable-passkey-method' })] });
  });

  it('no TAP method: the 3 users of wave 1 who need a pass cannot have one', () => {
    expect(byId(r, 'tap-policy:disabled')).toMatchObject({ severity: 'blocking', usersBlocked: 3 });
    expect(byName(r, 'Wave 1 mobile: TAP or passkey')).toMatchObject({ severity: 'needs-tap', outcome: { blocked: 0, needTap: 3 } });
  });
});
