// The admin's "audit" card in the admin's language: English reads exactly as before the catalogue
// (test/fixtures/audit-summary-cards-en.json was written from the English-only code), German and
// Japanese hold no English frame word of the card, keep every policy, group and profile name as the
// tenant wrote it (in the language's quotes) and say the same numbers; every language's card is a
// valid card; and the chat turn "audit" from a German or Japanese Teams client gets its language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditTenant, type AuditReport } from '../../src/audit';
import { auditCommand } from '../../src/audit/audit-command';
import { auditForAdminsCard, auditInstructionsCard, auditSummaryCard } from '../../src/audit/chat-summary';
import type { AdaptiveCard } from '../../src/cards';
import { conversationDeps } from '../../src/compose/conversation';
import type { Config } from '../../src/config';
import { handleTurn } from '../../src/conversation/controller';
import { english, LANGUAGES, messagesFor, type Language } from '../../src/i18n';
import type { Campaigns } from '../../src/notices/campaign';
import type { TenantSnapshot } from '../../src/snapshot';
import type { GraphConnection } from '../../src/support/graph-connection';
import { cardProblems, words } from '../cards/check-card';
import { conditionsVariant, demoJson, deviceFilterVariant, disabledVariant, settingsVariant } from './variants';

const AT = new Date(demoJson().demoClock);
const TENANTS: Record<string, () => TenantSnapshot> = {
  demo: demoJson,
  conditions: conditionsVariant,
  deviceFilter: deviceFilterVariant,
  settings: settingsVariant,
  disabled: disabledVariant,
};
const REPORTS: Record<string, AuditReport> = {};
for (const [name, tenant] of Object.entries(TENANTS)) {
  const report = auditTenant(tenant(), { at: AT });
  REPORTS[name] = report;
  // Without the tenant's split design the next step names a fix (the design proposal's own words).
  REPORTS[`${name}-noDesign`] = { ...report, designs: [] };
}
REPORTS.noBlocking = { ...REPORTS.demo, findings: [] };

/** Every card the "audit" command can answer with, in one language. */
function cards(m = english()): Record<string, AdaptiveCard> {
  return {
    ...Object.fromEntries(Object.entries(REPORTS).map(([name, r]) => [name, auditSummaryCard(r, m)])),
    instructions: auditInstructionsCard(m),
    forAdmins: auditForAdminsCard(m),
  };
}

/** The blocking findings the card lists, most users first (as the card orders them). */
const blocking = (r: AuditReport) => r.findings.filter((f) => f.severity === 'blocking' && f.usersBlocked > 0).sort((a, b) => b.usersBlocked - a.usersBlocked);

/** The names the tenant wrote that a summary shows: its policies (not the audit's own settings pages), groups, profiles, the split design's policies. */
function tenantNames(r: AuditReport): string[] {
  const shown = blocking(r).slice(0, 8);
  const names = shown.filter((f) => f.policy.kind !== 'authenticationMethod').map((f) => f.policy.name);
  for (const f of shown) for (const g of f.title.matchAll(/group "([^"]+)"/g)) names.push(g[1]);
  // The next step: the split design the tenant has, or the one the first finding's fix extends.
  const first = shown[0];
  const d = r.designs[0];
  if (first?.category === 'registration-loop' && d) names.push(d.mobile.name, ...(d.desktop ? [d.desktop.name] : []));
  else if (first?.fixes.find((x) => x.for === 'admin')?.code === 'split-mobile-desktop-policies' && first.proposal?.existing) names.push(first.proposal.existing.mobile.name);
  return [...new Set(names)];
}

const QUOTES: Partial<Record<Language, [string, string]>> = { de: ['„', '“'], ja: ['「', '」'], fr: ['«\u00a0', '\u00a0»'], es: ['“', '”'], 'pt-BR': ['“', '”'] };

/** A card's words without the tenant's names, the commands typed as shown and the product names every language keeps. */
function frame(card: AdaptiveCard, names: string[]): string {
  let text = words(card);
  for (const n of [...names].sort((a, b) => b.length - a.length)) text = text.split(n).join(' ');
  return text
    .replace(/campaign (start|status)/g, ' ')
    .replace(/Contoso \(demo\)/g, ' ')
    .replace(/Microsoft (Authenticator|Entra|Teams)|Authenticator|FIDO2|TAP|README|Auditing your own tenant/g, ' ');
}

/** English words of the card's frame (three letters or more), as the English card says them. */
function englishFrameWords(): Set<string> {
  const out = new Set<string>();
  for (const [name, card] of Object.entries(cards())) {
    const report = REPORTS[name];
    for (const w of frame(card, report ? tenantNames(report) : []).match(/[A-Za-z]{3,}/g) ?? []) out.add(w.toLowerCase());
  }
  return out;
}
/** German words spelled as English ones: Microsoft's German terms (Passkey, genehmigte Client-App, Self-Service-Einrichtung) and loanwords. */
const SAME_IN_GERMAN = new Set(['passkey', 'passkeys', 'client', 'app', 'self', 'service', 'design', 'bot', 'team', 'audit']);

