// Understanding the employee in their language: German, French, Spanish, Japanese and Brazilian
// Portuguese free text reaches the same intake and the same diagnosis as English (the demo tenant,
// driven through the conversation controller as stories.test.ts does); the sign-in error page in
// those languages gives the same ids; the conversation's language follows the Teams locale.
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDINGS } from '../../src/cards';
import { handleTurn, type ConversationDeps, type ConversationState } from '../../src/conversation/controller';
import { addText, newIntake, nextQuestion, registrationContext } from '../../src/conversation/intake';
import { conversationLanguage, detectLanguage, fold, languageOfLocale } from '../../src/conversation/language';
import { readReport } from '../../src/conversation/symptoms';
import { isGreeting, isStartOver } from '../../src/conversation/text';
import { SupportBot } from '../../src/teams/bot';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { cardText, submitData } from '../http/helpers';
import { submits, words, withoutDetails } from '../cards/check-card';

const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const NOW = new Date(DEMO.demoClock);
const person = (name: string) => DEMO.users.find((u: { mail: string }) => u.mail.startsWith(`${name}@`));

/** The sentence, in each language: Authenticator keeps asking for a passkey while adding one. */
const LOOP: Record<string, string> = {
  en: 'When I want to add a passkey, Authenticator keeps asking me for a passkey',
  de: 'Wenn ich einen Passkey hinzufügen will, fragt Authenticator immer wieder nach einem Passkey',
  fr: "Quand je veux ajouter une clé d'accès, Authenticator me redemande sans cesse une clé d'accès",
  es: 'Cuando quiero agregar una clave de acceso, Authenticator me pide una y otra vez una clave de acceso',
  ja: 'パスキーを追加しようとすると、Authenticator が何度もパスキーを求めてきます',
  'pt-BR': 'Quando quero adicionar uma chave de acesso, o Authenticator pede uma chave de acesso sem parar',
};
/** The same, with the phone, its version and "on the phone itself": nothing left to ask. */
const LOOP_ALL_SAID: Record<string, string> = {
  en: "I'm stuck in a loop adding a passkey on my Android phone, Android 15, on the phone itself",
  de: 'Wenn ich einen Passkey hinzufügen will, fragt Authenticator immer wieder nach einem Passkey. Android-Handy, Android-Version 15, direkt auf dem Handy.',
  fr: "Quand je veux ajouter une clé d'accès, Authenticator me redemande sans cesse une clé d'accès. Android 15, sur mon téléphone.",
  es: 'Cuando quiero agregar una clave de acceso, Authenticator me pide una y otra vez una clave de acceso. Android 15, en mi teléfono.',
  ja: 'パスキーを追加しようとすると、Authenticator が何度もパスキーを求めてきます。Android 15 のスマホで使っています。',
  'pt-BR': 'Quando quero adicionar uma chave de acesso, o Authenticator pede uma chave de acesso sem parar. Android 15, no meu celular.',
};
const LANGS = Object.keys(LOOP);

let graph: GraphConnection;
let deps: ConversationDeps;
const calls: unknown[] = [];
beforeAll(async () => {
  graph = await connectGraph({ snapshot: structuredClone(DEMO), emulatorNow: () => NOW, tenantId: DEMO.tenant.id, retryDelaySeconds: 0 });
  let n = 0;
  deps = {
    diagnose: (userId, context, call) => {
      calls.push(call);
      return graph.diagnoser.diagnose(userId, context, call);
    },
    tenantFacts: () => graph.tenantFacts.get(),
    now: () => NOW,
    newSession: () => `session-${++n}`,
  };
});
afterAll(async () => {
  await graph.close();
});

function chat(name: string, locale?: string) {
  const from = { aadObjectId: person(name).id, name: person(name).displayName, ...(locale ? { locale } : {}) };
  let state: ConversationState | undefined;
  const turn = async (t: { text: string } | { value: unknown }) => {
    const r = await handleTurn(deps, state, 'text' in t ? { kind: 'text', text: t.text } : { kind: 'submit', value: t.value }, from);
    state = r.state;
    return r.cards as any[];
  };
  return {
    say: async (text: string) => (await turn({ text })).at(-1),
    press: async (card: any, title: RegExp) => (await turn({ value: submitData(card, title) })).at(-1),
    /** The button that answers the question with `value`, whatever its title says in this language. */
    choose: async (card: any, value: string) => {
      const data = submits(card).find((d) => d.action === 'answer' && d.value === value);
      if (!data) throw new Error(`no answer ${value} on card: ${cardText(card).slice(0, 400)}`);
      return (await turn({ value: data })).at(-1);
    },
    get state() {
      return state!;
    },
  };
}

