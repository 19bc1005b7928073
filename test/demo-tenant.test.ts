// The demo tenant is product: each persona must show the scenario its job title promises, and
// the Playground's users must be snapshot users.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../src/diagnosis';
import { rebaseDemoClock } from '../src/demo/demo-tenant';
import { validateSnapshot } from '../src/snapshot';
import { tenantFactsOf, userFactsOf } from './helpers/snapshot-facts';

const ROOT = join(__dirname, '..');
const raw = () => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const demo = validateSnapshot(raw());
const AT = new Date((raw() as { demoClock: string }).demoClock);

const run = (mail: string, context: object = {}) =>
  diagnose(tenantFactsOf(demo), userFactsOf(demo, `${mail}`), { platform: 'android', at: AT, ...context });
const blocking = (d: ReturnType<typeof run>) => d.findings.filter((f) => f.blocking).map((f) => f.code);

describe('demo personas', () => {
  it.each([
    ['lena@contoso.com', {}, ['ca-auth-strength-loop']],
    ['marc@contoso.com', {}, []],
    ['tom@contoso.com', {}, ['ca-auth-strength-loop', 'tap-expired']],
    ['noor@contoso.com', { platform: 'iOS' }, ['ca-approved-client-app']],
    ['omid@contoso.com', {}, ['ca-register-security-info']],
    ['pia@contoso.com', {}, ['passkey-method-disabled']],
    ['raj@contoso.com', { androidProfile: 'work', passkeyProfile: 'personal' }, ['android-profile-mismatch']],
    ['sofia@contoso.com', { platform: 'iOS', crossDevice: true, bluetoothRestricted: true }, ['bluetooth-restricted']],
    ['vic@contoso.com', {}, ['authenticator-aaguid-blocked']],
    ['uma_fabrikam.com#EXT#@contoso.onmicrosoft.com', {}, ['ca-auth-strength-loop']],
    ['hana@contoso.com', {}, []],
    ['ada@contoso.com', {}, []],
  ])('%s shows its scenario', (mail, context, codes) => {
    expect(blocking(run(mail, context))).toEqual(codes);
  });

  it('the guest is told a TAP is not possible for her', () => {
    expect(run('uma_fabrikam.com#EXT#@contoso.onmicrosoft.com').findings.map((f) => f.code)).toContain('tap-unavailable-for-guest');
  });

  it('shifting the demo clock keeps Marc\'s TAP valid at any date', () => {
    const later = new Date('2027-03-01T09:00:00Z');
    const shifted = validateSnapshot(rebaseDemoClock(raw(), later));
    const d = diagnose(tenantFactsOf(shifted), userFactsOf(shifted, 'marc@contoso.com'), { platform: 'android', at: later });
    expect(blocking(d)).toEqual([]);
    expect(d.findings[0].evidence).toContainEqual(expect.objectContaining({ kind: 'nothing-found', checked: 'tap-valid' }));
  });
});

describe('Agents Playground settings', () => {
  const yml = readFileSync(join(ROOT, '.m365agentsplayground.yml'), 'utf8');
  it('lists only snapshot users, by their object id, and the demo tenant', () => {
    const ids = [...yml.matchAll(/aadObjectId: (\S+)/g)].map((m) => m[1]);
    expect(ids).toHaveLength(6); // currentUser + the five users the Playground's schema allows
    for (const id of ids) expect(demo.users.map((u) => u.id)).toContain(id);
    expect(yml).toContain(`tenantId: ${demo.tenant.id}`);
  });
});
