// A help desk configured in German (HELPDESK_LOCALE=de-DE, HELPDESK_TIMEZONE=Europe/Berlin), end to
// end on the Graph emulator: the agents' replies, the ticket's history and thread lines, and the
// ticket card are German, with times on the desk's clock naming the zone; the requester's name and
// the tenant's group names are kept as written. English when no language is configured.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoHelpDesk, rebaseDemoClock } from '../../src/demo/demo-tenant';
import { HelpDesk } from '../../src/helpdesk/helpdesk';
import { ticketCardFor } from '../../src/helpdesk/ticket-card';
import { TicketStore } from '../../src/helpdesk/ticket-store';
import { languageOfLocale, messagesFor, type Messages } from '../../src/i18n';
import { EmbeddedScheduler } from '../../src/scheduler/embedded-scheduler';
import { loadSnapshotFile } from '../../src/snapshot';
import { FileAuditLog } from '../../src/storage/audit-log';
import { FileStorage } from '../../src/storage/file-storage';
import { connectGraph, type GraphConnection } from '../../src/support/graph-connection';
import type { Person } from '../../src/tickets/ticket';
import { words } from '../cards/check-card';
import { RecordingNotifier } from './rig';

const ROOT = resolve(__dirname, '..', '..');
const T0 = Date.parse('2026-10-05T10:00:00Z');
const now = () => new Date(T0);
let graph: GraphConnection;
let storage: FileStorage;