/**
 * What the card offers, whatever the language: its buttons' actions and its numbered steps'
 * count (the words themselves are each language's; test/i18n/conversation-languages.test.ts reads them).
 */
const seen = (card: any) => ({ actions: submits(card).map((d) => d.action), steps: words(withoutDetails(card)).split('\n').filter((w) => /^\d+\.$/.test(w)).length });
const blockingPolicies = (s: ConversationState) => s.lastDiagnosis!.findings.filter((f) => f.blocking).flatMap((f) => f.policies.map((p) => p.name));

describe('the registration loop, told in six languages (Lena, demo tenant)', () => {
  let english: { card: any; state: ConversationState };
  beforeAll(async () => {
    const lena = chat('lena', 'en-US');
    const card = await lena.say(LOOP_ALL_SAID.en);
    english = { card, state: lena.state };
    expect(card.body[0]).toMatchObject({ text: FINDINGS['ca-auth-strength-loop'].title });
  });

  it.each(LANGS)('%s: the sentence alone is the registration loop, as in English', (lang) => {
    const r = readReport(LOOP[lang]);
    expect(r.symptoms).toEqual(['passkey-loop']);
    // The same questions follow: the phone, its version, where it fails.
    expect(nextQuestion(addText(newIntake('s'), LOOP[lang]))?.id).toBe('platform');
  });

  it.each(LANGS)('%s: with the phone, the version and "on the phone" said, the card names the blocking policy, as in English', async (lang) => {
    const lena = chat('lena', lang === 'pt-BR' ? 'pt-BR' : `${lang}-XX`);
    const card = await lena.say(LOOP_ALL_SAID[lang]);
    expect(lena.state.intake.report).toMatchObject({ symptoms: ['passkey-loop'], platform: 'android', osVersion: 15, crossDevice: false });
    expect(seen(card)).toEqual(seen(english.card));
    const policies = blockingPolicies(lena.state);
    expect(policies.length).toBeGreaterThan(0);
    expect(policies).toEqual(blockingPolicies(english.state));
    for (const name of policies) expect(cardText(card)).toContain(name);
    expect(lena.state.language).toBe(lang);
  });

  it.each(LANGS)('%s: the sentence alone, then the buttons, reaches the same card', async (lang) => {
    const lena = chat('lena', lang);
    let card = await lena.say(LOOP[lang]);
    card = await lena.choose(card, 'android');
    card = await lena.choose(card, '15');
    card = await lena.choose(card, 'same-device');
    expect(seen(card)).toEqual(seen(english.card));
  });

  it('German typed answers to the questions on screen: "Android", "14", "auf dem Handy"', async () => {
    const lena = chat('lena', 'de-DE');
    await lena.say(LOOP.de);
    await lena.say('Android');
    await lena.say('Version 15');
    const card = await lena.say('auf dem Handy');
    expect(seen(card)).toEqual(seen(english.card));
  });
});

