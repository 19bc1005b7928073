// The small cards: welcome (with and without demo personas), question, error, notice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTTONS, MAX_ACTIONS, errorCard, noticeCard, questionCard, welcomeCard, type DemoPersona } from '../../src/cards';
import { messagesFor } from '../../src/i18n';
import { cardProblems, submits, words } from './check-card';

const SESSION = 'session-42';
const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const personas: DemoPersona[] = snapshot.users.map((u: { id: string; displayName: string; jobTitle: string }) => ({
  id: u.id,
  name: u.displayName,
  scenario: u.jobTitle,
}));

describe('welcomeCard', () => {
  it('offers to diagnose, and greets by name when it knows it', () => {
    const card = welcomeCard({ session: SESSION, userName: 'Lena' });
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(words(card)).toMatch(/^Hi Lena!/m);
    expect(submits(card)).toEqual([{ action: 'start', session: SESSION }]);
    expect(words(card)).toContain('Diagnose my passkey problem');
    expect(words(card)).not.toContain('Demo mode');
  });

  it('speaks German to a German reader, with the name as given', () => {
    const card = welcomeCard({ session: SESSION, userName: 'Jürgen' }, messagesFor('de'));
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(words(card)).toMatch(/^Hallo Jürgen!/m);
    expect(words(card)).toContain('Mein Passkey-Problem untersuchen');
    expect(words(card)).not.toContain('Diagnose my passkey problem');
  });

  it('has no greeting by name without a name', () => {
    const card = welcomeCard({ session: SESSION, userName: '  ' });
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(words(card)).not.toContain('Hi ');
  });

  it('in demo mode, has one button per demo persona with the name and scenario', () => {
    const card = welcomeCard({ session: SESSION, demoPersonas: personas });
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(personas.length).toBeGreaterThan(5);
    expect(submits(card)).toEqual([
      { action: 'start', session: SESSION },
      ...personas.map((p) => ({ action: 'persona', persona: p.id, session: SESSION })),
    ]);
    for (const p of personas) {
      expect(words(card)).toContain(p.name);
      expect(words(card)).toContain(p.scenario);
    }
  });
});

describe('questionCard', () => {
  const question = {
    session: SESSION,
    questionId: 'osVersion',
    title: 'Which version is the phone on?',
    text: 'On the phone: Settings > About phone > Android version.',
    choices: [
      { title: 'Android 13 or older', value: '13' },
      { title: 'Android 14', value: '14' },
      { title: 'Android 15 or newer', value: '15' },
      { title: "I don't know", value: 'unknown' },
    ],
  };

  it('has one answer button per choice, carrying the question, the value and the session', () => {
    const card = questionCard(question);
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(words(card)).toContain(question.title);
    expect(words(card)).toContain(question.text);
    expect(submits(card)).toEqual(question.choices.map((c) => ({ action: 'answer', question: 'osVersion', value: c.value, session: SESSION })));
  });

  it('keeps numeric-looking values as strings', () => {
    expect(submits(questionCard(question))[1].value).toBe('14');
  });

  it(`refuses no choices or more than ${MAX_ACTIONS}`, () => {
    expect(() => questionCard({ ...question, choices: [] })).toThrow(/0 choices/);
    const many = Array.from({ length: MAX_ACTIONS + 1 }, (_, i) => ({ title: `C${i}`, value: `${i}` }));
    expect(() => questionCard({ ...question, choices: many })).toThrow(/6 choices/);
  });
});

describe('errorCard', () => {
  it('shows the message, a default title, and Start over for a session', () => {
    const card = errorCard({ message: 'I could not read your organisation\'s settings. Try again in a minute.', session: SESSION });
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(words(card)).toContain('Something went wrong');
    expect(words(card)).toContain('Try again in a minute.');
    expect(submits(card)).toEqual([{ action: 'startOver', session: SESSION }]);
  });

  it('has no button without a session', () => {
    const card = errorCard({ title: 'Not available', message: 'This bot only serves Contoso.' });
    expect(cardProblems(card, null)).toEqual([]);
    expect(words(card)).toContain('Not available');
    expect(submits(card)).toEqual([]);
  });
});

describe('noticeCard', () => {
  it('shows title, text, facts and actions', () => {
    const card = noticeCard({
      title: 'Help desk ticket created',
      text: 'The help desk has what we found.',
      tone: 'success',
      facts: [{ title: 'Ticket', value: 'PK-1042' }],
      actions: [{ title: BUTTONS.startOver, data: { action: 'startOver', session: SESSION } }],
    });
    expect(cardProblems(card, SESSION)).toEqual([]);
    expect(card.body?.[0]).toMatchObject({ color: 'Good' });
    expect(words(card)).toContain('PK-1042');
    expect(submits(card)).toEqual([{ action: 'startOver', session: SESSION }]);
  });

  it('leaves out empty facts and actions', () => {
    const card = noticeCard({ title: 'Glad it works', text: 'Your passkey is ready.' });
    expect(cardProblems(card, null)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('FactSet');
    expect(submits(card)).toEqual([]);
  });

  it(`refuses more than ${MAX_ACTIONS} actions`, () => {
    const actions = Array.from({ length: MAX_ACTIONS + 1 }, () => ({ title: 'x', data: { action: 'fixed' as const, session: SESSION } }));
    expect(() => noticeCard({ title: 't', text: 't', actions })).toThrow(/at most 5/);
  });
});
