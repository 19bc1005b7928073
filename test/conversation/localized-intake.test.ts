// The intake in the employee's language (issue 15): every question and button in the language of
// the conversation, every button title typed back understood (in that language, and in English),
// the conversation's own replies and errors in the language, English word for word as before.
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleTurn, type ConversationDeps } from '../../src/conversation/controller';
import { addText, answer, newIntake, nextQuestion, registrationContext, type IntakeState, type QuestionId } from '../../src/conversation/intake';
import { parseSubmit } from '../../src/conversation/submit';
import { EMPTY_REPORT, type Report } from '../../src/conversation/symptoms';
import { isGreeting } from '../../src/conversation/text';
import { buttons, fixedCopy } from '../../src/cards/copy';
import { english, messagesFor, namespaces, type Language } from '../../src/i18n';
import { transcriptLine } from '../../src/cards/transcript-words';
import { SupportBot } from '../../src/teams/bot';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import { SupportCore, type EdgeTurn } from '../../src/teams/edge';
import { cardText } from '../http/helpers';

/** The languages with the conversation's catalogues (intake, chat, errors). */
const LANGS = (['de', 'fr', 'es', 'ja', 'pt-BR'] as Language[]).filter((l) => ['intake', 'chat', 'errors'].every((ns) => namespaces(l).includes(ns)));

const AT = new Date('2026-10-05T14:00:00Z');

/** An intake with `report` known and `answers` given, so that `id` is the question on screen. */
function asking(id: QuestionId, report: Partial<Report>, answers: IntakeState['answers'] = {}): IntakeState {
  const s: IntakeState = { ...newIntake('s'), report: { ...EMPTY_REPORT, ...report }, answers };
  expect(nextQuestion(s)?.id).toBe(id);
  return s;
}

const ON_SCREEN: [string, IntakeState][] = [
  ['platform', asking('platform', { symptoms: ['passkey-loop'] })],
  ['osVersion (Android)', asking('osVersion', { platform: 'android' })],
  ['osVersion (iPhone)', asking('osVersion', { platform: 'iOS' })],
  ['where', asking('where', { platform: 'android', osVersion: 15 })],
  ['androidProfile', asking('androidProfile', { platform: 'android', osVersion: 15, crossDevice: false, symptoms: ['not-allowed-error'] })],
  ['passkeyProfile', asking('passkeyProfile', { platform: 'android', osVersion: 15, crossDevice: false, symptoms: ['not-allowed-error'] }, { androidProfile: 'work' })],
  ['bluetooth', asking('bluetooth', { platform: 'iOS', osVersion: 18, crossDevice: true })],
];

it('the conversation is translated into at least German', () => {
  expect(LANGS).toContain('de');
});

describe.each(LANGS)('%s', (language) => {
  const m = messagesFor(language);
  const en = messagesFor('en');

  it.each(ON_SCREEN)('%s: asked in the language, every button different from English where the words are', (_, s) => {
    const q = nextQuestion(s, m)!;
    const english = nextQuestion(s, en)!;
    expect(q.id).toBe(english.id);
    expect(q.title).not.toBe(english.title);
    expect(q.text).not.toBe(english.text);
    expect(q.choices.map((c) => c.value)).toEqual(english.choices.map((c) => c.value));
  });

  it.each(ON_SCREEN)('%s: each button title typed back is that answer, in the language and in English', (_, s) => {
    const q = nextQuestion(s, m)!;
    const english = nextQuestion(s, en)!;
    // Typing a title does what pressing its button does: the same next question, the same context for the engine.
    const outcome = (t: IntakeState) => ({ next: nextQuestion(t)?.id ?? null, context: registrationContext(t, AT) });
    for (const [i, choice] of q.choices.entries()) {
      const pressed = answer(s, q.id, choice.value);
      if (!('state' in pressed)) throw new Error(pressed.error);
      const expected = outcome(pressed.state);
      expect([choice.title, outcome(addText(s, choice.title, undefined, m))]).toEqual([choice.title, expected]);
      // As people type it: another case, a full stop.
      expect(outcome(addText(s, `${choice.title.toLocaleUpperCase(m.locale)}.`, undefined, m))).toEqual(expected);
      expect([english.choices[i].title, outcome(addText(s, english.choices[i].title, undefined, m))]).toEqual([english.choices[i].title, expected]);
    }
  });

  it('an answer that is not offered is refused in the language; the transcript keeps the answer as data, worded for the help desk', () => {
    const s = ON_SCREEN[0][1];
    const refused = answer(s, 'platform', 'windows', m);
    expect(refused).toEqual({ error: m.t('intake.notAnAnswer', { value: 'windows', question: m.t('intake.platform.title') }) });
    expect('error' in refused && refused.error).not.toContain('is not one of the answers');
    const ok = answer(s, 'platform', 'android', m);
    expect('state' in ok && ok.state.transcript.at(-1)).toEqual({ answered: 'platform', value: 'android' });
    expect(transcriptLine({ answered: 'platform', value: 'android' }, english())).toBe('answered Which phone are you adding the passkey on? → Android');
  });

  it('the word its replies tell the employee to type ("help") is one the bot understands in the language', () => {
    const quoted = /[„«“「]\s*([^“”»」]+?)\s*[“”»」]/u.exec(m.t('chat.noTicket.text'))?.[1];
    expect(quoted).toBeDefined();
    expect(isGreeting(quoted!)).toBe(true);
    for (const key of ['chat.ticketClosed.text', 'errors.nothingChanged', 'errors.graph.busy', 'errors.edge.turnFailed']) expect(m.t(key, { reason: '' })).toContain(quoted);
  });

  it('a card submit it cannot read is refused in the language', () => {
    expect(parseSubmit(null, m)).toEqual({ error: m.t('errors.submit.unreadable') });
    expect(parseSubmit({ action: 'explode' }, m)).toEqual({ error: m.t('errors.submit.unknownButton', { action: 'explode' }) });
    expect(m.t('errors.submit.unreadable')).not.toBe(en.t('errors.submit.unreadable'));
  });
});