describe('what each language is understood to say', () => {
  it.each([
    // TAP expired / not yet valid, with Microsoft's names for the Temporary Access Pass
    ['TAP abgelaufen', 'tap-expired'],
    ['Mein Befristeter Zugriffspass ist abgelaufen', 'tap-expired'],
    ['Temporärer Zugriffspass abgelaufen', 'tap-expired'],
    ['Der TAP ist noch nicht gültig', 'tap-expired'],
    ["le passe d'accès temporaire a expiré", 'tap-expired'],
    ['mon TAP a expiré', 'tap-expired'],
    ['el pase de acceso temporal ha caducado', 'tap-expired'],
    ['mi TAP está vencido', 'tap-expired'],
    ['一時アクセス パスの有効期限が切れました', 'tap-expired'],
    ['TAP が期限切れです', 'tap-expired'],
    ['o Passe de Acesso Temporário expirou', 'tap-expired'],
    // the loop
    ['Ich hänge in einer Schleife fest', 'passkey-loop'],
    ['je suis bloqué dans une boucle', 'passkey-loop'],
    ['estoy en un bucle', 'passkey-loop'],
    ['ループしてしまいます', 'passkey-loop'],
    ['fico em loop', 'passkey-loop'],
    // approved app / app protection, security info, Conditional Access
    ['Es wird eine genehmigte App verlangt', 'approved-app-required'],
    ["il faut une application approuvée", 'approved-app-required'],
    ['requiere una aplicación cliente aprobada', 'approved-app-required'],
    ['承認されたクライアント アプリが必要です', 'approved-app-required'],
    ['política de proteção de aplicativo', 'approved-app-required'],
    ['Ich kann meine Sicherheitsinformationen nicht registrieren', 'register-security-info-blocked'],
    ['informations de sécurité bloquées', 'register-security-info-blocked'],
    ['no puedo registrar la información de seguridad', 'register-security-info-blocked'],
    ['セキュリティ情報を登録できません', 'register-security-info-blocked'],
    ['não consigo registrar informações de segurança', 'register-security-info-blocked'],
    ['durch bedingten Zugriff blockiert', 'blocked-by-policy'],
    ["bloqué par l'accès conditionnel", 'blocked-by-policy'],
    ['bloqueado por acceso condicional', 'blocked-by-policy'],
    ['条件付きアクセスによってブロックされました', 'blocked-by-policy'],
    ['bloqueado pelo acesso condicional', 'blocked-by-policy'],
    // profiles, Bluetooth, QR code
    ['Ich nutze das Arbeitsprofil', 'work-profile'],
    ['dans le profil professionnel', 'work-profile'],
    ['en el perfil de trabajo', 'work-profile'],
    ['仕事用プロファイルで追加しています', 'work-profile'],
    ['no perfil de trabalho', 'work-profile'],
    ['Ich scanne den QR-Code am Laptop', 'bluetooth'],
    ['je scanne le code QR', 'bluetooth'],
    ['escaneo el código QR', 'bluetooth'],
    ['QRコードをスキャンしました', 'bluetooth'],
    ['no outro dispositivo', 'bluetooth'],
    // already exists, provider
    ['Passkey ist bereits vorhanden', 'passkey-already-exists'],
    ["la clé d'accès existe déjà", 'passkey-already-exists'],
    ['la clave de acceso ya existe', 'passkey-already-exists'],
    ['パスキーは既に存在します', 'passkey-already-exists'],
    ['a chave de acesso já existe', 'passkey-already-exists'],
    ['Wo ist Automatisch ausfüllen?', 'provider-setup'],
    // greetings
    ['Hallo!', 'help'],
    ['Bonjour', 'help'],
    ['¡Hola!', 'help'],
    ['こんにちは。', 'help'],
    ['Olá', 'help'],
  ])('%s → %s', (text, symptom) => {
    expect(readReport(text).symptoms).toContain(symptom);
  });

  it('reads phones and versions however they are written', () => {
    expect(readReport('Android 14')).toMatchObject({ platform: 'android', osVersion: 14 });
    expect(readReport('Android-Version 14')).toMatchObject({ platform: 'android', osVersion: 14 });
    expect(readReport('iOS-Version 17')).toMatchObject({ platform: 'iOS', osVersion: 17 });
    expect(readReport('Android 14 を使っています')).toMatchObject({ platform: 'android', osVersion: 14 });
    expect(readReport('ＡｎｄｒｏｉｄＯＳ　ではなく Ａｎｄｒｏｉｄ １４')).toMatchObject({ platform: 'android', osVersion: 14 });
    expect(readReport('Android バージョン 15')).toMatchObject({ osVersion: 15 });
    expect(readReport('sur mon iPhone, iOS 17')).toMatchObject({ platform: 'iOS', osVersion: 17 });
    expect(readReport('iOS 17, sur mon téléphone')).toMatchObject({ platform: 'iOS', osVersion: 17, crossDevice: false });
    expect(readReport('versión de Android 13')).toMatchObject({ platform: 'android', osVersion: 13 });
  });

  it('reads where it fails, which profile, and whether Bluetooth is blocked', () => {
    expect(readReport('im Arbeitsprofil')).toMatchObject({ androidProfile: 'work' });
    expect(readReport('dans mon profil personnel')).toMatchObject({ androidProfile: 'personal' });
    expect(readReport('仕事用プロファイルで')).toMatchObject({ androidProfile: 'work' });
    expect(readReport('auf meinem Laptop mit dem QR-Code')).toMatchObject({ crossDevice: true });
    expect(readReport('Bluetooth ist von der IT gesperrt')).toMatchObject({ bluetoothRestricted: true });
    expect(readReport('Bluetooth ist nicht blockiert')).toMatchObject({ bluetoothRestricted: false });
    expect(readReport("le Bluetooth n'est pas bloqué")).toMatchObject({ bluetoothRestricted: false });
    expect(readReport('el Bluetooth está bloqueado por la empresa')).toMatchObject({ bluetoothRestricted: true });
    expect(readReport('Bluetooth は会社でブロックされています')).toMatchObject({ bluetoothRestricted: true });
    expect(readReport('o Bluetooth não está bloqueado')).toMatchObject({ bluetoothRestricted: false });
    // Named but not said to be blocked or working: neither.
    expect(readReport('Bluetooth ist eingeschaltet').bluetoothRestricted).toBeUndefined();
  });

  it('understands "start over" and greetings in each language, and nothing longer', () => {
    for (const t of ['start over', 'Von vorne', 'Neu starten', 'Recommencer', 'Empezar de nuevo', 'やり直し', 'Recomeçar']) expect(isStartOver(t)).toBe(true);
    expect(isStartOver('Ich will nicht von vorne anfangen, mein TAP ist abgelaufen')).toBe(false);
    for (const t of ['Hilfe', 'Hallo!', 'salut', 'Hola', 'ヘルプ', 'Oi']) expect(isGreeting(t)).toBe(true);
    expect(isGreeting('Hallo, mein TAP ist abgelaufen')).toBe(false);
  });

  it('typed answers to the question cards, in each language', () => {
    const loop = (text: string) => addText(newIntake('s'), text);
    const at = new Date('2026-10-05T14:00:00Z');
    // Version question on screen after the platform:
    const s = addText(loop(LOOP.de), 'Android');
    expect(nextQuestion(s)?.id).toBe('osVersion');
    expect(nextQuestion(addText(s, 'keine Ahnung'))?.id).toBe('where');
    expect(nextQuestion(addText(s, 'わからない'))?.id).toBe('where');
    // Where it fails:
    const v = addText(s, '15');
    expect(registrationContext(addText(v, "sur l'ordinateur"), at)).toMatchObject({ crossDevice: true });
    expect(nextQuestion(addText(v, 'en el teléfono'))).toBeNull();
    expect(nextQuestion(addText(v, 'スマホで'))).toBeNull();
    // Bluetooth, on a computer:
    const qr = addText(newIntake('s'), 'iPhone, iOS 18, QR-Code am Laptop, es klappt nicht');
    expect(nextQuestion(qr)?.id).toBe('bluetooth');
    expect(registrationContext(addText(qr, 'ja, von der IT gesperrt'), at)).toMatchObject({ bluetoothRestricted: true });
    expect(registrationContext(addText(qr, 'nein, Bluetooth funktioniert'), at).bluetoothRestricted).toBeUndefined();
    expect(nextQuestion(addText(qr, 'nein, Bluetooth funktioniert'))).toBeNull();
    expect(registrationContext(addText(qr, 'não, não é permitido'), at)).toMatchObject({ bluetoothRestricted: true });
  });
});