async function deskIn(messages?: Messages) {
  const snapshot = loadSnapshotFile(join(ROOT, 'fixtures', 'demo-tenant.json'), { prepare: (json) => rebaseDemoClock(json, now()) });
  graph = await connectGraph({ snapshot, emulatorNow: now, tenantId: snapshot.tenant.id, timeoutMs: 120_000, maxRetries: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-desk-lang-'));
  storage = new FileStorage(dataDir);
  const { groupId, exemptionGroupId } = demoHelpDesk(snapshot);
  const notifier = new RecordingNotifier();
  const desk = new HelpDesk({
    graph: graph.client,
    tenantFacts: graph.tenantFacts,
    tickets: new TicketStore(storage),
    audit: new FileAuditLog(join(dataDir, 'audit.jsonl')),
    scheduler: new EmbeddedScheduler(join(dataDir, 'scheduler.jsonl'), now),
    notifier,
    now,
    helpDeskGroupId: groupId!,
    exemptionGroupId,
    timeZone: 'Europe/Berlin',
    ...(messages ? { messages } : {}),
  });
  const user = (name: string) => snapshot.users.find((u) => String(u.mail).startsWith(`${name}@`))!;
  const person = (name: string): Person => ({ aadObjectId: user(name).id as string, name: user(name).displayName as string });
  return { desk, notifier, person };
}

afterEach(async () => {
  await graph.close();
  await storage.close();
});

describe('a help desk with HELPDESK_LOCALE=de-DE', () => {
  it('answers agents, writes its lines and draws the card in German, on the desk’s clock', async () => {
    const de = messagesFor(languageOfLocale('de-DE'));
    const { desk, notifier, person } = await deskIn(de);
    const tom = person('tom');
    const ticket = await desk.open({ requester: tom, reason: 'requestTap', diagnosis: null, errorIds: {}, transcript: [] });
    expect(ticket.history[0].text).toBe(`${tom.name} hat um Hilfe gebeten (einen Befristeten Zugriffspass)`);

    // A requester is no agent: refused in German.
    const lena = person('lena');
    expect((await desk.act(ticket.id, lena, 'take')).message).toBe('Nur Mitglieder der Helpdesk-Gruppe können Tickets bearbeiten. Ihr Versuch wurde protokolliert.');
    expect((await desk.act('PK-ZZZZ', lena, 'take')).message).toBe('Es gibt kein Ticket PK-ZZZZ.');

    const hana = person('hana');
    expect((await desk.act(ticket.id, hana, 'take')).outcome).toBe('done');
    expect(notifier.lines.map((l) => l.line)).toContain(`${hana.name} hat das Ticket übernommen`);
    const again = await desk.act(ticket.id, hana, 'take');
    expect(again).toMatchObject({ outcome: 'already-done', message: `Die Übernahme dieses Tickets wurde bereits von ${hana.name} um 12:00 MESZ erledigt.` });

    const issued = await desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60, tapOneTime: true });
    expect(issued.outcome).toBe('done');
    const tapLine = notifier.lines.map((l) => l.line).find((l) => l.startsWith(`${hana.name} hat einen Befristeten Zugriffspass ausgestellt`));
    expect(tapLine).toMatch(/\(12:00–13:00 MESZ, einmalige Verwendung\)/);

    const card = await ticketCardFor(desk, (await desk.ticket(ticket.id))!, now, de);
    const text = words(card);
    expect(text).toContain(`Passkey-Ticket ${ticket.id}`);
    expect(text).toContain(`Übernommen von ${hana.name}`);
    expect(text).toContain(`TAP ausgestellt 12:00–13:00 MESZ von ${hana.name}, einmalige Verwendung`);
    expect(text).toContain('Verlauf');
  });

  it('writes what the requester says back in German, and refuses a stranger in the stranger’s language', async () => {
    const de = messagesFor('de');
    const { desk, notifier, person } = await deskIn(de);
    const lena = person('lena');
    const ticket = await desk.open({ requester: lena, reason: 'contactHelpDesk', diagnosis: null, errorIds: {}, transcript: [] });
    const wrote = await desk.followUp(ticket.id, lena, 'Es fragt immer noch nach einem Passkey');
    expect(wrote.outcome).toBe('done');
    // Checked again on the emulator: Lena is still blocked by the pilot policy, named as written.
    expect(wrote.message).toMatch(/^Lena Fischer schrieb: „Es fragt immer noch nach einem Passkey“ \(gerade geprüft: weiterhin blockiert – .*„Passkey pilot: passkey in Authenticator everywhere“.*\)$/);
    expect((await desk.requesterAnswer(ticket.id, lena, false)).message).toBe('Lena Fischer hat das Ticket wieder geöffnet: Es funktioniert immer noch nicht');
    expect((await desk.requesterAnswer(ticket.id, lena, true)).message).toBe('Lena Fischer hat bestätigt, dass es funktioniert');
    expect(notifier.lines.map((l) => l.line)).toContain('Lena Fischer hat bestätigt, dass es funktioniert');
    // Someone else answering on Lena's ticket is refused in their own language (French here).
    const refused = await desk.requesterAnswer(ticket.id, person('tom'), true, messagesFor('fr'));
    expect(refused.outcome).toBe('refused');
    expect(refused.message).toBe(messagesFor('fr').t('requesterCards.reply.notYours'));
    expect(refused.message).not.toBe(messagesFor('en').t('requesterCards.reply.notYours'));
    // The bot closing it when the passkey shows up says so in German too.
    await desk.requesterAnswer(ticket.id, lena, false);
    await desk.resolveByBot(ticket.id);
    expect(notifier.lines.map((l) => l.line)).toContain('Automatisch gelöst: Die Person hat einen Passkey in Microsoft Authenticator registriert.');
  });

  it('stays English without a language, word for word', async () => {
    const { desk, notifier, person } = await deskIn();
    const tom = person('tom');
    const ticket = await desk.open({ requester: tom, reason: 'requestTap', diagnosis: null, errorIds: {}, transcript: [] });
    expect(ticket.history[0].text).toBe(`${tom.name} asked for help (a Temporary Access Pass)`);
    expect((await desk.act(ticket.id, person('lena'), 'take')).message).toBe('Only members of the help-desk group can act on tickets. Your attempt was recorded.');
    await desk.act(ticket.id, person('hana'), 'take');
    expect(notifier.lines.map((l) => l.line)).toContain('Hana Kim took the ticket');
    // The reply's time is on the desk's clock, named.
    expect((await desk.act(ticket.id, person('hana'), 'take')).message).toBe('Taking this ticket was already done by Hana Kim at 12:00 CEST.');
  });
});
