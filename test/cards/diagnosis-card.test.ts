// The employee's diagnosis card for every demo persona and every contract example, built from the
// real engine's output: valid for the SDK, small, tied to the session, and written for its reader —
// the cause in their terms, their steps, one clear action; the admin's part collapsed.
import { evidenceWords } from '../../src/cards/evidence-words';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTTONS, FINDINGS, HALF_FINISHED_REGISTRATION, adviceFor, diagnosisCard, mainFinding, type AdaptiveCard } from '../../src/cards';
import { tapClears } from '../../src/cards/advice';
import { HEADINGS, providerSetupSteps } from '../../src/cards/copy';
import { splitDesignsOf } from '../../src/cards/tenant-design';
import { diagnose, type Diagnosis, type RegistrationContext } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { byId, cardProblems, section, submits, visibleSize, words, withoutDetails } from './check-card';

const SESSION = 'session-7';
const root = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(root, 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string; jobTitle: string }[] = snapshot.users;
const TENANT = { splitDesigns: splitDesignsOf(tenantFactsOf(snapshot)) };

function personaDiagnosis(name: string, context: Partial<RegistrationContext> = {}): Diagnosis {
  const user = users.find((u) => u.displayName.startsWith(name));
  if (!user) throw new Error(`no persona ${name}`);
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, user.id), { platform: 'android', at: new Date(snapshot.demoClock), ...context });
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

/** What the employee sees before tapping anything. */
const visible = (card: AdaptiveCard) => words(withoutDetails(card));
/** The employee's steps. */
const steps = (card: AdaptiveCard) => words(byId(card, 'steps'));
/** The collapsed section for the IT team. */
const itTeam = (card: AdaptiveCard) => words(byId(card, 'itTeam'));
const adminSection = (card: AdaptiveCard) => words(section(card, HEADINGS.admin));
/** Words an employee should not have to know (quoted policy and group names aside). */
const JARGON = /Conditional Access|AAGUID|FIDO2|grant control|authentication strength|tenant|Entra|All resources|filters? for applications|split design/i;
const unquoted = (text: string) => text.replace(/"[^"\n]*"/g, '""');

describe.each(cases)('$name, tapOffered $tapOffered', ({ diagnosis, tapOffered }) => {
  const card = diagnosisCard(diagnosis, { session: SESSION, tapOffered });
  const advice = adviceFor(diagnosis, { tapOffered });
  const blocked = diagnosis.findings.some((f) => f.blocking);

  it('parses and validates with no events, stays small, and every button is tied to the session', () => {
    expect(cardProblems(card, SESSION)).toEqual([]);
  });

  it('has one clear action: a TAP only where the engine says it clears, "That fixed it" only where the employee can fix it', () => {
    const actions = submits(card).map((d) => d.action);
    const expected = tapOffered && tapClears(diagnosis) && advice.main.code !== 'tap-not-yet-valid' ? ['requestTap'] : advice.selfService ? ['fixed', 'contactHelpDesk'] : ['contactHelpDesk'];
    expect(actions).toEqual(expected);
    expect((card.actions ?? [])[0]).toMatchObject({ style: 'positive' });
    expect(card.actions?.[card.actions.length - 1]).toEqual({ type: 'Action.ToggleVisibility', title: BUTTONS.itTeam, targetElements: ['itTeam'] });
  });

  it('leads with the main finding: its title and its one-sentence cause', () => {
    expect(card.body?.[0]).toMatchObject({ type: 'TextBlock', text: advice.title });
    expect(card.body?.[2]).toMatchObject({ type: 'TextBlock', text: advice.cause });
    expect(advice.main).toBe(mainFinding(diagnosis));
  });

  it('always gives the employee a next step: a button their steps name', () => {
    expect(steps(card)).toMatch(/"(Contact the help desk|Request a Temporary Access Pass)" below/);
  });

  it('speaks the employee\'s language where it is visible', () => {
    expect(unquoted(visible(card))).not.toMatch(JARGON);
  });

  it('keeps the admin changes and the evidence verbatim in the collapsed IT section', () => {
    expect(byId(card, 'itTeam')).toMatchObject({ type: 'Container', isVisible: false });
    for (const line of diagnosis.findings.flatMap((f) => evidenceWords(f))) expect(itTeam(card)).toContain(line);
    for (const f of diagnosis.findings.filter((x) => x.blocking && x.code.startsWith('ca-'))) {
      for (const name of f.policies.map((r) => r.name)) expect(itTeam(card)).toContain(name);
    }
    expect(visible(card)).not.toContain(HEADINGS.admin);
  });

  it('mentions a Temporary Access Pass to the employee only when the engine says a new one clears, or one is in play', () => {
    const inPlay = advice.tapValidNow || mainFinding(diagnosis).code === 'tap-not-yet-valid';
    expect(/Temporary Access Pass/.test(steps(card))).toBe(inPlay || (tapClears(diagnosis) && (tapOffered || diagnosis.workarounds.some((w) => w.code === 'temporary-access-pass' && w.for === 'user'))));
  });

  it('fits a phone: few visible elements and little text, everything for the IT team collapsed', () => {
    const size = visibleSize(card);
    expect(size.buttons).toBeLessThanOrEqual(3);
    // A blocked employee reads a cause and two or three steps; the phone checklist (nothing blocks,
    // OS and place unknown) is the longest card, still under two phone screens.
    expect(size.characters).toBeLessThanOrEqual(blocked ? 800 : 2200);
    expect(size.elements).toBeLessThanOrEqual(blocked ? 10 : 26);
  });
});

