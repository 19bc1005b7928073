// The diagnosis card for every demo persona and every contract example, built from the real
// engine's output: valid for the SDK, small, tied to the session, and saying the right things.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTTONS, FINDINGS, HALF_FINISHED_REGISTRATION, PROVIDER_SETUP, diagnosisCard, mainFinding, type AdaptiveCard } from '../../src/cards';
import { HEADINGS } from '../../src/cards/copy';
import { diagnose, type Diagnosis } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { cardProblems, section, submits, words, withoutDetails } from './check-card';

const SESSION = 'session-7';
const root = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(root, 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string; jobTitle: string }[] = snapshot.users;

function personaDiagnosis(name: string, platform: 'android' | 'iOS' = 'android'): Diagnosis {
  const user = users.find((u) => u.displayName.startsWith(name));
  if (!user) throw new Error(`no persona ${name}`);
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, user.id), { platform, at: new Date(snapshot.demoClock) });
}

const examplesDir = join(root, 'test', 'fixtures', 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const { args, snapshot: snap } = JSON.parse(readFileSync(join(examplesDir, file), 'utf8'));
    const diagnosis = diagnose(tenantFactsOf(snap), userFactsOf(snap, args.user), {
      platform: args.platform,
      androidProfile: args.androidProfile,
      passkeyProfile: args.passkeyProfile,
      crossDevice: args.crossDevice,
      bluetoothRestricted: args.bluetoothRestricted,
      osVersion: args.osVersion,
      at: new Date(args.at),
    });
    return { name: file, diagnosis };
  });

const cases = [
  ...users.flatMap((u) => [false, true].map((tapOffered) => ({ name: `${u.displayName} (${u.jobTitle})`, diagnosis: personaDiagnosis(u.displayName), tapOffered }))),
  ...examples.flatMap((e) => [false, true].map((tapOffered) => ({ ...e, tapOffered }))),
];

const userSection = (card: AdaptiveCard) => words(section(card, HEADINGS.user));
const adminSection = (card: AdaptiveCard) => words(section(card, HEADINGS.admin));

describe.each(cases)('$name, tapOffered $tapOffered', ({ diagnosis, tapOffered }) => {
  const card = diagnosisCard(diagnosis, { session: SESSION, tapOffered });
  const main = mainFinding(diagnosis);

  it('parses and validates with no events, stays small, and every button is tied to the session', () => {
    expect(cardProblems(card, SESSION)).toEqual([]);
  });

  it('has the actions in order, Request a Temporary Access Pass only when offered', () => {
    expect(submits(card).map((d) => d.action)).toEqual([...(tapOffered ? ['requestTap'] : []), 'contactHelpDesk', 'fixed', 'startOver']);
  });

  it('leads with the main finding: its title and its one-sentence cause', () => {
    expect(card.body?.[0]).toMatchObject({ type: 'TextBlock', text: FINDINGS[main.code].title });
    expect(words(card)).toContain(FINDINGS[main.code].cause);
  });

  it('always gives the employee steps, ending with the help desk', () => {
    expect(userSection(card)).toMatch(new RegExp(`${BUTTONS.contactHelpDesk}" below[^\\n]*$`));
  });

  it('names the Conditional Access policies behind blocking findings in the admin section, and every policy somewhere', () => {
    for (const f of diagnosis.findings.filter((x) => x.code.startsWith('ca-'))) {
      for (const name of f.policyNames) {
        expect(words(card)).toContain(name);
        if (f.blocking && diagnosis.workarounds.some((w) => w.for === 'admin' && w.finding === f.code)) expect(adminSection(card)).toContain(name);
      }
    }
  });

  it('keeps the evidence verbatim in Details, hidden until "Show details"', () => {
    const details = (card.body ?? []).find((e) => (e as { id?: string }).id === 'details') as object;
    expect(details).toMatchObject({ type: 'Container', isVisible: false });
    for (const line of diagnosis.findings.flatMap((f) => f.evidence)) expect(words(details)).toContain(line);
    expect(JSON.stringify(card.body)).toContain(`"type":"Action.ToggleVisibility","title":"${BUTTONS.showDetails}","targetElements":["details"]`);
  });

  it('mentions a Temporary Access Pass to the employee only when one is offered or already in play', () => {
    const inPlay = diagnosis.workarounds.some((w) => w.code === 'temporary-access-pass' && w.for === 'user');
    expect(/Temporary Access Pass/.test(userSection(card))).toBe(tapOffered || inPlay);
  });
});