describe('the sign-in error page, as Microsoft shows it in each language', () => {
  const IDS = {
    requestId: '0f3c2a10-1111-4222-8333-944455556666',
    correlationId: '7a7a7a7a-1111-4222-8333-944455556666',
    errorTimestamp: '2026-10-05T13:59:12.337Z',
    errorCodes: ['AADSTS53003'],
  };
  const page = (lines: string[]) => lines.join('\n');
  const PAGES: [string, string][] = [
    ['en', page(['You cannot access this right now', 'Troubleshooting details', 'Error Code: 53003', 'Request Id: 0F3C2A10-1111-4222-8333-944455556666', 'Correlation Id: 7a7a7a7a-1111-4222-8333-944455556666', 'Timestamp: 2026-10-05T13:59:12.337Z'])],
    ['de', page(['Sie können gerade nicht darauf zugreifen', 'Details zur Problembehandlung', 'Fehlercode: 53003', 'Anforderungs-ID: 0f3c2a10-1111-4222-8333-944455556666', 'Korrelations-ID: 7a7a7a7a-1111-4222-8333-944455556666', 'Zeitstempel: 2026-10-05T13:59:12.337Z'])],
    ['fr', page(["Vous ne pouvez pas y accéder pour l'instant", 'Code d’erreur : 53003', 'ID de la demande : 0f3c2a10-1111-4222-8333-944455556666', 'ID de corrélation : 7a7a7a7a-1111-4222-8333-944455556666', 'Horodatage : 2026-10-05T13:59:12.337Z'])],
    ['es', page(['No puede acceder a esto en este momento', 'Código de error: 53003', 'Id. de solicitud: 0f3c2a10-1111-4222-8333-944455556666', 'Id. de correlación: 7a7a7a7a-1111-4222-8333-944455556666', 'Marca de tiempo: 2026-10-05T13:59:12.337Z'])],
    ['ja', page(['現在これにはアクセスできません', 'エラー コード: 53003', '要求 ID: 0f3c2a10-1111-4222-8333-944455556666', '相関 ID: 7a7a7a7a-1111-4222-8333-944455556666', 'タイムスタンプ: 2026-10-05T13:59:12.337Z'])],
    ['ja, full-width', page(['エラー コード：５３００３', '要求 ID：0f3c2a10-1111-4222-8333-944455556666', '相関 ID：7a7a7a7a-1111-4222-8333-944455556666', 'タイムスタンプ：2026-10-05T13:59:12.337Z'])],
    ['pt-BR', page(['Você não pode acessar isso agora', 'Código de erro: 53003', 'ID da Solicitação: 0f3c2a10-1111-4222-8333-944455556666', 'ID de Correlação: 7a7a7a7a-1111-4222-8333-944455556666', 'Carimbo de data/hora: 2026-10-05T13:59:12.337Z'])],
  ];

  it.each(PAGES)('%s: the same ids, the same error code, the same symptom', (_, text) => {
    const r = readReport(text);
    expect(r).toMatchObject(IDS);
    expect(r.symptoms).toContain('blocked-by-policy');
  });

  it('the AADSTS message as apps show it: its Trace ID is the Request Id', () => {
    const r = readReport('AADSTS53003: Access has been blocked by Conditional Access policies.\r\nTrace ID: 0f3c2a10-1111-4222-8333-944455556666\r\nCorrelation ID: 7a7a7a7a-1111-4222-8333-944455556666\r\nTimestamp: 2026-10-05 13:59:12Z');
    expect(r).toMatchObject({ ...IDS, errorTimestamp: '2026-10-05 13:59:12Z' });
  });

  it('the German page with the message line (AADSTS in it) reads the same, and its Correlation ID reaches the diagnosis', async () => {
    const text =
      'AADSTS53003: Der Zugriff wurde durch Richtlinien für bedingten Zugriff blockiert.\nAnforderungs-ID: 0f3c2a10-1111-4222-8333-944455556666\nKorrelations-ID: 7A7A7A7A-1111-4222-8333-944455556666\nZeitstempel: 2026-10-05 13:59:12Z\nAuf meinem iPhone, iOS 18, direkt auf dem Handy';
    expect(readReport(text)).toMatchObject({ ...IDS, errorTimestamp: '2026-10-05 13:59:12Z', symptoms: ['blocked-by-policy'] });
    calls.length = 0;
    const vic = person('vic');
    await handleTurn(deps, undefined, { kind: 'text', text }, { aadObjectId: vic.id, name: vic.displayName, locale: 'de-DE' });
    expect(calls).toEqual([{ correlationId: IDS.correlationId }]);
  });
});