describe('the conversation\'s own replies', () => {
  const deps: ConversationDeps = { diagnose: () => Promise.reject(new Error('not here')), now: () => new Date('2026-10-05T14:00:00Z'), newSession: () => 'session-1' };
  const from = (locale?: string) => ({ aadObjectId: 'someone', name: 'Someone', ...(locale ? { locale } : {}) });

  it.each([
    ['de-DE', 'Mein Ticket'],
    ['fr-FR', 'mon ticket'],
    ['es-ES', 'mi incidencia'],
    ['ja-JP', '私のチケット'],
    ['pt-BR', 'meu chamado'],
    ['en-US', 'my ticket'],
  ])('%s: "%s" is the ticket command, answered in the language', async (locale, text) => {
    const r = await handleTurn(deps, undefined, { kind: 'text', text }, from(locale));
    const m = messagesFor(r.state.language!);
    expect(cardText(r.cards[0])).toContain(m.t('chat.noTicket.title'));
  });

  it('German: a broken card and a card from another conversation are refused in German', async () => {
    const de = messagesFor('de');
    let r = await handleTurn(deps, undefined, { kind: 'submit', value: 'garbage' }, from('de-DE'));
    expect(cardText(r.cards[0])).toContain(de.t('errors.nothingChanged', { reason: de.t('errors.submit.unreadable') }));
    expect(cardText(r.cards[0])).toContain('„Hilfe“');
    r = await handleTurn(deps, r.state, { kind: 'submit', value: { action: 'answer', question: 'platform', value: 'android', session: 'old' } }, from('de-DE'));
    expect(cardText(r.cards[0])).toContain(de.t('errors.staleCard'));
    expect(cardText(r.cards[1])).toContain(de.t('intake.platform.title'));
  });

  it('English stays word for word as before', async () => {
    const r = await handleTurn(deps, undefined, { kind: 'submit', value: 'garbage' }, from('en-US'));
    expect(cardText(r.cards[0])).toContain('That card sent nothing I can read. Nothing was changed. Type "help" to see what I can do.');
    const t = await handleTurn(deps, undefined, { kind: 'text', text: 'my ticket' }, from());
    expect(cardText(t.cards[0])).toContain('You have no open help-desk ticket. Say "help" if something is not working.');
  });

  it('a Graph failure is explained in the language', async () => {
    const de = messagesFor('de');
    const r = await handleTurn(deps, undefined, { kind: 'text', text: 'Wenn ich einen Passkey hinzufügen will, fragt Authenticator immer wieder nach einem Passkey. Android 15, auf dem Handy.' }, from('de-DE'));
    expect(cardText(r.cards.at(-1))).toContain(de.t('errors.checkFailed'));
    expect(cardText(r.cards.at(-1))).toContain(de.t('errors.graph.internal'));
  });
});

