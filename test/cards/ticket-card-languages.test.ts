// The help-desk ticket card in the help desk's language (HELPDESK_LOCALE): German words for the
// title, the status, the sections, the buttons and the forms, times in the desk's locale and zone
// naming it, policy and group names exactly as the tenant wrote them; a valid card in every
// language; English (the default) as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ticketCard, type AdaptiveCard, type TicketCardOptions } from '../../src/cards';
import { remedyWhy } from '../../src/cards/remedy-words';
import { diagnose, type Diagnosis } from '../../src/diagnosis';
import { LANGUAGES, PSEUDO_LANGUAGE, english, languageOfLocale, messagesFor, type MessagesLanguage } from '../../src/i18n';
import type { Person, Ticket } from '../../src/tickets/ticket';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';
import { cardProblems, executes, inputs, words } from './check-card';

const snapshot = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const users: { id: string; displayName: string; userPrincipalName: string }[] = snapshot.users;
const HANA: Person = { aadObjectId: 'hana-id', name: 'Hana Kim', userPrincipalName: 'hana@contoso.com' };
const GROUP = 'Passkey registration exemption';
const ZONE = 'Europe/Berlin';

function diagnosisOf(user: { id: string }): Diagnosis {
  return diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, user.id), { platform: 'android', at: new Date(snapshot.demoClock) });
}

function ticketOf(user: { id: string; displayName: string; userPrincipalName: string }): Ticket {
  return {
    id: 'PK-7Q3D',
    createdAt: '2026-10-05T09:55:00.000Z',
    status: 'taken',
    assignee: HANA,
    requester: { aadObjectId: user.id, name: user.displayName, userPrincipalName: user.userPrincipalName },
    reason: 'requestTap',
    diagnosis: diagnosisOf(user),
    errorIds: { requestId: '5f0c1e2a-0000-4000-8000-000000000001', correlationId: '9b1d2c3e-0000-4000-8000-000000000002', timestamp: '2026-10-05T09:50:12Z' },
    transcript: ['Started the diagnosis'],
    history: [{ at: '2026-10-05T09:55:00.000Z', by: user.displayName, text: 'Ticket opened' }],
  };
}

