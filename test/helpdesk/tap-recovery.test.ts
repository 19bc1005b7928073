// A Temporary Access Pass is issued once and always recorded, even when the bot dies mid-way or
// Graph's answer never arrives. Real Graph emulator, embedded store and scheduler; the clock is
// injected and the scheduler ticked by hand; a "crash" is a process that never gets further
// (its Graph answer held back, or its delivery never returning) and a new one on the same data.
import { ticketCardFor } from '../../src/helpdesk/ticket-card';
import { cardText } from '../http/helpers';
import { openTicket, startRig, type Rig } from './rig';

const T0 = Date.parse('2026-10-05T10:00:00Z');
let clock = T0;
const now = () => new Date(clock);
const TAP_POST = { method: 'POST', pathContains: 'temporaryAccessPassMethods' };

/** Waits (in small steps) for something another party does; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not met');
}

describe('the bot dies after Graph created the pass', () => {
  let rig: Rig;
  beforeEach(async () => {
    clock = T0;
    rig = await startRig({ now });
  });
  afterEach(async () => {
    await rig.stop();
  });

  it('reports the pass on the card and in the thread, and the next click does not create a second one', async () => {
    const tom = rig.person('tom');
    const hana = rig.person('hana');
    const a = rig.start();
    const ticket = await openTicket(a.desk, tom);
    const before = new Set(rig.taps('tom').map((t) => t.id));

    // Graph creates the pass, and the process dies before its answer arrives.
    rig.graph.emulator!.answerLateNext(1, 600_000, TAP_POST);
    const dying = a.desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60 }).catch(() => undefined);
    await until(() => rig.taps('tom').some((t) => !before.has(t.id)));
    const [created] = rig.taps('tom').filter((t) => !before.has(t.id));

    // A new process on the same data directory.
    clock = T0 + 10_000;
    const b = rig.start();
    clock = T0 + 2 * 60_000;
    await b.scheduler.tick();
    const line = b.notifier.lines.find((l) => l.ticketId === ticket.id)?.line ?? '';
    expect(line).toMatch(/Graph already holds a Temporary Access Pass for Tom Becker that this ticket did not issue \(created 10:00 UTC, valid until 11:00 UTC\), probably the one the bot was creating when it stopped; it was not replaced/);
    const stored = (await b.desk.ticket(ticket.id))!;
    expect(cardText(await ticketCardFor(b.desk, stored, now))).toMatch(/Graph holds a Temporary Access Pass for Tom Becker that this ticket did not issue .*If Tom Becker does not have it, delete it in the Entra admin center/);
    expect(rig.audit()).toContainEqual(expect.objectContaining({ action: 'checkTap', ticketId: ticket.id, outcome: 'refused' }));

    // The agent clicks again: told what they can do, and no second, different pass.
    const again = await b.desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60 });
    expect(again.outcome).toBe('refused');
    expect(again.message).toMatch(/Tom Becker already has a Temporary Access Pass \(created 10:00 UTC, valid until 11:00 UTC\) that this ticket did not issue .*I did not replace it\. .*delete it in the Entra admin center .*then press "Issue a TAP" again/);
    expect(rig.taps('tom').map((t) => t.id)).toEqual([created.id]);
    expect(b.notifier.deliveries).toEqual([]);

    // Once it is deleted (as the card says), a new pass is issued and delivered, once.
    await rig.graph.client.api(`/users/${tom.aadObjectId}/authentication/temporaryAccessPassMethods/${created.id}`).delete();
    const issued = await b.desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60 });
    expect(issued.outcome).toBe('done');
    expect(rig.taps('tom')).toHaveLength(1);
    expect(b.notifier.deliveries).toHaveLength(1);

    await rig.graph.close(); // releases the dead process's held answer
    await dying;
  });

  it('a process that dies while sending the pass leaves it recorded, and the card says delivery is unconfirmed', async () => {
    const tom = rig.person('tom');
    const a = rig.start();
    const ticket = await openTicket(a.desk, tom);
    let release: () => void = () => undefined;
    a.notifier.deliverGate = new Promise<void>((r) => (release = r));
    const dying = a.desk.act(ticket.id, rig.person('hana'), 'issueTap', { tapLifetime: 60 });
    await until(() => rig.audit().some((e) => e.action === 'issueTap' && e.outcome === 'done'));

    // Recorded before the value went anywhere: the ticket and the audit know the pass, never its value.
    const b = rig.start();
    const recorded = (await b.desk.ticket(ticket.id))!;
    expect(recorded.tap).toMatchObject({ start: '2026-10-05T10:00:00.000Z', end: '2026-10-05T11:00:00.000Z', delivery: 'sending' });
    expect(rig.audit()).toContainEqual(expect.objectContaining({ action: 'issueTap', outcome: 'done', detail: 'Hana Kim issued a Temporary Access Pass (10:00–11:00 UTC)' }));

    clock = T0 + 2 * 60_000;
    await b.scheduler.tick();
    expect(b.notifier.lines.map((l) => l.line)).toContainEqual(expect.stringMatching(/stopped while sending the Temporary Access Pass to Tom Becker; it may not have arrived/));
    const card = cardText(await ticketCardFor(b.desk, (await b.desk.ticket(ticket.id))!, now));
    expect(card).toMatch(/delivery not confirmed/);
    // Still one pass; a click is "already done", not a second pass.
    expect((await b.desk.act(ticket.id, rig.person('hana'), 'issueTap', { tapLifetime: 60 })).outcome).toBe('already-done');
    expect(rig.taps('tom')).toHaveLength(1);

    release();
    await dying;
  });
});

describe('a create request that timed out', () => {
  let rig: Rig;
  beforeEach(async () => {
    clock = T0;
    rig = await startRig({ now, graphTimeoutMs: 1000 });
  });
  afterEach(async () => {
    await rig.stop();
  });

  it('is checked against Graph before the agent is told: the pass it created is deleted, and the agent can issue again', async () => {
    const tom = rig.person('tom');
    const hana = rig.person('hana');
    const p = rig.start();
    const ticket = await openTicket(p.desk, tom);
    rig.graph.emulator!.answerLateNext(1, 30_000, TAP_POST);

    const r = await p.desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60 });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/Graph created a Temporary Access Pass but its answer never arrived \(Graph: no answer in time\); the bot never had its value, so it deleted it: nothing was issued\. You can press "Issue a TAP" again/);
    expect(rig.taps('tom')).toEqual([]);
    const stored = (await p.desk.ticket(ticket.id))!;
    expect(stored.tap).toBeUndefined();
    expect(stored.history.map((h) => h.text)).toContainEqual(expect.stringMatching(/answer never arrived/));
    expect(p.notifier.lines.map((l) => l.line)).toContainEqual(expect.stringMatching(/answer never arrived/));
    expect(rig.audit()).toContainEqual(expect.objectContaining({ action: 'issueTap', outcome: 'failed', detail: expect.stringMatching(/answer never arrived/) }));

    const again = await p.desk.act(ticket.id, hana, 'issueTap', { tapLifetime: 60 });
    expect(again.outcome).toBe('done');
    expect(rig.taps('tom')).toHaveLength(1);
    expect(p.notifier.deliveries).toHaveLength(1);
  });
});
