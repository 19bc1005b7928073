// The employee's diagnosis card in the employee's language (issue 15): every demo persona and
// contract example gives a valid card in every language, a German or Japanese reader gets no
// English sentence (the tenant's own names aside, exactly as written), and a language 40 % longer
// than English still fits in Teams, saying so in that language if it has to trim.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisCard, errorCard, noticeCard, type AdaptiveCard } from '../../src/cards';
import { tapClears } from '../../src/cards/advice';
import { buttons, findingCopy, formatDate, headings, platformLabel, policyPhrase, workaroundSteps } from '../../src/cards/copy';
import { evidenceWords } from '../../src/cards/evidence-words';
import { CARD_BYTE_BUDGET } from '../../src/cards/render';
import { splitDesignsOf } from '../../src/cards/tenant-design';
import { FINDING_CODES, WORKAROUND_CODES, diagnose, type Diagnosis, type Evidence, type RegistrationContext } from '../../src/diagnosis';
import { LANGUAGES, PSEUDO_LANGUAGE, english, loadCatalog, messagesFor, type Messages, type MessagesLanguage } from '../../src/i18n';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { byId, cardProblems, submits, words } from './check-card';

const SESSION = 'session-15';
const root = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(root, 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string }[] = snapshot.users;
const TENANT = { splitDesigns: splitDesignsOf(tenantFactsOf(snapshot)) };
const LOOP_POLICY = 'Passkey pilot: passkey in Authenticator everywhere';

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
    return {
      name: file,
      diagnosis: diagnose(tenantFactsOf(snap), userFactsOf(snap, args.user), {
        platform: args.platform,
        androidProfile: args.androidProfile,
        passkeyProfile: args.passkeyProfile,
        crossDevice: args.crossDevice,
        bluetoothRestricted: args.bluetoothRestricted,
        osVersion: args.osVersion,
        at: new Date(args.at),
      }),
    };
  });
const diagnoses = [...users.map((u) => ({ name: u.displayName, diagnosis: personaDiagnosis(u.displayName) })), ...examples];

const card = (d: Diagnosis, m: Messages, options: { tapOffered?: boolean; timeZone?: string } = {}) =>
  diagnosisCard(d, { session: SESSION, tapOffered: options.tapOffered ?? tapClears(d), tenant: TENANT, timeZone: options.timeZone ?? 'Europe/Berlin' }, m);

/** The card's words without the engine's evidence lines (worded by cards/evidence-words.ts, translated there). */
function ownWords(c: AdaptiveCard): string {
  const copy = JSON.parse(JSON.stringify(c)) as AdaptiveCard;
  const details = byId(copy, 'details') as { items: { type: string; items?: { type: string }[] }[] };
  for (const item of details.items) if (item.type === 'Container' && item.items) item.items = item.items.filter((x) => x.type !== 'RichTextBlock');
  return words(copy);
}

/** Text with the tenant's names taken out: quoted in any language's style, and the person's own name. */
const withoutNames = (text: string, d: Diagnosis) =>
  text
    .replace(/"[^"\n]*"|„[^“\n]*“|«[^»\n]*»|“[^”\n]*”|「[^」\n]*」/g, '')
    .split(d.user.displayName ?? '\u0000')
    .join('');

/** Short English words no German or Japanese sentence of ours has. */
const ENGLISH = /\b(the|your|you|and|to|is|are|with|for|this|that|not|cannot|from|when|if|can|will|open)\b/i;

/** Every English sentence of the catalogue's namespaces this card uses (those without placeholders). */
const englishSentences = [...loadCatalog('en')]
  .filter(([key, source]) => /^(findings|steps|diagnosis)\./.test(key) && !source.includes('{') && source.split(' ').length >= 4)
  .map(([, source]) => source);

describe.each([...LANGUAGES, PSEUDO_LANGUAGE] as MessagesLanguage[])('the diagnosis card in %s', (language) => {
  const m = messagesFor(language);

  it.each(diagnoses.map((x) => [x.name, x.diagnosis] as const))('%s: parses and validates, fits, and every button is tied to the session', (_name, d) => {
    for (const tapOffered of [false, true]) {
      const c = card(d, m, { tapOffered });
      expect(cardProblems(c, SESSION)).toEqual([]);
      // The buttons the steps name are the buttons on the card, in the same words.
      const titles = (c.actions ?? []).map((a) => (a as { title: string }).title);
      expect(titles[titles.length - 1]).toBe(buttons(m).itTeam);
      for (const action of submits(c).map((x) => String(x.action))) {
        const title = action === 'requestTap' ? buttons(m).requestTap : action === 'fixed' ? buttons(m).fixed : buttons(m).contactHelpDesk;
        expect(titles).toContain(title);
      }
    }
  });

  it('the small cards (error, notice) validate too', () => {
    expect(cardProblems(errorCard({ message: 'x', session: SESSION }, m), SESSION)).toEqual([]);
    expect(words(errorCard({ message: 'x', session: SESSION }, m))).toContain(buttons(m).startOver);
    expect(cardProblems(noticeCard({ title: 't', text: 'x', commands: [{ command: 'help', note: 'n' }] }, m), SESSION)).toEqual([]);
  });
});