describe('after the diagnosis, in German (Lena in the demo tenant, blocked by the pilot policy)', () => {
  const de = messagesFor('de');
  const DEMO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
  const lena = DEMO.users.find((u: { mail: string }) => u.mail.startsWith('lena@'));
  const policy = 'Passkey pilot: passkey in Authenticator everywhere';
  let graph: GraphConnection;
  let registered = false;
  let deps: ConversationDeps;
  beforeAll(async () => {
    graph = await connectGraph({ snapshot: DEMO, emulatorNow: () => AT, tenantId: DEMO.tenant.id, retryDelaySeconds: 0 });
    deps = {
      diagnose: (userId, context, call) => graph.diagnoser.diagnose(userId, context, call),
      passkeyRegistered: () => Promise.resolve(registered),
      now: () => AT,
      newSession: () => 'session-1',
    };
  });
  afterAll(async () => {
    await graph.close();
  });
  const from = () => ({ aadObjectId: lena.id as string, name: 'Lena', locale: 'de-DE' });
  const LOOP_ALL_SAID = 'Wenn ich einen Passkey hinzufügen will, fragt Authenticator immer wieder nach einem Passkey. Android 15, auf dem Handy.';

  it('"That fixed it" without a passkey yet, then with it: German notices, German buttons', async () => {
    let r = await handleTurn(deps, undefined, { kind: 'text', text: LOOP_ALL_SAID }, from());
    expect(cardText(r.cards[0])).toContain(policy);
    r = await handleTurn(deps, r.state, { kind: 'submit', value: { action: 'fixed', session: r.state.intake.session } }, from());
    const copy = fixedCopy(de);
    expect(cardText(r.cards[0])).toContain(copy.notYet.title);
    expect(cardText(r.cards[0])).toContain(`„${buttons(de).contactHelpDesk}“`);
    expect(r.cards[0].actions?.map((a: any) => a.title)).toEqual([buttons(de).checkAgain, buttons(de).contactHelpDesk]);
    registered = true;
    r = await handleTurn(deps, r.state, { kind: 'submit', value: { action: 'fixed', session: r.state.intake.session } }, from());
    expect(cardText(r.cards[0])).toContain(copy.ready.title);
    expect(copy.ready.title).not.toBe(fixedCopy(messagesFor('en')).ready.title);
  });

  it('"Contact the help desk" without a help desk: the details to share, in German, with the policy as written', async () => {
    let r = await handleTurn(deps, undefined, { kind: 'text', text: LOOP_ALL_SAID }, from());
    r = await handleTurn(deps, r.state, { kind: 'submit', value: { action: 'contactHelpDesk', session: r.state.intake.session } }, from());
    const text = cardText(r.cards[0]);
    expect(text).toContain(de.t('chat.helpDesk.title', { tap: 'no' }));
    expect(text).toContain(de.t('chat.helpDesk.text', { tap: 'no' }));
    expect(text).toContain(de.t('chat.helpDesk.policies'));
    expect(text).toContain(policy);
  });
});

describe('the edge', () => {
  it('refuses another tenant in the sender\'s language', async () => {
    const bot = new SupportBot({ storage: new MemoryStorage(), tenantId: 'ours', organisation: 'Contoso', diagnoser: { diagnoseTeamsUser: () => Promise.reject(new Error('no')) }, conversation: { now: () => new Date() } });
    const adapter = new TestAdapter(async (context) => bot.run(context));
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      text: 'Hallo',
      locale: 'de-DE',
      channelId: 'msteams',
      from: { id: 'x', name: 'X', aadObjectId: 'x' },
      conversation: { id: 'c', conversationType: 'personal', tenantId: 'theirs', isGroup: false, name: '' },
    };
    await adapter.send(activity).assertReply((a) => expect(a.text).toBe(messagesFor('de').t('errors.edge.notServed', { organisation: 'Contoso' })));
    expect(messagesFor('de').t('errors.edge.notServed', { organisation: 'Contoso' })).toContain('Contoso');
  });

  it('answers a button it does not know, or a ticket id that is not one, in the language of whoever pressed', async () => {
    const turn = (locale: string) => ({ activity: { locale, from: { id: 'x', aadObjectId: 'x', name: 'X' } } }) as unknown as EdgeTurn;
    const options = { storage: new MemoryStorage(), tenantId: 'ours', diagnoser: { diagnoseTeamsUser: () => Promise.reject(new Error('no')) }, conversation: { now: () => new Date() } };
    const plain = new SupportCore(options as never);
    for (const [locale, language] of [['fr-FR', 'fr'], ['ja-JP', 'ja'], ['en-US', 'en']] as const) {
      expect(await plain.cardAction(turn(locale), 'explode', {})).toEqual({ kind: 'message', text: messagesFor(language).t('errors.edge.unknownButton') });
    }
    expect(messagesFor('en').t('errors.edge.unknownButton')).toBe('That button is not one I know.');
    const withDesk = new SupportCore({ ...options, helpDesk: { desk: {}, ticketCard: () => Promise.reject(new Error('no')) } } as never);
    expect(await withDesk.cardAction(turn('de-DE'), 'ticket.take', { ticketId: 'x'.repeat(900) })).toEqual({ kind: 'message', text: messagesFor('de').t('errors.edge.notATicketId') });
    expect(messagesFor('de').t('errors.edge.notATicketId')).toContain('PK-7Q3D');
  });
});
