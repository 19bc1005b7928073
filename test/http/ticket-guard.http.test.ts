// Ticket card actions at the Teams edge: a refresh shows the ticket only to the help desk and the
// requester, and a ticket id that is not shaped like one (PK- and four letters/digits) is refused
// before the help desk, the ticket store or the audit log see it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newTicketId } from '../../src/tickets/ticket';
import { TICKET_ID } from '../../src/teams/bot';
import { cardOf, cardText, persona, startHarness, submitData, TENANT_ID, type Harness } from './helpers';

const CHANNEL = 'help-desk-channel';
let h: Harness;
const logs: Record<string, unknown>[] = [];
let ticketId: string;

beforeAll(async () => {
  h = await startHarness({ now: () => new Date('2026-10-05T10:00:00Z'), log: (e) => logs.push(e) });
  const [diagnosis] = await h.say('tom', { text: 'my TAP expired, Android 15, on the phone itself' });
  const before = h.connector.sent.length;
  await h.say('tom', { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 2);
  const confirmation = h.connector.sent.slice(before).find((s) => s.conversationId === 'personal-tom')!;
  ticketId = /PK-[A-Z0-9]{4}/.exec(cardText(cardOf(confirmation.activity)))![0];
});
afterAll(async () => {
  await h.stop();
});

function cardAction(as: string, verb: string, data: Record<string, unknown>, conversation: Record<string, unknown> = { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true }) {
  const user = persona(as);
  return h.invoke({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `guard-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
    recipient: { id: 'bot-id' },
    conversation,
    channelData: { tenant: { id: TENANT_ID } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'automatic' },
  });
}

const audit = () => (existsSync(join(h.dataDir, 'audit.jsonl')) ? readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8') : '');

describe('ticket.refresh', () => {
  it('shows the whole ticket to a help-desk agent and to the requester', async () => {
    const agent = await cardAction('hana', 'ticket.refresh', { ticketId });
    expect(agent.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(agent.body.value)).toContain('Tom Becker');
    const requester = await cardAction('tom', 'ticket.refresh', { ticketId }, { id: 'personal-tom', conversationType: 'personal', tenantId: TENANT_ID });
    expect(cardText(requester.body.value)).toContain(ticketId);
  });

  it('shows nothing of it to anyone else, and answers the same whether the ticket exists or not', async () => {
    const lena = { id: 'personal-lena', conversationType: 'personal', tenantId: TENANT_ID };
    const guessed = await cardAction('lena', 'ticket.refresh', { ticketId }, lena);
    expect(guessed.status).toBe(200);
    expect(guessed.body.type).toBe('application/vnd.microsoft.activity.message');
    const text = JSON.stringify(guessed.body);
    expect(text).not.toMatch(/Tom Becker|Wave 1|Android|TAP/);
    const missing = ticketId === 'PK-2222' ? 'PK-3333' : 'PK-2222';
    const absent = await cardAction('lena', 'ticket.refresh', { ticketId: missing }, lena);
    expect(absent.body).toEqual(guessed.body);
  });
});

describe('a ticket id that is not shaped like one', () => {
  const bad: unknown[] = ['', 'PK-7Q3', 'PK-7Q3DX', 'pk-7q3d', 'PK-0O1I', '../PK-7Q3D', ' PK-7Q3D', 'PK-7Q3D\n', { id: 'PK-7Q3D' }, 'PK-' + 'A'.repeat(900_000)];

  it('is refused for every ticket verb before the help desk, the store or the audit log see it', async () => {
    const auditBefore = audit();
    const graphBefore = h.bot.graph.emulator!.requests.length;
    const logsBefore = logs.length;
    for (const verb of ['ticket.refresh', 'ticket.take', 'ticket.issueTap', 'ticket.grantExemption', 'ticket.resolve', 'ticket.reopen']) {
      for (const id of bad) {
        const r = await cardAction('hana', verb, { ticketId: id, tapLifetime: '60' });
        expect(r.status).toBe(200);
        expect(r.body.type).toBe('application/vnd.microsoft.activity.message');
        expect(r.body.value).toMatch(/not a ticket id/i);
        expect(JSON.stringify(r.body).length).toBeLessThan(300);
      }
    }
    expect(audit()).toBe(auditBefore);
    expect(h.bot.graph.emulator!.requests.length).toBe(graphBefore);
    const events = logs.slice(logsBefore);
    expect(events.filter((e) => e.event === 'ticket.action')).toEqual([]);
    expect(JSON.stringify(events).length).toBeLessThan(20_000);
  });

  it('is refused on the Action.Submit path too', async () => {
    const auditBefore = audit();
    const [reply] = await h.say('hana', { value: { verb: 'ticket.take', ticketId: 'PK-' + 'Z'.repeat(900_000) } });
    expect(reply.text).toMatch(/not a ticket id/i);
    expect(audit()).toBe(auditBefore);
  });

  it('accepts every id the help desk makes', () => {
    // The boundary's pattern and newTicketId must agree: all 31 symbols, in every position.
    for (let i = 0; i < 31; i++) expect(newTicketId(() => i / 31)).toMatch(TICKET_ID);
    expect(newTicketId(() => 0.999999)).toMatch(TICKET_ID);
  });
});
