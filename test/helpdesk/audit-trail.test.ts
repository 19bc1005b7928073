// The audit trail under attack and under failure: forged actions cannot fill the disk (fields
// are bounded, refusals are rate-limited per actor with one summary line), and one failed write
// neither breaks the help desk nor leaves the trail behind for good. Real Graph emulator and
// embedded store; the clock is injected.
import { mkdirSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { openTicket, startRig, type Rig } from './rig';

const T0 = Date.parse('2026-10-05T10:00:00Z');
let clock = T0;
const now = () => new Date(clock);
let rig: Rig;

beforeEach(async () => {
  clock = T0;
  rig = await startRig({ now });
});
afterEach(async () => {
  await rig.stop();
});

describe('forged actions', () => {
  it('50 forged actions with 900 KB ticket ids write a few KB: ten lines, then one summary line with the count', async () => {
    const p = rig.start();
    const lena = rig.person('lena'); // not a help-desk agent
    const forged = `PK-${'X'.repeat(900_000)}`;
    for (let i = 0; i < 50; i++) {
      const r = await p.desk.act(forged, lena, 'issueTap', { tapLifetime: 60 });
      expect(r.outcome).toBe('refused');
      expect(r.message.length).toBeLessThan(200);
    }
    expect(rig.auditBytes()).toBeLessThan(8_000);
    const written = rig.audit();
    expect(written).toHaveLength(10);
    for (const e of written) expect(JSON.stringify(e).length).toBeLessThan(600);

    // The next minute, the count of what was not written one by one is written, once.
    clock = T0 + 60_000;
    await p.desk.act('PK-ZZZZ', lena, 'take');
    const summary = rig.audit().filter((e) => e.action === 'refused-attempts');
    expect(summary).toEqual([
      expect.objectContaining({ actor: { aadObjectId: lena.aadObjectId, name: 'Lena Fischer' }, outcome: 'refused', suppressed: 40, detail: expect.stringMatching(/^40 more refused attempts by Lena Fischer between 10:00 and 10:01 UTC.*issueTap ×40/) }),
    ]);
    expect(rig.auditBytes()).toBeLessThan(10_000);
  });

  it('a non-agent hammering a real ticket is rate-limited too, and an agent acting meanwhile is always written', async () => {
    const p = rig.start();
    const ticket = await openTicket(p.desk, rig.person('tom'));
    const lena = rig.person('lena');
    for (let i = 0; i < 30; i++) expect((await p.desk.act(ticket.id, lena, 'grantExemption', { exemptionHours: 1 })).outcome).toBe('refused');
    expect((await p.desk.act(ticket.id, rig.person('hana'), 'take')).outcome).toBe('done');
    const entries = rig.audit();
    expect(entries.filter((e) => e.actor.name === 'Lena Fischer')).toHaveLength(10);
    expect(entries).toContainEqual(expect.objectContaining({ action: 'take', outcome: 'done', actor: expect.objectContaining({ name: 'Hana Kim' }) }));
  });
});

describe('a failed audit write', () => {
  it('is reported on the ticket, the card and to the agent, and the next write recovers the trail', async () => {
    const p = rig.start();
    const hana = rig.person('hana');
    const ticket = await openTicket(p.desk, rig.person('tom'));
    const auditPath = join(rig.dataDir, 'audit.jsonl');
    // The audit file cannot be written (here: a directory in its place; a full disk alike).
    renameSync(auditPath, `${auditPath}.aside`);
    mkdirSync(auditPath);

    const taken = await p.desk.act(ticket.id, hana, 'take');
    expect(taken.outcome).toBe('done');
    expect(taken.message).toMatch(/^Hana Kim took the ticket\. The audit log could not record this at 10:00 UTC \(.*EISDIR.*\); the bot keeps the entry and writes it with the next one/);
    const afterFailure = (await p.desk.ticket(ticket.id))!;
    expect(afterFailure).toMatchObject({ status: 'taken', auditPending: { since: '2026-10-05T10:00:00.000Z', lines: ['Hana Kim took the ticket'] } });
    expect(p.notifier.lines.at(-1)?.line).toMatch(/Hana Kim took the ticket\. The audit log could not record this/);

    // The disk is back: the next action writes the kept line first, then its own.
    rmdirSync(auditPath);
    renameSync(`${auditPath}.aside`, auditPath);
    clock = T0 + 5 * 60_000;
    expect((await p.desk.act(ticket.id, hana, 'resolve', { note: 'TAP worked' })).outcome).toBe('done');
    expect((await p.desk.act(ticket.id, hana, 'resolve')).outcome).toBe('already-done'); // runs after the catch-up note
    const trail = rig.audit().filter((e) => e.ticketId === ticket.id);
    expect(trail.map((e) => [e.action, e.outcome, e.writtenLate])).toEqual([
      ['open', 'done', undefined],
      ['take', 'done', '2026-10-05T10:05:00.000Z'],
      ['resolve', 'done', undefined],
      ['resolve', 'already-done', undefined],
    ]);
    const final = (await p.desk.ticket(ticket.id))!;
    expect(final.auditPending).toBeUndefined();
    expect(final.history.map((h) => h.text)).toContainEqual('The audit log caught up at 10:05 UTC: the entries it could not write since 10:00 UTC are recorded now');
  });

  it('keeps the unwritten line across a restart', async () => {
    const a = rig.start();
    const ticket = await openTicket(a.desk, rig.person('tom'));
    const auditPath = join(rig.dataDir, 'audit.jsonl');
    renameSync(auditPath, `${auditPath}.aside`);
    mkdirSync(auditPath);
    await a.desk.act(ticket.id, rig.person('hana'), 'take');
    rmdirSync(auditPath);
    renameSync(`${auditPath}.aside`, auditPath);

    const b = rig.start(); // a new process on the same data
    await b.desk.act(ticket.id, rig.person('hana'), 'resolve');
    expect(rig.audit().filter((e) => e.ticketId === ticket.id).map((e) => e.action)).toEqual(['open', 'take', 'resolve']);
  });
});