describe.each(LANGUAGES.filter((l) => l !== 'en'))('the words in %s', (language) => {
  const m = messagesFor(language);
  const en = english();
  const ctx = { findings: ['tap-expired' as const], policyNames: ['Pilot'], tapOffered: true, tapValidNow: false };

  it('translate every finding, and keep the employee’s cause free of admin jargon', () => {
    for (const code of FINDING_CODES) {
      const words = findingCopy(code, m);
      expect({ code, title: words.title === findingCopy(code, en).title, cause: words.cause === findingCopy(code, en).cause }).toEqual({ code, title: false, cause: false });
      expect(words.cause).not.toMatch(/AAGUID|FIDO2|Entra|\{|\}/);
    }
  });

  it('give every workaround steps for every audience and phone, translated and with every placeholder filled', () => {
    for (const code of WORKAROUND_CODES) {
      for (const audience of ['user', 'admin', 'helpdesk'] as const) {
        for (const platform of ['android', 'iOS'] as const) {
          const steps = workaroundSteps(code, audience, { ...ctx, platform }, m);
          expect(steps.length).toBeGreaterThan(0);
          for (const step of steps) expect(step).not.toMatch(/[{}]|^\s*$/);
          expect(steps.join(' ')).not.toBe(workaroundSteps(code, audience, { ...ctx, platform }, en).join(' '));
        }
      }
    }
  });
});

describe('a German reader', () => {
  const de = messagesFor('de');
  const lena = personaDiagnosis('Lena');
  const c = card(lena, de, { tapOffered: true });

  it('reads the registration loop in German, with the blocking policy named exactly as the tenant wrote it', () => {
    expect(c.body?.[0]).toMatchObject({ text: findingCopy('ca-auth-strength-loop', de).title });
    expect(c.body?.[0]).not.toMatchObject({ text: findingCopy('ca-auth-strength-loop').title });
    expect(words(byId(c, 'itTeam'))).toContain(`„${LOOP_POLICY}“`);
    // The engine's evidence, as evidence-words words it for a German reader.
    for (const line of lena.findings.flatMap((f) => evidenceWords(f, de))) expect(words(byId(c, 'itTeam'))).toContain(line);
    expect(words(byId(c, 'steps'))).toContain('„Helpdesk kontaktieren“');
    expect(submits(c).map((x) => x.action)).toEqual(['contactHelpDesk']);
    expect((c.actions ?? [])[0]).toMatchObject({ title: 'Helpdesk kontaktieren' });
  });

  it('carries no English sentence (the tenant’s names and the engine’s evidence aside)', () => {
    const text = withoutNames(ownWords(c), lena);
    expect(text).not.toMatch(ENGLISH);
    for (const sentence of englishSentences) expect(text).not.toContain(sentence);
    // The check can fail: the English card is full of English.
    expect(withoutNames(ownWords(card(lena, english())), lena)).toMatch(ENGLISH);
  });

  it('reads every persona’s card without an English sentence of ours', () => {
    for (const { name, diagnosis } of diagnoses) {
      const text = withoutNames(ownWords(card(diagnosis, de)), diagnosis);
      expect({ name, english: ENGLISH.exec(text)?.[0] }).toEqual({ name, english: undefined });
    }
  });

  it('gets the time and the date in German, on the employee’s clock', () => {
    expect(words(c)).toMatch(/5\. Okt\., \d\d:\d\d MESZ/);
    expect(formatDate('2026-12-31', de)).toBe('31. Dezember 2026');
    expect(formatDate('2026-12-31')).toBe('31 December 2026');
    const marc = words(byId(card(personaDiagnosis('Marc'), de), 'steps'));
    expect(marc).toMatch(/der jetzt gilt, bis \d\d:\d\d MESZ/);
  });

  it('has the policy names in German quotes and German grammar for one and for several', () => {
    expect(policyPhrase([], de)).toBe('die Richtlinie für bedingten Zugriff');
    expect(policyPhrase(['A'], de)).toBe('die Richtlinie „A“');
    expect(policyPhrase(['A', 'B', 'A', 'C'], de)).toBe('die Richtlinien „A“, „B“ und „C“');
    const ctx = { findings: ['ca-auth-strength-loop' as const], platform: 'android' as const, tapOffered: false, tapValidNow: false };
    expect(workaroundSteps('require-compliant-device', 'admin', { ...ctx, policyNames: ['A'] }, de).join(' ')).toMatch(/^Die Richtlinie „A“ verlangt/);
    expect(workaroundSteps('require-compliant-device', 'admin', { ...ctx, policyNames: ['A', 'B'] }, de).join(' ')).toMatch(/^Die Richtlinien „A“ und „B“ verlangen/);
  });

  it('names the Android profile and the phone in German', () => {
    const d = personaDiagnosis('Raj', { androidProfile: 'work', passkeyProfile: 'personal' });
    expect(words(card(d, de))).toContain('Arbeitsprofil');
    expect(platformLabel('iOS', 17, de)).toBe('iPhone, iOS 17');
    expect(headings(de).user).toBe('Was Sie tun können');
  });
});

