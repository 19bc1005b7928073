// What the employee said and did, on the ticket card in the help desk's language: the transcript
// is kept as data and worded for the reader; the employee's own words stay as they wrote them;
// English reads as it always did, and lines stored by an earlier version are shown as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ticketCard, type TicketCardOptions } from '../../src/cards';
import { findingCopy } from '../../src/cards/copy';
import { transcriptLine } from '../../src/cards/transcript-words';
import { addText, answer, newIntake, nextQuestion, type IntakeState } from '../../src/conversation/intake';
import { LANGUAGES, english, messagesFor, type Language } from '../../src/i18n';
import type { Ticket, TranscriptEntry } from '../../src/tickets/ticket';
import { words } from './check-card';

describe('transcript lines', () => {
  const en = english();

  it('read in English exactly as the lines the bot used to store', () => {
    const lines: [TranscriptEntry, string][] = [
      [{ said: 'it keeps asking for a passkey' }, 'said: it keeps asking for a passkey'],
      [{ said: 'help', trimmedFrom: 204_805 }, 'said: help … (trimmed: the message had 204,805 characters)'],
      [{ answered: 'platform', value: 'android' }, 'answered Which phone are you adding the passkey on? → Android'],
      [{ diagnosed: ['ca-auth-strength-loop', 'tap-expired'] }, `diagnosed: ${findingCopy('ca-auth-strength-loop').title}; ${findingCopy('tap-expired').title}`],
      [{ fixedWithoutPasskey: true }, 'said it was fixed; no passkey in Authenticator yet'],
      [{ followUp: 'I got the TAP, it still asks for a passkey' }, 'follow-up: I got the TAP, it still asks for a passkey'],
      [{ pressedAgain: 'contactHelpDesk' }, 'follow-up: pressed "Contact the help desk" again'],
      [{ pressedAgain: 'requestTap' }, 'follow-up: pressed "Request a Temporary Access Pass" again'],
      ['said: stored by the previous version', 'said: stored by the previous version'],
    ];
    for (const [entry, line] of lines) expect(transcriptLine(entry, en)).toBe(line);
  });

  it('name every question and answer the intake offers with the words of its question cards, in every language', () => {
    // Every question on every path through the intake, with every choice it offers.
    const offered = new Map<string, { state: IntakeState; id: string; value: string }>();
    const walk = (s: IntakeState, depth: number) => {
      const q = nextQuestion(s);
      if (!q || depth > 8) return;
      for (const c of q.choices) {
        offered.set(`${q.id}=${c.value}`, { state: s, id: q.id, value: c.value });
        const next = answer(s, q.id, c.value);
        if ('state' in next) walk(next.state, depth + 1);
      }
    };
    // The profile questions come when a work profile (or NotAllowedError) was mentioned.
    walk(newIntake('s'), 0);
    walk(addText(newIntake('s'), 'my work profile'), 0);
    expect([...offered.keys()].map((k) => k.split('=')[0]).filter((v, i, a) => a.indexOf(v) === i).sort()).toEqual(
      ['androidProfile', 'bluetooth', 'osVersion', 'passkeyProfile', 'platform', 'where'],
    );
    for (const language of LANGUAGES) {
      const m = messagesFor(language);
      for (const { state, id, value } of offered.values()) {
        const q = nextQuestion(state, m)!;
        const choice = q.choices.find((c) => c.value === value)!;
        const recorded = answer(state, id, value, m);
        const entry = 'state' in recorded ? recorded.state.transcript.at(-1)! : undefined;
        expect(entry).toEqual({ answered: id, value });
        expect(transcriptLine(entry!, m)).toBe(m.t('ticketCard.transcript.answered', { question: q.title, answer: choice.title }));
      }
    }
  });

  it('an answer the catalogue does not know (stored by a later version) shows its id and value rather than failing', () => {
    expect(transcriptLine({ answered: 'camera', value: 'blocked' }, en)).toBe('answered camera → blocked');
  });
});

describe('the ticket card in the help desk language', () => {
  const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
  const lena = snapshot.users.find((u: { userPrincipalName: string }) => u.userPrincipalName.startsWith('lena'));
  const ticket: Ticket = {
    id: 'PK-7Q3D',
    createdAt: '2026-10-05T09:55:00.000Z',
    status: 'open',
    requester: { aadObjectId: lena.id, name: lena.displayName, userPrincipalName: lena.userPrincipalName },
    reason: 'contactHelpDesk',
    diagnosis: null,
    errorIds: {},
    transcript: [
      { said: 'Authenticator fragt immer wieder nach einem Passkey' },
      { answered: 'platform', value: 'android' },
      { diagnosed: ['ca-auth-strength-loop'] },
      { pressedAgain: 'contactHelpDesk' },
      'said: a line from before the update',
    ],
    history: [],
  };
  const OPTIONS: TicketCardOptions = { tap: { lifetimes: [60], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false }, timeZone: 'Europe/Berlin' };
  const lines: Record<Language, RegExp[]> = {
    en: [/said: Authenticator fragt immer wieder nach einem Passkey/, /answered Which phone are you adding the passkey on\? → Android/, /follow-up: pressed "Contact the help desk" again/],
    de: [/schrieb: Authenticator fragt immer wieder nach einem Passkey/, /beantwortete .+ → Android/, /Nachtrag: drückte erneut „.+“/],
    fr: [/a écrit : Authenticator fragt/, /a répondu à .+ → Android/, /relance : a de nouveau appuyé sur « .+ »/],
    es: [/escribió: Authenticator fragt/, /respondió .+ → Android/, /seguimiento: volvió a pulsar «.+»/],
    ja: [/入力: Authenticator fragt/, /回答: .+ → Android/, /追加の連絡: 「.+」をもう一度押しました/],
    'pt-BR': [/escreveu: Authenticator fragt/, /respondeu .+ → Android/, /novo contato: tocou de novo em ".+"/],
  };
  it.each(LANGUAGES.map((l) => [l]))('%s: the employee words as written, the rest in the desk language', (language) => {
    const m = messagesFor(language as Language);
    const text = words(ticketCard(ticket, OPTIONS, m));
    for (const line of lines[language as Language]) expect(text).toMatch(line);
    expect(text).toContain(m.t('ticketCard.transcript.diagnosed', { findings: findingCopy('ca-auth-strength-loop', m).title }));
    expect(text).toContain('said: a line from before the update');
    if (language !== 'en') expect(text.replace('said: a line from before the update', '')).not.toMatch(/\b(said|answered|diagnosed|follow-up):? /);
  });
});