describe('the conversation language', () => {
  it.each([
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['de-DE', 'de'],
    ['de-AT', 'de'],
    ['de-CH', 'de'],
    ['gsw-CH', 'de'],
    ['fr-FR', 'fr'],
    ['fr-CA', 'fr'],
    ['es-ES', 'es'],
    ['es-MX', 'es'],
    ['es-419', 'es'],
    ['ja-JP', 'ja'],
    ['ja', 'ja'],
    ['pt-BR', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['pt_br', 'pt-BR'],
    ['zh-CN', 'en'],
    ['ko-KR', 'en'],
    ['nl-NL', 'en'],
    ['', 'en'],
    ['not a locale', 'en'],
    [undefined, 'en'],
  ])('locale %j → %s', (locale, language) => {
    expect(languageOfLocale(locale)).toBe(language);
  });

  it('a 10,000-character "locale" is not read as one', () => {
    expect(languageOfLocale(`de-${'x'.repeat(10_000)}`)).toBe('en');
  });

  it.each([
    [LOOP.de, 'de'],
    [LOOP.fr, 'fr'],
    [LOOP.es, 'es'],
    [LOOP.ja, 'ja'],
    [LOOP['pt-BR'], 'pt-BR'],
    [LOOP.en, 'en'],
    ['TAP abgelaufen', 'de'],
    ['Ich kann keinen Passkey hinzufügen', 'de'],
    ['hi', undefined],
    ['AADSTS53003', undefined],
    ['Android 14', undefined],
  ])('text %j reads as %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('the locale decides; without one, the words do, and a later locale wins', async () => {
    const fake: ConversationDeps = { ...deps, diagnose: () => Promise.reject(new Error('not here')) };
    const from = { aadObjectId: 'someone', name: 'Someone' };
    let r = await handleTurn(fake, undefined, { kind: 'welcome' }, { ...from, locale: 'de-AT' });
    expect(r.state).toMatchObject({ language: 'de', languageFrom: 'locale' });
    // English words do not override the Teams locale.
    r = await handleTurn(fake, r.state, { kind: 'text', text: 'When I add a passkey it keeps asking for a passkey' }, from);
    expect(r.state.language).toBe('de');
    // No locale at all: the words decide, and a greeting keeps what was read.
    r = await handleTurn(fake, undefined, { kind: 'text', text: 'こんにちは' }, from);
    expect(r.state.language).toBe('ja');
    r = await handleTurn(fake, undefined, { kind: 'text', text: 'hi' }, from);
    expect(r.state.language).toBe('en');
    r = await handleTurn(fake, r.state, { kind: 'text', text: LOOP.fr }, from);
    expect(r.state).toMatchObject({ language: 'fr', languageFrom: 'text' });
    r = await handleTurn(fake, r.state, { kind: 'text', text: 'Android' }, from);
    expect(r.state.language).toBe('fr');
    r = await handleTurn(fake, r.state, { kind: 'text', text: 'start over' }, { ...from, locale: 'ja-JP' });
    expect(r.state).toMatchObject({ language: 'ja', languageFrom: 'locale' });
    expect(conversationLanguage({}, 'zh-CN', LOOP.de)).toEqual({ language: 'en', languageFrom: 'locale' });
  });

  it('the Teams activity\'s locale reaches the stored conversation (botbuilder edge)', async () => {
    const memory: Record<string, unknown> = {};
    const bot = new SupportBot({ storage: new MemoryStorage(memory as never), tenantId: DEMO.tenant.id, diagnoser: graph.diagnoser, conversation: { now: () => NOW } });
    const adapter = new TestAdapter(async (context) => bot.run(context));
    const lena = person('lena');
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      text: 'Hallo',
      locale: 'de-DE',
      channelId: 'msteams',
      from: { id: 'lena-teams', name: lena.displayName, aadObjectId: lena.id },
      conversation: { id: 'conv-lena', conversationType: 'personal', tenantId: DEMO.tenant.id, isGroup: false, name: '' },
    };
    await adapter.send(activity).assertReply((a) => expect(cardText((a.attachments ?? [])[0]?.content)).toMatch(/passkey/i));
    expect(JSON.stringify(memory)).toMatch(/\\?"language\\?":\\?"de\\?"/);
  });
});