describe('what the persona cards say', () => {
  const card = (name: string, tapOffered = false, platform: 'android' | 'iOS' = 'android') =>
    diagnosisCard(personaDiagnosis(name, platform), { session: SESSION, tapOffered });

  it('the registration loop: explains the loop, names the policy for the admin, TAP only when offered', () => {
    const without = card('Lena');
    expect(words(without)).toContain('Authenticator asks for the passkey you are trying to create');
    expect(adminSection(without)).toContain('Passkey pilot: passkey in Authenticator everywhere');
    expect(adminSection(without)).toMatch(/filters for applications/);
    expect(adminSection(without)).toMatch(/desktop OS/);
    expect(words(withoutDetails(without)).replace(adminSection(without), '')).not.toContain('Temporary Access Pass');
    const withTap = card('Lena', true);
    expect(userSection(withTap)).toContain(`Tap "${BUTTONS.requestTap}" below`);
    expect(words(withTap)).toContain(BUTTONS.requestTap);
  });

  it('a valid TAP: says so, and still gives the phone checklist', () => {
    const text = userSection(card('Marc'));
    expect(text).toContain('You have a Temporary Access Pass that works right now');
    expect(text).toContain(HEADINGS.providerSetup);
  });

  it('an expired TAP: says it expired and asks for a new one', () => {
    const c = card('Tom');
    expect(words(c)).toContain(FINDINGS['tap-expired'].cause);
    expect(userSection(c)).toContain('Ask the help desk for a new Temporary Access Pass');
    expect(userSection(card('Tom', true))).toContain(`Tap "${BUTTONS.requestTap}" below to get a new Temporary Access Pass`);
  });

  it('approved client app: compliant device and the policy name for the admin', () => {
    const admin = adminSection(card('Noor'));
    expect(admin).toContain('"Frontline: approved client apps on mobile"');
    expect(admin).toContain('Require device to be marked as compliant');
  });

  it('register security info: the employee learns where to register from', () => {
    const c = card('Omid');
    expect(userSection(c)).toContain('"Finance: register security info from compliant devices"');
    expect(section(c, HEADINGS.admin)).toBeUndefined();
  });

  it('passkeys off: the admin is told where to turn them on, with the setting names', () => {
    expect(adminSection(card('Pia'))).toContain('Passkey (FIDO2)');
    expect(adminSection(card('Victor'))).toContain('de1e552d-db1d-4423-a619-566b625cdc84');
  });

  it('a guest: says a TAP cannot be issued to guests', () => {
    expect(words(card('Uma'))).toContain(FINDINGS['tap-unavailable-for-guest'].cause);
  });

  it('nothing blocks: says so, with the provider setup and the half-finished registration fix for the platform', () => {
    const android = userSection(card('Raj'));
    expect(words(card('Raj'))).toContain(FINDINGS['no-blocker-found'].cause);
    for (const step of [...PROVIDER_SETUP.android, ...HALF_FINISHED_REGISTRATION]) expect(android).toContain(step);
    expect(android).toContain('https://mysignins.microsoft.com/security-info');
    expect(android).toContain(HEADINGS.workProfile);
    const ios = userSection(card('Raj', false, 'iOS'));
    for (const step of PROVIDER_SETUP.iOS) expect(ios).toContain(step);
    expect(ios).not.toContain(HEADINGS.workProfile);
  });

  it('a report-only policy is shown as not blocking, not as the cause', () => {
    const c = card('Sofia');
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['no-blocker-found'].title });
    expect(words(c)).toContain(`${HEADINGS.notBlocking}: All users: MFA (report-only)`);
  });

  it('shows the person and the phone under the title, or the label the bot passes', () => {
    expect(card('Lena').body?.[1]).toMatchObject({ text: 'Lena Fischer · Android' });
    const labelled = diagnosisCard(personaDiagnosis('Lena'), { session: SESSION, tapOffered: false, platformLabel: 'Pixel 8, Android 15' });
    expect(labelled.body?.[1]).toMatchObject({ text: 'Lena Fischer · Pixel 8, Android 15' });
  });
});

describe('device-side findings', () => {
  const base = personaDiagnosis('Raj');
  const withFinding = (code: 'android-profile-mismatch' | 'os-version-unsupported' | 'bluetooth-restricted', workarounds: Diagnosis['workarounds']): Diagnosis => ({
    ...base,
    context: { ...base.context, osVersion: 13 },
    findings: [{ code, blocking: true, policyIds: [], policyNames: [], evidence: ['Evidence line.'] }],
    workarounds,
  });

  it.each([
    ['os-version-unsupported', [{ code: 'update-os', for: 'user', finding: 'os-version-unsupported' }], 'Android 14 or later'],
    ['android-profile-mismatch', [{ code: 'register-in-each-profile', for: 'user', finding: 'android-profile-mismatch' }], 'briefcase'],
    ['bluetooth-restricted', [{ code: 'register-in-authenticator-app', for: 'user', finding: 'bluetooth-restricted' }, { code: 'allow-bluetooth-for-passkeys', for: 'admin', finding: 'bluetooth-restricted' }], 'not by scanning a QR code'],
  ] as const)('%s: the employee gets the fix first, the help desk as the fallback', (code, workarounds, expected) => {
    const c = diagnosisCard(withFinding(code, [...workarounds]), { session: SESSION, tapOffered: false });
    expect(cardProblems(c, SESSION)).toEqual([]);
    expect(userSection(c)).toContain(expected);
    expect(userSection(c)).toContain('If that does not solve it');
  });

  it('an empty diagnosis still renders a useful card', () => {
    const c = diagnosisCard({ ...base, findings: [], workarounds: [] }, { session: SESSION, tapOffered: false });
    expect(cardProblems(c, SESSION)).toEqual([]);
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['no-blocker-found'].title });
  });
});