const OPTIONS: TicketCardOptions = {
  tap: { lifetimes: [30, 60, 90], defaultLifetime: 60, oneTimeChoice: true, forcedOneTime: false },
  exemption: { hours: [1, 4], groupName: GROUP },
  now: '2026-10-05T10:30:00Z',
  timeZone: ZONE,
};
const TAP = { by: HANA, at: '2026-10-05T09:59:00.000Z', start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T11:00:00.000Z', oneTime: true, methodId: 'tap-1' };
const EXEMPTION = { by: HANA, at: '2026-10-05T09:59:00.000Z', groupId: 'group-1', start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T14:00:00.000Z' };

/** A requester blocked by a Conditional Access policy (its name is what the card must keep). */
const blocked = users.find((u) => diagnosisOf(u).findings.some((f) => f.blocking && f.code.startsWith('ca-') && f.policies.length > 0))!;
const blockingPolicy = diagnosisOf(blocked).findings.find((f) => f.blocking && f.code.startsWith('ca-'))!.policies[0].name;

const desk = (locale: string) => messagesFor(languageOfLocale(locale));
/** The titles of the card's own buttons (show-card and execute). */
const titles = (card: AdaptiveCard) => (card.actions ?? []).map((a) => (a as { title?: string }).title);
const textOf = (card: AdaptiveCard) => words(card);

describe('the ticket card with HELPDESK_LOCALE=de-DE', () => {
  const m = desk('de-DE');
  const card = ticketCard(ticketOf(blocked), OPTIONS, m);
  const withTap = ticketCard({ ...ticketOf(blocked), tap: TAP, exemption: EXEMPTION }, { ...OPTIONS, now: '2026-10-05T11:30:00Z' }, m);

  it('has a German title, status and section headings', () => {
    expect(card.body?.[0]).toMatchObject({ type: 'TextBlock', text: 'Passkey-Ticket PK-7Q3D' });
    const text = textOf(card);
    expect(text).toContain('Übernommen von Hana Kim');
    expect(text).toContain('Was geprüft wurde');
    expect(text).toContain('Verlauf');
    expect(text).toContain('Erstellt 5. Okt., 11:55 MESZ');
    expect(text).not.toContain('Created ');
    expect(text).not.toContain('Taken by');
  });

  it('has German buttons and forms', () => {
    expect(titles(card)).toEqual(expect.arrayContaining(['TAP ausstellen', 'Befristet ausnehmen', 'Lösen']));
    expect(executes(card).map((e) => e.title)).toEqual(expect.arrayContaining(['Befristeten Zugriffspass ausstellen', 'Befristete Ausnahme gewähren']));
    const lifetime = inputs(card).find((i) => i.id === 'tapLifetime') as { label?: string; choices: { title: string }[] };
    expect(lifetime.label).toBe('Gültig für');
    expect(lifetime.choices.map((c) => c.title)).toEqual(['30 Minuten', '1 Stunde', '1 Std. 30 Min.']);
    const hours = inputs(card).find((i) => i.id === 'exemptionHours') as { choices: { title: string }[] };
    expect(hours.choices.map((c) => c.title)).toEqual(['1 Stunde', '4 Stunden']);
  });

  it('shows the TAP and exemption windows in the desk’s locale and zone, naming it', () => {
    const text = textOf(withTap);
    expect(text).toContain('TAP ausgestellt 12:00–13:00 MESZ von Hana Kim, einmalige Verwendung (abgelaufen)');
    expect(text).toContain(`Ausgenommen 12:00–16:00 MESZ (Gruppe „${GROUP}“) von Hana Kim`);
    expect(text).toContain('Aktualisiert 5. Okt., 13:30 MESZ');
  });

  it('keeps policy and group names exactly as the tenant wrote them', () => {
    const text = textOf(card);
    expect(text).toContain(`„${GROUP}“`);
    expect(text).toContain(`„${blockingPolicy}“`);
  });

  it('says what each checked remedy does in German, with the policy verbatim', () => {
    const ticket = ticketOf(blocked);
    const d = ticket.diagnosis!;
    const check = {
      at: '2026-10-05T09:56:00.000Z',
      context: d.context,
      guest: false,
      tapTargeted: true,
      blocking: d.findings.filter((f) => f.blocking).map((f) => ({ code: f.code, policyNames: f.policies.map((p) => p.name) })),
      remedies: d.remedies,
    };
    expect(check.remedies.length).toBeGreaterThan(0);
    const german = textOf(ticketCard({ ...ticket, check }, OPTIONS, m));
    const english = textOf(ticketCard({ ...ticket, check }, OPTIONS));
    expect(german).toContain(`Was für ${blocked.displayName} hilft (geprüft 11:56 MESZ, Android)`);
    expect(english).toContain(`What works for ${blocked.displayName} (checked 11:56 CEST, Android)`);
    // Each remedy's line: its German label, then the engine's check in German (never its English sentence).
    for (const r of check.remedies) {
      expect(english).toContain(remedyWhy(r));
      expect(german).not.toContain(remedyWhy(r));
    }
    expect(german).toMatch(/(✓|✗)/);
    expect(german).toContain(`„${blockingPolicy}“`);
  });
});

describe('the ticket card in every language', () => {
  const states: Record<string, (t: Ticket) => Ticket> = {
    open: (t) => ({ ...t, status: 'open', assignee: undefined }),
    taken: (t) => t,
    'TAP issued, exempted': (t) => ({ ...t, tap: TAP, exemption: { ...EXEMPTION, removalError: 'Graph: 403', removalFailures: 2, nextRemovalAt: '2026-10-05T14:10:00.000Z' } }),
    resolved: (t) => ({ ...t, status: 'resolved', tap: TAP, resolution: { by: HANA, at: '2026-10-05T11:10:00.000Z', note: 'Passkey added.' } }),
    'sign-in looked for': (t) => ({ ...t, signInRelook: { nextAt: '2026-10-05T10:05:00.000Z', done: false } }) as Ticket,
  };
  it.each<MessagesLanguage>([...LANGUAGES, PSEUDO_LANGUAGE])('%s: every state passes the checker and has its own title', (language) => {
    const m = messagesFor(language);
    for (const user of users) {
      for (const [state, make] of Object.entries(states)) {
        const card = ticketCard(make(ticketOf(user)), OPTIONS, m);
        expect({ state, user: user.displayName, problems: cardProblems(card, null) }).toEqual({ state, user: user.displayName, problems: [] });
        expect((card.body?.[0] as { text: string }).text).toBe(m.t('ticketCard.title', { id: 'PK-7Q3D' }));
      }
    }
  });

  it('is English by default, the same card as with the English messages', () => {
    for (const user of users) {
      const t = { ...ticketOf(user), tap: TAP };
      expect(ticketCard(t, OPTIONS)).toEqual(ticketCard(t, OPTIONS, english()));
    }
    expect(textOf(ticketCard(ticketOf(blocked), OPTIONS))).toContain('Taken by Hana Kim');
  });
});

describe('a ticket card too long for Teams', () => {
  it('is trimmed with the mark and the note in the help desk’s language', () => {
    const long = { ...ticketOf(users[0]), transcript: Array.from({ length: 30 }, (_, i) => `said: ${i} ${'Es fragt immer noch nach einem Passkey. '.repeat(100)}`) };
    const de = messagesFor('de');
    const text = words(ticketCard(long, OPTIONS, de));
    expect(text).toContain(de.t('common.trimmed.noteTicket'));
    expect(text).toContain(de.t('common.trimmed.mark'));
    expect(text).not.toContain(english().t('common.trimmed.noteTicket'));
  });
});