describe('what each persona reads', () => {
  const card = (name: string, context: Partial<RegistrationContext> = {}, options: { tapOffered?: boolean; onPhone?: boolean; timeZone?: string } = {}) => {
    const d = personaDiagnosis(name, { osVersion: 15, ...context });
    return diagnosisCard(d, { session: SESSION, tapOffered: options.tapOffered ?? tapClears(d), onPhone: options.onPhone ?? true, tenant: TENANT, ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
  };

  it('every persona\'s card, as the bot sends it, fits a phone (visible characters and elements bounded)', () => {
    for (const u of users) {
      const size = visibleSize(card(u.displayName));
      expect({ name: u.displayName, ok: size.characters <= 1300 && size.elements <= 16 && size.buttons <= 3 }).toEqual({ name: u.displayName, ok: true });
    }
  });

  it('Lena (the loop, a TAP does not help): the help desk will look at it; no TAP, no "That fixed it", the admin part collapsed', () => {
    const c = card('Lena', {}, { tapOffered: true });
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['ca-auth-strength-loop'].title });
    expect(visible(c)).not.toMatch(/Temporary Access Pass/);
    expect(submits(c).map((d) => d.action)).toEqual(['contactHelpDesk']);
    expect(steps(c)).toContain('The help desk will look at it');
    expect(adminSection(c)).toContain('Passkey pilot: passkey in Authenticator everywhere');
    expect(adminSection(c)).toMatch(/filters for applications/);
    // The tenant already has the split design (wave 1): extend it, do not build another.
    expect(adminSection(c)).toContain('"Wave 1 mobile: TAP or passkey"');
    expect(adminSection(c)).not.toMatch(/Replace .* with two Conditional Access policies/);
  });

  it('Tom (TAP expired under a policy that accepts a TAP): the expired TAP is the headline, a new one the action, no split design for the admin', () => {
    const c = card('Tom');
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['tap-expired'].title });
    expect(c.body?.[2]).toMatchObject({ text: FINDINGS['tap-expired'].cause });
    expect(submits(c).map((d) => d.action)).toEqual(['requestTap']);
    expect(steps(c)).toContain(`Tap "${BUTTONS.requestTap}" below to get a new Temporary Access Pass`);
    expect(visible(c)).not.toContain(FINDINGS['ca-auth-strength-loop'].title);
    expect(itTeam(c)).not.toMatch(/two Conditional Access policies|Use separate policies for mobile and desktop|Target specific applications/);
    expect(adminSection(c)).toMatch(/No change is needed: the policy "Wave 1 mobile: TAP or passkey" already accepts a Temporary Access Pass/);
    // Without the tenant's facts (e.g. a ticket), the diagnosis alone says the same.
    expect(words(diagnosisCard(personaDiagnosis('Tom'), { session: SESSION, tapOffered: true }))).not.toMatch(/two Conditional Access policies/);
  });

  it('Tom before his TAP starts: wait for it (no new pass), and "That fixed it" once he has added the passkey', () => {
    const c = card('Tom', { at: new Date('2026-10-05T10:00:00Z') });
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['tap-not-yet-valid'].title });
    expect(steps(c)).toMatch(/starts working later/);
    expect(submits(c).map((d) => d.action)).toEqual(['fixed', 'contactHelpDesk']);
  });

  it('Pia: names the group that excludes her from passkeys', () => {
    const c = card('Pia');
    expect(c.body?.[2]).toMatchObject({ text: expect.stringContaining('"Contractors"') });
    expect(adminSection(c)).toContain('"Contractors"');
    expect(submits(c).map((d) => d.action)).toEqual(['contactHelpDesk']);
  });

  it('Victor: security keys only, on purpose; a security key first, widening the allow list last', () => {
    const c = card('Victor');
    expect(c.body?.[0]).toMatchObject({ text: 'Only security keys are allowed for you' });
    expect(c.body?.[2]).toMatchObject({ text: expect.stringMatching(/allows only security keys/) });
    expect(steps(c)).toMatch(/^1\. \nIf you have a security key/m);
    const admin = adminSection(c);
    expect(admin.indexOf('Give them a security key')).toBeGreaterThanOrEqual(0);
    expect(admin.indexOf('Give them a security key')).toBeLessThan(admin.indexOf('de1e552d-db1d-4423-a619-566b625cdc84'));
    expect(admin).toContain('"Privileged admins: security keys only"');
  });

  it('Uma (a guest) is never offered a Temporary Access Pass, even if asked to', () => {
    for (const tapOffered of [false, true]) {
      const c = card('Uma', {}, { tapOffered });
      expect(submits(c).map((d) => d.action)).toEqual(['contactHelpDesk']);
      expect(visible(c)).not.toMatch(/Temporary Access Pass/);
      expect(itTeam(c)).not.toMatch(/two Conditional Access policies/);
    }
  });

  it('Marc (a valid TAP, nothing blocks): use it now, the phone checklist, and "That fixed it"', () => {
    const c = card('Marc');
    // "Works now" always names the end, on the reader's clock (UTC when Teams gave no zone).
    expect(steps(c)).toMatch(/You have a Temporary Access Pass that works now, until \d\d:\d\d UTC/);
    expect(steps(card('Marc', {}, { timeZone: 'Europe/Berlin' }))).toMatch(/works now, until \d\d:\d\d CES?T/);
    expect(steps(c)).toContain(HEADINGS.providerSetup);
    expect(submits(c).map((d) => d.action)).toEqual(['fixed', 'contactHelpDesk']);
  });

  it('Omid: registers from an allowed device himself; "That fixed it" offered', () => {
    const c = card('Omid');
    expect(steps(c)).toContain('"Finance: register security info from compliant devices"');
    expect(section(c, HEADINGS.admin)).toBeUndefined();
    expect(submits(c).map((d) => d.action)).toEqual(['fixed', 'contactHelpDesk']);
  });

  it('someone on Android 15 on the phone gets no Android 14 advice and no QR-code section', () => {
    const c = card('Raj');
    const text = visible(c);
    expect(text).not.toMatch(/Android 14/);
    expect(text).not.toContain(HEADINGS.crossDevice);
    expect(text).not.toMatch(/QR code/);
    for (const step of [...providerSetupSteps('android', 15), ...HALF_FINISHED_REGISTRATION]) expect(steps(c)).toContain(step);
    expect(steps(c)).toContain('https://mysignins.microsoft.com/security-info');
    // Version and place unknown: the Android 14 hint and the QR-code section are there.
    const unknown = diagnosisCard(personaDiagnosis('Raj'), { session: SESSION, tapOffered: false });
    expect(steps(unknown)).toMatch(/Android 14/);
    expect(steps(unknown)).toContain(HEADINGS.crossDevice);
  });

  it('an iPhone on iOS 18 gets the iOS 18 settings path only', () => {
    const c = card('Raj', { platform: 'iOS', osVersion: 18 });
    expect(steps(c)).toContain('General > AutoFill & Passwords');
    expect(steps(c)).not.toMatch(/iOS 17|Password Options/);
    expect(steps(c)).not.toContain(HEADINGS.workProfile);
  });

  it('a report-only policy is shown as not blocking, not as the cause', () => {
    const c = card('Sofia');
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['no-blocker-found'].title });
    expect(itTeam(c)).toContain(`${HEADINGS.notBlocking}: All users: MFA (report-only)`);
  });

  it('shows the person and the phone under the title, or the label the bot passes', () => {
    expect(diagnosisCard(personaDiagnosis('Lena'), { session: SESSION, tapOffered: false }).body?.[1]).toMatchObject({ text: 'Lena Fischer · Android' });
    const labelled = diagnosisCard(personaDiagnosis('Lena'), { session: SESSION, tapOffered: false, platformLabel: 'Pixel 8, Android 15' });
    expect(labelled.body?.[1]).toMatchObject({ text: 'Lena Fischer · Pixel 8, Android 15' });
  });
});

