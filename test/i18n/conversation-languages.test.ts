// Issue 15, end to end: an employee writing in their language is asked and answered in it, through
// the real turn handling (botbuilder's TestAdapter → SupportBot → the conversation → the Graph
// client against the loopback Graph server over the demo tenant), and ends on the diagnosis card
// naming the demo tenant's blocking policy exactly as the tenant wrote it. Every card on the way
// is checked for English: no English catalogue message (of the namespaces translated into that
// language) may appear on it where the language has its own words.
import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, messagesFor, namespaces, type Language } from '../../src/i18n';
import { SupportBot } from '../../src/teams/bot';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { validateSnapshot } from '../../src/snapshot';
import { cardText } from '../http/helpers';
import { submits, withoutDetails } from '../cards/check-card';

const ROOT = join(__dirname, '..', '..');
const DEMO = validateSnapshot(JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8')));
const TENANT = DEMO.tenant.id;
const AT = new Date('2026-10-05T14:00:00Z'); // the demo tenant's clock
const lena = DEMO.users.find((u) => u.mail?.startsWith('lena@'))!;
/** The demo tenant's policy that requires a passkey to sign in to Authenticator itself (Lena is in its group). */
const BLOCKING_POLICY = 'Passkey pilot: passkey in Authenticator everywhere';

/** "When I want to add a passkey, Authenticator keeps asking me for a passkey", as an employee writes it. */
const SENTENCE: Record<Exclude<Language, 'en'>, string> = {
  de: 'Wenn ich einen Passkey hinzufügen will, fragt Authenticator immer wieder nach einem Passkey',
  fr: "Quand je veux ajouter une clé d'accès, Authenticator me redemande sans cesse une clé d'accès",
  es: 'Cuando quiero agregar una clave de acceso, Authenticator me pide una y otra vez una clave de acceso',
  ja: 'パスキーを追加しようとすると、Authenticator が何度もパスキーを求めてきます',
  'pt-BR': 'Quando quero adicionar uma chave de acesso, o Authenticator pede uma chave de acesso sem parar',
};
/** The Teams client's locale for each language. */
const LOCALE: Record<Exclude<Language, 'en'>, string> = { de: 'de-DE', fr: 'fr-FR', es: 'es-ES', ja: 'ja-JP', 'pt-BR': 'pt-BR' };
/** The languages this test drives (each has the conversation's catalogues). */
const DRIVEN: Exclude<Language, 'en'>[] = ['de', 'fr', 'es', 'ja', 'pt-BR'];

const english = loadCatalog('en');

/**
 * English sentences that must not appear on a card in `language`: the English messages of every
 * namespace translated into it, long enough to be a sentence, whose translation differs. A
 * message with placeholders is checked by its longest literal part.
 */
function englishSentences(language: Language, except: readonly string[] = []): string[] {
  const translated = new Set(namespaces(language).filter((ns) => !except.includes(ns)));
  const catalog = loadCatalog(language);
  const out: string[] = [];
  for (const [key, source] of english) {
    if (!translated.has(key.split('.')[0]) || catalog.get(key) === source) continue;
    const literal = parse(source, { ignoreTag: true })
      .flatMap((el) => (el.type === TYPE.literal ? [el.value.trim()] : []))
      .sort((x, y) => y.length - x.length)[0];
    if (literal && literal.length >= 25 && !catalog.get(key)?.includes(literal)) out.push(literal);
  }
  return out;
}

let graph: GraphConnection;
beforeAll(async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => AT, tenantId: TENANT, timeoutMs: 15_000, retryDelaySeconds: 0 });
});
afterAll(async () => {
  await graph.close();
});

/** Lena in her personal chat with the bot, her Teams client in `locale` (none: Teams sent none). */
function chat(locale: string | undefined) {
  const bot = new SupportBot({ storage: new MemoryStorage(), tenantId: TENANT, diagnoser: graph.diagnoser, conversation: { now: () => AT, tenantFacts: () => graph.tenantFacts.get() } });
  const replies: Partial<Activity>[] = [];
  const adapter = new TestAdapter(async (context) => {
    context.onSendActivities(async (_ctx, activities, next) => {
      replies.push(...activities.filter((a) => a.type !== 'typing'));
      return next();
    });
    await bot.run(context);
  });
  const send = async (activity: Partial<Activity>): Promise<any[]> => {
    replies.length = 0;
    await adapter.processActivity({
      type: ActivityTypes.Message,
      channelId: 'msteams',
      from: { id: 'lena-teams', name: lena.displayName ?? 'Lena', aadObjectId: lena.id as string },
      conversation: { id: 'conv-lena', conversationType: 'personal', tenantId: TENANT, isGroup: false, name: '' },
      ...(locale ? { locale } : {}),
      ...activity,
    });
    return replies.map((a) => (a.attachments ?? [])[0]?.content);
  };
  return {
    say: (text: string) => send({ text }),
    /** Presses the answer button with this value, whatever its title. */
    choose: (card: any, value: string) => {
      const data = submits(card).find((d) => d.action === 'answer' && d.value === value);
      if (!data) throw new Error(`no answer ${value} on card: ${cardText(card).slice(0, 300)}`);
      return send({ value: data });
    },
  };
}

