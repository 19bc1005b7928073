// A campaign's first notice leaves as soon as its own job is ready: the embedded scheduler's tick
// starts its handlers one after another, so the first reaches its send before the others have done
// their set-up (reading the campaign and the conversation reference), and the tick keeps up to its
// concurrency of handlers under way, oldest first.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedScheduler } from '../../src/scheduler/embedded-scheduler';

const T0 = Date.parse('2026-10-05T10:00:00Z');

function campaignLike(concurrency: number, jobs: number) {
  const scheduler = new EmbeddedScheduler(join(mkdtempSync(join(tmpdir(), 'pksb-pacing-')), 'scheduler.jsonl'), () => new Date(T0), () => undefined, concurrency);
  const events: string[] = [];
  const network: (() => void)[] = [];
  let underWay = 0;
  let mostUnderWay = 0;
  scheduler.on('campaign.notice', async (job) => {
    events.push(`set-up ${job.id}`);
    // The handler's own reads: a few awaits of work that is already there.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    events.push(`send ${job.id}`);
    underWay++;
    mostUnderWay = Math.max(mostUnderWay, underWay);
    await new Promise<void>((resolve) => network.push(resolve)); // the send's network wait
    underWay--;
  });
  return {
    scheduler,
    events,
    mostUnderWay: () => mostUnderWay,
    async schedule() {
      for (let i = 0; i < jobs; i++) await scheduler.schedule({ id: `n${String(i).padStart(2, '0')}`, kind: 'campaign.notice', dueAt: new Date(T0 - 1000 + i).toISOString(), payload: {} });
    },
    /** Answers every send under way, until the tick is done. */
    async drain(tick: Promise<void>) {
      let done = false;
      void tick.then(() => (done = true));
      while (!done) {
        await new Promise((r) => setImmediate(r));
        for (const answer of network.splice(0)) answer();
      }
    },
  };
}

describe('the embedded scheduler feeding a campaign', () => {
  it('the first notice is on its way before the other handlers start their set-up', async () => {
    const c = campaignLike(8, 20);
    await c.schedule();
    const tick = c.scheduler.tick();
    await c.drain(tick);
    expect(c.events.slice(0, 3)).toEqual(['set-up n00', 'send n00', 'set-up n01']);
    // Oldest first, every job once.
    expect(c.events.filter((e) => e.startsWith('send')).map((e) => e.slice(5))).toEqual(Array.from({ length: 20 }, (_, i) => `n${String(i).padStart(2, '0')}`));
  });

  it('keeps up to its concurrency of sends under way, never more', async () => {
    const c = campaignLike(8, 40);
    await c.schedule();
    const tick = c.scheduler.tick();
    // Let the workers start without answering any send: all eight are waiting on the network.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(c.mostUnderWay()).toBe(8);
    await c.drain(tick);
    expect(c.mostUnderWay()).toBe(8);
    expect(await c.scheduler.pending()).toEqual([]);
  });
});