describe('device-side findings', () => {
  const base = personaDiagnosis('Raj');
  const withFinding = (code: 'android-profile-mismatch' | 'os-version-unsupported' | 'bluetooth-restricted', workarounds: Diagnosis['workarounds']): Diagnosis => ({
    ...base,
    context: { ...base.context, osVersion: 13 },
    findings: [{ code, blocking: true, policies: [], evidence: [{ kind: 'bluetooth' }] }],
    workarounds,
    escalate: false,
  });

  it.each([
    ['os-version-unsupported', [{ code: 'update-os', for: 'user', finding: 'os-version-unsupported' }], 'Android 14 or later'],
    ['android-profile-mismatch', [{ code: 'register-in-each-profile', for: 'user', finding: 'android-profile-mismatch' }], 'briefcase'],
    ['bluetooth-restricted', [{ code: 'register-in-authenticator-app', for: 'user', finding: 'bluetooth-restricted' }, { code: 'allow-bluetooth-for-passkeys', for: 'admin', finding: 'bluetooth-restricted' }], 'not by scanning a QR code'],
  ] as const)('%s: the employee gets the fix first, the help desk as the fallback', (code, workarounds, expected) => {
    const c = diagnosisCard(withFinding(code, [...workarounds]), { session: SESSION, tapOffered: false });
    expect(cardProblems(c, SESSION)).toEqual([]);
    expect(steps(c)).toContain(expected);
    expect(steps(c)).toContain('If that does not solve it');
    expect(submits(c).map((d) => d.action)).toEqual(['fixed', 'contactHelpDesk']);
  });

  it('an empty diagnosis still renders a useful card', () => {
    const c = diagnosisCard({ ...base, findings: [], workarounds: [] }, { session: SESSION, tapOffered: false });
    expect(cardProblems(c, SESSION)).toEqual([]);
    expect(c.body?.[0]).toMatchObject({ text: FINDINGS['no-blocker-found'].title });
  });
});