/** The question card's title and its buttons' titles. */
function question(card: any): { title: string; choices: Record<string, string> } {
  const titles: Record<string, string> = {};
  const walk = (x: any) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (x.type === 'Action.Submit' && x.data?.action === 'answer') titles[x.data.value] = x.title;
      Object.values(x).forEach(walk);
    }
  };
  walk(card.actions ?? card.body);
  walk(card.body);
  return { title: card.body.find((b: any) => b.type === 'TextBlock')?.text, choices: titles };
}

/**
 * No English sentence on the card: none on what the employee sees, and none in the collapsed
 * sections (the IT team's, what was checked), whose conditions, grant controls and facts the
 * engine gives as data (src/cards/evidence-words.ts words them in the reader's language).
 */
function expectNoEnglish(card: any, language: Language) {
  const visible = cardText(withoutDetails(card));
  expect(englishSentences(language).filter((sentence) => visible.includes(sentence))).toEqual([]);
  const whole = cardText(card);
  expect(englishSentences(language).filter((sentence) => whole.includes(sentence))).toEqual([]);
}

describe.each(DRIVEN)('%s: the registration loop, told and answered in the language', (language) => {
  const m = messagesFor(language);

  it('asks the platform questions in the language and ends on the card naming the blocking policy', async () => {
    const lena = chat(LOCALE[language]);
    let [card] = await lena.say(SENTENCE[language]);
    expect(question(card)).toEqual({ title: m.t('intake.platform.title'), choices: { android: m.t('intake.platform.android'), iOS: m.t('intake.platform.iOS') } });
    expect(cardText(card)).toContain(m.t('intake.platform.text'));
    expectNoEnglish(card, language);

    [card] = await lena.choose(card, 'android');
    expect(question(card).title).toBe(m.t('intake.osVersion.title'));
    expect(question(card).choices).toMatchObject({ '15': m.t('intake.osVersion.androidNewer'), unknown: m.t('intake.osVersion.unknown') });
    expect(cardText(card)).toContain(m.t('intake.osVersion.textAndroid'));
    expectNoEnglish(card, language);

    [card] = await lena.choose(card, '15');
    expect(question(card)).toEqual({ title: m.t('intake.where.title'), choices: { 'same-device': m.t('intake.where.sameDevice'), 'cross-device': m.t('intake.where.crossDevice') } });
    expectNoEnglish(card, language);

    const cards = await lena.choose(card, 'same-device');
    card = cards[0];
    expect(cardText(card)).toContain(BLOCKING_POLICY);
    expect(submits(card).map((d) => d.action)).toContain('contactHelpDesk');
    for (const c of cards) expectNoEnglish(c, language);
    // The card's title is the finding's, in the language.
    expect(card.body[0].text).toBe(m.t('findings.ca-auth-strength-loop.title'));
    expect(card.body[0].text).not.toBe(messagesFor('en').t('findings.ca-auth-strength-loop.title'));
  });

  it('understands the button titles typed back in the language, and reaches the same card', async () => {
    const lena = chat(LOCALE[language]);
    await lena.say(SENTENCE[language]);
    let [card] = await lena.say(m.t('intake.platform.android'));
    expect(question(card).title).toBe(m.t('intake.osVersion.title'));
    [card] = await lena.say(m.t('intake.osVersion.androidNewer'));
    expect(question(card).title).toBe(m.t('intake.where.title'));
    [card] = await lena.say(m.t('intake.where.sameDevice'));
    expect(cardText(card)).toContain(BLOCKING_POLICY);
    expect(card.body[0].text).toBe(m.t('findings.ca-auth-strength-loop.title'));
    expectNoEnglish(card, language);
  });
});

describe('no locale from Teams', () => {
  it('German text alone picks German: the questions and the card are German', async () => {
    const lena = chat(undefined);
    const de = messagesFor('de');
    let [card] = await lena.say(SENTENCE.de);
    expect(question(card).title).toBe(de.t('intake.platform.title'));
    expectNoEnglish(card, 'de');
    [card] = await lena.choose(card, 'android');
    // "15" says no language: the conversation stays German.
    [card] = await lena.say('15');
    expect(question(card).title).toBe(de.t('intake.where.title'));
    [card] = await lena.choose(card, 'same-device');
    expect(cardText(card)).toContain(BLOCKING_POLICY);
    expect(card.body[0].text).toBe(de.t('findings.ca-auth-strength-loop.title'));
    expectNoEnglish(card, 'de');
  });

  it('English text alone stays English, word for word as before', async () => {
    const lena = chat(undefined);
    const en = messagesFor('en');
    const [card] = await lena.say('When I want to add a passkey, Authenticator keeps asking me for a passkey');
    expect(question(card)).toEqual({ title: 'Which phone are you adding the passkey on?', choices: { android: 'Android', iOS: 'iPhone (iOS)' } });
    expect(question(card).title).toBe(en.t('intake.platform.title'));
  });
});

describe('the check itself', () => {
  it('finds English on a card in another language (it can fail)', () => {
    const sentences = englishSentences('de');
    expect(sentences).toContain(english.get('intake.where.text'));
    expect(() => expectNoEnglish({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: english.get('intake.where.text') }] }, 'de')).toThrow();
  });
});