describe('linear on 100 KB of hostile localized text', () => {
  const KB100 = 100 * 1024;
  const spaces = ' '.repeat(KB100);
  it.each([
    ['a German label and spaces', `Anforderungs-ID${spaces}x`],
    ['a French label and spaces', `ID de corrélation${spaces}x`],
    ['a Japanese label and spaces', `相関 ID${spaces}x`],
    ['a Portuguese label and spaces', `Carimbo de data/hora${spaces}x`],
    ['an error-code label and spaces', `Fehlercode${spaces}x`],
    ['"immer wieder" again and again', 'immer wieder '.repeat(KB100 / 13)],
    ['"Passkey" again and again', 'パスキー'.repeat(KB100 / 4)],
    ['TAP names without "expired"', 'TAP Zugriffspass '.repeat(KB100 / 17)],
    ['"Android" and spaces', `Android-Version${spaces}x`],
    ['Bluetooth and a long gap', `Bluetooth${'a'.repeat(KB100)}`],
  ])('%s', (_, text) => {
    const r = readReport(text);
    expect(r.requestId).toBeUndefined();
    expect(r.correlationId).toBeUndefined();
    expect(r.errorTimestamp).toBeUndefined();
    expect(r.errorCodes).toEqual([]);
    expect(r.osVersion).toBeUndefined();
  }, 3000);

  it('fold keeps what the patterns need', () => {
    expect(fold('HINZUFÜGEN Straße Clé d’accès ＡＢＣ１２３ ｶﾀｶﾅ パスキー')).toBe("hinzufugen strasse cle d'acces abc123 カタカナ パスキー");
  });
});
