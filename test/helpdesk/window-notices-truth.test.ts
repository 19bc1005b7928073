// Window notices never say "your Temporary Access Pass works now" about a pass whose value the
// requester never received: here Graph created the pass but its answer never reached the bot, and
// deleting it failed, so it stays in Graph (the card tells the agent to delete it). The scan for
// passes issued outside the bot finds it; no notice about it reaches the requester. Real Graph
// emulator, embedded store and scheduler; the clock is injected and the scheduler ticked by hand.
import type { AdaptiveCard } from '../../src/cards';
import { deleteTemporaryAccessPass } from '../../src/graph';
import { WindowNotices } from '../../src/notices/window-notices';
import { cardText } from '../http/helpers';
import { openTicket, startRig, type Rig } from './rig';

const T0 = Date.parse('2026-10-05T10:00:00Z');
let clock = T0;
const now = () => new Date(clock);

let rig: Rig;
beforeEach(async () => {
  clock = T0;
  rig = await startRig({ now, graphTimeoutMs: 1000 });
});
afterEach(async () => {
  await rig.stop();
});

it('a pass created while the bot lost Graph\'s answer (and could not delete it) gets no notice at all', async () => {
  const tom = rig.person('tom');
  for (const t of rig.taps('tom')) await deleteTemporaryAccessPass(rig.graph.client, tom.aadObjectId, t.id);
  const p = rig.start();
  const ticket = await openTicket(p.desk, tom);
  rig.graph.emulator!.answerLateNext(1, 30_000, { method: 'POST', pathContains: 'temporaryAccessPassMethods' });
  rig.graph.emulator!.failNext(1, 500, { pathContains: 'temporaryAccessPassMethods/' }); // the deletion of the pass it created
  const r = await p.desk.act(ticket.id, rig.person('hana'), 'issueTap', { tapLifetime: 60 });
  expect(r.message).toMatch(/Graph created a Temporary Access Pass but its answer never arrived .*and deleting it failed/);
  expect(rig.taps('tom')).toHaveLength(1);
  expect((await p.desk.ticket(ticket.id))!.unknownTap).toMatchObject({ afterCrash: true });

  const sent: { notice: string; title: string }[] = [];
  const notices = new WindowNotices({
    graph: rig.graph.client,
    scheduler: p.scheduler,
    store: rig.storage,
    now,
    watchedUsers: async () => [{ userId: tom.aadObjectId, ticketId: ticket.id }],
    sender: {
      toUser: async (_userId: string, card: AdaptiveCard, notice: string) => {
        sent.push({ notice, title: cardText(card).split('\n')[0] });
        return 'sent';
      },
    },
    tickets: p.desk,
  });
  await notices.startScanning();
  await p.scheduler.tick(); // the scan finds the pass and schedules its notices
  expect((await p.scheduler.pending()).map((j) => j.kind)).toEqual(expect.arrayContaining(['tap.start', 'tap.reminder', 'tap.end']));
  for (const at of ['2026-10-05T10:00:30Z', '2026-10-05T10:45:00Z', '2026-10-05T11:00:00Z']) {
    clock = Date.parse(at);
    await p.scheduler.tick();
  }
  expect(sent).toEqual([]);
  expect((await p.scheduler.pending()).filter((j) => ['tap.start', 'tap.reminder', 'tap.end'].includes(j.kind))).toEqual([]);
});