describe('a Japanese reader', () => {
  const ja = messagesFor('ja');
  const lena = personaDiagnosis('Lena');
  const c = card(lena, ja, { tapOffered: true });

  it('reads the registration loop in Japanese, with the blocking policy named exactly as the tenant wrote it', () => {
    expect(c.body?.[0]).toMatchObject({ text: findingCopy('ca-auth-strength-loop', ja).title });
    expect(String((c.body?.[0] as { text: string }).text)).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(words(byId(c, 'itTeam'))).toContain(`「${LOOP_POLICY}」`);
    expect(words(byId(c, 'steps'))).toContain(`「${buttons(ja).contactHelpDesk}」`);
  });

  it('carries no English sentence (the tenant’s names and the engine’s evidence aside)', () => {
    const text = withoutNames(ownWords(c), lena);
    expect(text).not.toMatch(ENGLISH);
    for (const sentence of englishSentences) expect(text).not.toContain(sentence);
  });

  it('reads every persona’s card without an English sentence of ours', () => {
    for (const { name, diagnosis } of diagnoses) {
      const text = withoutNames(ownWords(card(diagnosis, ja)), diagnosis);
      expect({ name, english: ENGLISH.exec(text)?.[0] }).toEqual({ name, english: undefined });
    }
  });
});

describe('the pseudo-locale (40 % longer than English)', () => {
  const xa = messagesFor(PSEUDO_LANGUAGE);
  const bytes = (c: AdaptiveCard) => Buffer.byteLength(JSON.stringify(c), 'utf8');

  it('the largest demo diagnosis card stays under the budget without trimming', () => {
    const largest = diagnoses.map((x) => ({ ...x, size: bytes(card(x.diagnosis, english(), { tapOffered: true })) })).sort((a, b) => b.size - a.size)[0];
    const c = card(largest.diagnosis, xa, { tapOffered: true });
    expect(bytes(c)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(bytes(c)).toBeGreaterThan(largest.size); // it is the longer language
    expect(words(c)).not.toContain(xa.t('common.trimmed.note'));
    expect(words(c)).not.toMatch(/trimmed/);
  });

  it('a card that must trim says so in the reader’s language (German, pseudo)', () => {
    const d = personaDiagnosis('Lena');
    const long = (i: number) => `Policy ${i} ${'for the finance department in the western region '.repeat(5)}`;
    const huge: Diagnosis = {
      ...d,
      findings: d.findings.map((f) => ({
        ...f,
        policies: Array.from({ length: 60 }, (_, i) => ({ id: `p${i}`, name: long(i) })),
        evidence: [
          ...f.evidence,
          ...Array.from({ length: 80 }, (_, i): Evidence => ({ kind: 'stored-text', text: `${long(i)} ${'x'.repeat(400)}` })),
        ],
      })),
    };
    for (const m of [messagesFor('de'), xa]) {
      const c = card(huge, m);
      expect(bytes(c)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
      expect(cardProblems(c, SESSION)).toEqual([]);
      expect(words(c)).toContain(m.t('common.trimmed.note'));
      expect(words(c)).toContain(m.t('common.trimmed.mark'));
      expect(words(c)).not.toContain(english().t('common.trimmed.note'));
    }
    expect(messagesFor('de').t('common.trimmed.note')).toMatch(/gekürzt/);
  });
});