describe('English', () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'audit-summary-cards-en.json'), 'utf8'));

  it.each(Object.keys(fixture))('%s reads exactly as before the catalogue', (name) => {
    expect(JSON.stringify(cards()[name])).toBe(JSON.stringify(fixture[name]));
  });

  it('is what a card built without a language gives (english() is the default)', () => {
    expect(JSON.stringify(auditSummaryCard(REPORTS.demo))).toBe(JSON.stringify(fixture.demo));
    expect(JSON.stringify(auditInstructionsCard())).toBe(JSON.stringify(fixture.instructions));
  });

  it('says "1 user" and "2 users" in the totals (ICU plurals)', () => {
    const one = { ...REPORTS.demo, totals: { ...REPORTS.demo.totals, users: 1, usersBlocked: 1, usersNeedingTap: 1, withAuthenticatorPasskey: 1 } };
    expect(words(auditSummaryCard(one))).toContain('1 of 1 user cannot add a passkey in Microsoft Authenticator today; 1 more needs a Temporary Access Pass. 1 already has one.');
  });
});

describe.each(['de', 'ja'] as const)('%s', (language) => {
  const m = messagesFor(language);
  const all = cards(m);
  const english = englishFrameWords();

  it('the frame check finds the English card’s own words (it can fail)', () => {
    const leftover = (frame(cards().demo, tenantNames(REPORTS.demo)).match(/[A-Za-z]{3,}/g) ?? []).filter((w) => english.has(w.toLowerCase()));
    expect(leftover).toEqual(expect.arrayContaining(['Next', 'step', 'users', 'Registration', 'loop', 'settings', 'excluded']));
  });

  it.each(Object.keys(all))('%s holds no English frame word', (name) => {
    const report = REPORTS[name];
    const text = frame(all[name], report ? tenantNames(report) : []);
    const latin = text.match(/[A-Za-z]{3,}/g) ?? [];
    const leftover = latin.filter((w) => english.has(w.toLowerCase()) && !(language === 'de' && SAME_IN_GERMAN.has(w.toLowerCase())));
    expect(leftover).toEqual([]);
    // Japanese keeps no Latin word at all besides the names and product names removed above.
    if (language === 'ja') expect(latin).toEqual([]);
  });

  it.each(Object.keys(REPORTS))('%s keeps every policy, group and profile name as written, in the language’s quotes', (name) => {
    const [open, close] = QUOTES[language]!;
    const text = words(all[name]);
    const names = tenantNames(REPORTS[name]);
    if (name !== 'noBlocking') expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(text).toContain(`${open}${n}${close}`);
  });

  it.each(Object.keys(REPORTS))('%s says the same numbers as the English card', (name) => {
    const r = REPORTS[name];
    // (the campaign command's note is not about the tenant: "1 週間前", a week before)
    const numbers = (card: AdaptiveCard) =>
      (frame(card, tenantNames(r)).split(messagesFor(language).t('auditSummary.command.start')).join(' ').match(/\d+/g) ?? [])
        .map(Number)
        .sort((a, b) => a - b);
    expect(numbers(all[name])).toEqual(numbers(auditSummaryCard(r)));
    // Each row: the users that finding blocks, in the same order.
    const facts = (card: AdaptiveCard) => JSON.stringify(card).match(/"title":"[^"]*?(\d+)[^"]*?","value"/g) ?? [];
    expect(facts(all[name]).map((f) => Number(f.match(/\d+/)![0]))).toEqual(blocking(r).slice(0, 8).map((f) => f.usersBlocked));
    const t = r.totals;
    for (const n of [t.users, t.usersBlocked, t.usersNeedingTap, t.withAuthenticatorPasskey]) expect(words(all[name])).toMatch(new RegExp(`(^|\\D)${n}(\\D|$)`));
  });
});

it.each(LANGUAGES)('every card in %s is a valid card, with the campaign command as typed', (language) => {
  for (const [name, card] of Object.entries(cards(messagesFor(language)))) {
    expect([name, cardProblems(card, null)]).toEqual([name, []]);
    if (name !== 'forAdmins') expect(words(card)).toMatch(/campaign start </);
  }
});

describe('the chat turn "audit"', () => {
  const isAdmin = jest.fn(async () => true);
  const deps = {
    ...conversationDeps({
      config: { offline: false } as Config,
      graph: { emulator: { snapshot: () => demoJson() } } as unknown as GraphConnection,
      campaigns: { isAdmin } as unknown as Campaigns,
      now: () => AT,
      log: () => {},
    }),
    diagnose: () => {
      throw new Error('"audit" is a command, not a question');
    },
  };
  const turn = (locale: string) => handleTurn(deps, undefined, { kind: 'text', text: 'audit' }, { aadObjectId: 'admin-1', name: 'Ada', locale });

  it.each([
    ['de-DE', 'de'],
    ['ja-JP', 'ja'],
    ['en-US', 'en'],
  ] as const)('from a %s client answers in %s', async (locale, language) => {
    const { cards } = await turn(locale);
    expect(cards).toEqual([auditSummaryCard(auditTenant(demoJson(), { at: AT }), messagesFor(language))]);
  });

  it('refuses someone who is not an identity admin in their language', async () => {
    isAdmin.mockResolvedValueOnce(false);
    const { cards } = await turn('de-DE');
    expect(cards).toEqual([auditForAdminsCard(messagesFor('de'))]);
    expect(words(cards[0])).not.toMatch(/identity admins/);
  });

  it('online (no snapshot) tells the admin where the report is made, in their language', async () => {
    const card = await auditCommand({ campaigns: { isAdmin }, snapshot: () => undefined, now: () => AT }, 'admin-1', messagesFor('ja'));
    expect(card).toEqual(auditInstructionsCard(messagesFor('ja')));
    expect(words(card)).toContain('テナント監査');
  });
});
