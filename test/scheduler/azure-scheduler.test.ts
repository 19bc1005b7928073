// AzureScheduler against Azurite (a real Table and Queue service on loopback, never a mock).
// The clock is injected; maxRealDelaySeconds 0 lets every tick see every message and decide by
// the injected clock, as the real delay is only an optimisation. Nothing here sleeps and hopes:
// where real time must pass (the queue's own delay, the heartbeat), the test polls for the
// outcome; races are made to happen in a chosen order (barriers, a proxy that holds a request).
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { AzureScheduler, type AzureSchedulerOptions } from '../../src/scheduler/azure-scheduler';
import { MAX_ATTEMPTS, retryDelayMs, type Job } from '../../src/scheduler/scheduler';
import { describeWithAzurite, startAzurite, type Azurite } from '../helpers/azurite';
import { startGateProxy, type GateProxy } from '../helpers/gate-proxy';
import { until } from '../helpers/time';

const describeAzure = describeWithAzurite(); // skipped locally without Azurite; fails under CI

const T0 = Date.parse('2030-01-07T09:00:00.000Z');
const MIN = 60_000;

class Clock {
  constructor(public t = T0) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

describeAzure('AzureScheduler on Azurite', () => {
  let azurite: Azurite;
  let counter = 0;
  const open: AzureScheduler[] = [];

  beforeAll(async () => {
    azurite = await startAzurite();
  }, 120_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await azurite?.stop();
  });

  /** A fresh table and queue for one test. */
  function storage(): { tableName: string; queueName: string } {
    counter += 1;
    const id = `${Date.now().toString(36)}${counter}`;
    return { tableName: `jobs${id}`, queueName: `jobs-${id}` };
  }

  async function scheduler(
    where: { tableName: string; queueName: string },
    clock: Clock,
    extra: Partial<AzureSchedulerOptions> = {},
  ): Promise<AzureScheduler> {
    const s = await AzureScheduler.create({
      connectionString: azurite.connectionString,
      ...where,
      now: clock.now,
      maxRealDelaySeconds: 0,
      ...extra,
    });
    open.push(s);
    return s;
  }

  function tableOf(where: { tableName: string }): TableClient {
    return TableClient.fromConnectionString(azurite.connectionString, where.tableName, { allowInsecureConnection: true });
  }

  function queueOf(where: { queueName: string }): QueueClient {
    return new QueueClient(azurite.connectionString, where.queueName);
  }

  async function entityOf(where: { tableName: string }, id: string): Promise<Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string }> {
    for await (const e of tableOf(where).listEntities<Record<string, unknown>>()) {
      if (e.jobId === id) return e as Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string };
    }
    throw new Error(`no entity for ${id}`);
  }

  it('runs a job once, on the first tick at or after its due time, never before', async () => {
    const where = storage();
    const clock = new Clock();
    const s = await scheduler(where, clock);
    const runs: Job[] = [];
    s.on('notice', async (job) => {
      runs.push(job);
    });

    await s.schedule({ id: 'ticket-1/notice', kind: 'notice', dueAt: new Date(T0 + 10 * MIN).toISOString(), payload: { text: 'hello' } });
    expect((await s.pending()).map((j) => j.id)).toEqual(['ticket-1/notice']);

    await s.tick();
    clock.advance(10 * MIN - 1);
    await s.tick();
    expect(runs).toHaveLength(0);

    clock.advance(1);
    await s.tick();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: 'ticket-1/notice', kind: 'notice', payload: { text: 'hello' }, attempts: 0, claimedBy: s.instanceId });

    clock.advance(MIN);
    await s.tick();
    await s.tick();
    expect(runs).toHaveLength(1);
    expect(await s.pending()).toEqual([]);
    expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('with real queue delays (production settings) the queue itself hides a job until it is due', async () => {
    const where = storage();
    const clock = new Clock();
    const s = await scheduler(where, clock, { maxRealDelaySeconds: undefined }); // real delays, up to 7 days
    const runs: string[] = [];
    s.on('notice', async (job) => {
      runs.push(job.id);
    });

    // Due in an hour: its message is sent hidden for 3,600 s of real time.
    await s.schedule({ id: 'later', kind: 'notice', dueAt: new Date(T0 + 60 * MIN).toISOString(), payload: {} });
    expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0);
    clock.advance(60 * MIN); // due by the scheduler's clock, but the queue has not shown it yet
    await s.tick();
    expect(runs).toEqual([]); // (with maxRealDelaySeconds 0 this tick would have run it)

    // Due in 1 s: hidden for 1 s of real time, then shown and run. Poll for that outcome (the
    // bound only turns a hang into a failure); how long the queue took is not the question.
    await s.schedule({ id: 'soon', kind: 'notice', dueAt: new Date(clock.t + 1000).toISOString(), payload: {} });
    clock.advance(1000);
    await until(async () => {
      await s.tick();
      return runs.length > 0;
    }, 'the queue to show the job due in 1 s');
    expect(runs).toEqual(['soon']);
    expect((await s.pending()).map((j) => j.id)).toEqual(['later']);
  });

  it('scheduling an id again replaces the job (the old message is dropped)', async () => {
    const where = storage();
    const clock = new Clock();
    const s = await scheduler(where, clock);
    const runs: Job[] = [];
    s.on('notice', async (job) => {
      runs.push(job);
    });
    await s.schedule({ id: 'n', kind: 'notice', dueAt: new Date(T0 + MIN).toISOString(), payload: { v: 1 } });
    await s.schedule({ id: 'n', kind: 'notice', dueAt: new Date(T0 + 2 * MIN).toISOString(), payload: { v: 2 } });
    clock.advance(MIN);
    await s.tick();
    expect(runs).toHaveLength(0);
    clock.advance(MIN);
    await s.tick();
    await s.tick();
    expect(runs.map((j) => j.payload)).toEqual([{ v: 2 }]);
    expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('retries a failing handler after the backoff and gives up after MAX_ATTEMPTS', async () => {
    const where = storage();
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const s = await scheduler(where, clock, { log: (e) => events.push(e) });
    const calls: Job[] = [];
    s.on('notice', async (job) => {
      calls.push(job);
      throw new Error(`Teams said no (${calls.length})`);
    });
    await s.schedule({ id: 'flaky', kind: 'notice', dueAt: new Date(T0).toISOString(), payload: {} });

    await s.tick();
    expect(calls).toHaveLength(1);
    let [pending] = await s.pending();
    expect(pending).toMatchObject({ attempts: 1, lastError: 'Teams said no (1)', dueAt: new Date(T0 + 30_000).toISOString() });
    expect(pending.claimedBy).toBeUndefined();

    clock.advance(30_000 - 1);
    await s.tick();
    expect(calls).toHaveLength(1); // not before the backoff

    clock.advance(1);
    await s.tick();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ attempts: 1, lastError: 'Teams said no (1)' });

    for (let attempt = 2; attempt < MAX_ATTEMPTS; attempt++) {
      [pending] = await s.pending();
      expect(pending.attempts).toBe(attempt);
      clock.advance(retryDelayMs(attempt));
      await s.tick();
      expect(calls).toHaveLength(attempt + 1);
    }
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect(await s.pending()).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ event: 'job.gave_up', job: 'flaky', attempts: MAX_ATTEMPTS }));

    clock.advance(2 * 3_600_000);
    await s.tick();
    expect(calls).toHaveLength(MAX_ATTEMPTS);
    expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('a handler that fails then succeeds is done', async () => {
    const where = storage();
    const clock = new Clock();
    const s = await scheduler(where, clock);
    let calls = 0;
    s.on('remove', async () => {
      calls += 1;
      if (calls < 3) throw new Error('Graph 503');
    });
    await s.schedule({ id: 'r', kind: 'remove', dueAt: new Date(T0).toISOString(), payload: {} });
    await s.tick();
    clock.advance(retryDelayMs(1));
    await s.tick();
    clock.advance(retryDelayMs(2));
    await s.tick();
    clock.advance(retryDelayMs(3));
    await s.tick();
    expect(calls).toBe(3);
    expect(await s.pending()).toEqual([]);
  });

  it('cancel and cancelPrefix remove jobs (ids with characters keys do not allow)', async () => {
    const where = storage();
    const clock = new Clock();
    const s = await scheduler(where, clock);
    const runs: string[] = [];
    s.on('notice', async (job) => {
      runs.push(job.id);
    });
    const ids = ['ticket-1/a', 'ticket-1/b#2', 'ticket-1/ü?\\%', 'ticket-10/a', 'ticket-2/a', 'solo', "o'brien\u0001"];
    for (const id of ids) await s.schedule({ id, kind: 'notice', dueAt: new Date(T0 + MIN).toISOString(), payload: {} });
    expect((await s.pending()).map((j) => j.id).sort()).toEqual([...ids].sort());

    await s.cancel('solo');
    await s.cancel('never-scheduled');
    await s.cancelPrefix('ticket-1/');
    expect((await s.pending()).map((j) => j.id).sort()).toEqual(["o'brien\u0001", 'ticket-10/a', 'ticket-2/a']);

    clock.advance(MIN);
    await s.tick();
    expect(runs.sort()).toEqual(["o'brien\u0001", 'ticket-10/a', 'ticket-2/a']);
    await s.tick();
    expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0); // the cancelled jobs' messages are dropped
  });

  it('a restart between schedule and due still runs the job once', async () => {
    const where = storage();
    const clock = new Clock();
    const first = await scheduler(where, clock, { instanceId: 'first' });
    await first.schedule({ id: 'after-restart', kind: 'notice', dueAt: new Date(T0 + 5 * MIN).toISOString(), payload: { n: 1 } });
    await first.tick();
    await first.close();

    clock.advance(5 * MIN);
    const second = await scheduler(where, clock, { instanceId: 'second' });
    const runs: Job[] = [];
    second.on('notice', async (job) => {
      runs.push(job);
    });
    await second.tick();
    await second.tick();
    expect(runs.map((j) => [j.id, j.claimedBy])).toEqual([['after-restart', 'second']]);
  });

  it('two instances ticking together run each of 200 due jobs exactly once', async () => {
    const where = storage();
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const a = await scheduler(where, clock, { instanceId: 'a', log: (e) => events.push(e) });
    const b = await scheduler(where, clock, { instanceId: 'b', log: (e) => events.push(e) });
    const count = new Map<string, number>();
    const by = { a: 0, b: 0 };
    // No handler finishes before both instances have started one: whichever claims first holds at
    // most `concurrency` (4) jobs until the other claims one of the 196 others, so both take part
    // every time, however the two ticks happen to be scheduled.
    let bothRunning!: () => void;
    const rendezvous = new Promise<void>((resolve) => (bothRunning = resolve));
    for (const [name, s] of [['a', a], ['b', b]] as const) {
      s.on('notice', async (job) => {
        count.set(job.id, (count.get(job.id) ?? 0) + 1);
        by[name] += 1;
        if (by.a > 0 && by.b > 0) bothRunning();
        await rendezvous;
      });
    }
    const ids = Array.from({ length: 200 }, (_, i) => `job-${i}`);
    // Each job gets a second message right after its own (a bare {id}, as an at-least-once queue
    // or the sweep may leave), so the same job is read as pending by two workers at once and
    // only the ETag claim keeps them apart.
    const queue = queueOf(where);
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id, j) => {
          await ((i + j) % 2 ? a : b).schedule({ id, kind: 'notice', dueAt: new Date(T0 + MIN).toISOString(), payload: { i: i + j } });
          await queue.sendMessage(JSON.stringify({ id }));
        }),
      );
    }

    clock.advance(MIN);
    const drain = async (s: AzureScheduler) => {
      for (let i = 0; i < 100 && count.size < ids.length; i++) await s.tick();
    };
    await Promise.all([drain(a), drain(b), drain(a)]);
    await Promise.all([a.tick(), b.tick()]);

    expect(count.size).toBe(200);
    expect([...count.values()].every((n) => n === 1)).toBe(true);
    expect(by.a + by.b).toBe(200);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === 'job.error')).toEqual([]);
    expect(await a.pending()).toEqual([]);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
  }, 120_000);

  it('two instances that read the same pending job at once: the ETag claim lets exactly one run it', async () => {
    // Instance a reaches Table storage through a proxy that holds its claim until b has claimed
    // the same job and is running it; both read the job as pending with the same ETag, so a's
    // claim must fail with 412, every time (no luck involved).
    const where = storage();
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    let claimArrived!: () => void;
    const aClaimSent = new Promise<void>((resolve) => (claimArrived = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let answered!: (status: number) => void;
    const aClaimAnswered = new Promise<number>((resolve) => (answered = resolve));
    const isClaim = (body: string) => body.includes('"state":"claimed"');
    let held = false;
    const proxy: GateProxy = await startGateProxy({
      targetPort: azurite.ports.table,
      hold: (request) => {
        if (held || !isClaim(request.body)) return undefined;
        held = true;
        claimArrived();
        return gate;
      },
      answered: (request, status) => {
        if (isClaim(request.body)) answered(status);
      },
    });
    try {
      const viaProxy = azurite.connectionString.replace(`:${azurite.ports.table}/`, `:${proxy.port}/`);
      const a = await scheduler(where, clock, { instanceId: 'a', connectionString: viaProxy, log: (e) => events.push({ ...e, by: 'a' }) });
      const b = await scheduler(where, clock, { instanceId: 'b', log: (e) => events.push({ ...e, by: 'b' }) });
      const runs: [string, string][] = [];
      a.on('notice', async (job) => {
        runs.push([job.id, 'a']);
      });
      b.on('notice', async (job) => {
        runs.push([job.id, 'b']);
        release(); // a's claim goes through now, while b holds the job
        await aClaimAnswered;
      });

      await a.schedule({ id: 'contested', kind: 'notice', dueAt: new Date(T0).toISOString(), payload: {} });
      const aTick = a.tick(); // receives the job's message, reads it pending, sends its claim: held
      await aClaimSent;
      // A second message for the same job (as an at-least-once queue or the sweep may leave), so b
      // reads it too, still pending, with the same ETag a read.
      await queueOf(where).sendMessage(JSON.stringify({ id: 'contested', token: (await entityOf(where, 'contested')).token }));
      await Promise.all([aTick, b.tick()]);

      expect(runs).toEqual([['contested', 'b']]);
      expect(await aClaimAnswered).toBe(412); // Precondition Failed: b's claim changed the ETag a read
      expect(events).toContainEqual(expect.objectContaining({ event: 'job.claim_lost', job: 'contested', by: 'a' }));
      expect(events.filter((e) => e.event === 'job.error')).toEqual([]);
      expect(await b.pending()).toEqual([]);
      await Promise.all([a.tick(), b.tick()]);
      expect((await queueOf(where).peekMessages()).peekedMessageItems).toHaveLength(0);
    } finally {
      release();
      await Promise.all(open.splice(0).map((s) => s.close()));
      await proxy.close();
    }
  });

  it('an interrupted run: idempotent kinds run again once, others are set aside as uncertain', async () => {
    const where = storage();
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const s = await scheduler(where, clock, { instanceId: 'alive', log: (e) => events.push(e) });
    const runs: Job[] = [];
    s.on('send', async (job) => {
      runs.push(job);
    });
    s.on('remove', async (job) => {
      runs.push(job);
    }, { idempotent: true });
    await s.schedule({ id: 'send-1', kind: 'send', dueAt: new Date(T0).toISOString(), payload: {} });
    await s.schedule({ id: 'remove-1', kind: 'remove', dueAt: new Date(T0).toISOString(), payload: {} });

    // A dead instance claimed both just now (it crashed mid-run).
    const table = tableOf(where);
    for (const id of ['send-1', 'remove-1']) {
      const e = await entityOf(where, id);
      await table.updateEntity({ partitionKey: e.partitionKey, rowKey: e.rowKey, state: 'claimed', claimedBy: 'dead', claimedAt: new Date(T0 - 1000).toISOString() }, 'Merge', { etag: e.etag });
    }
    await s.tick();
    expect(runs).toHaveLength(0); // the claims are younger than a lease: maybe still running
    expect((await s.pending()).map((j) => [j.id, j.claimedBy])).toEqual([['remove-1', 'dead'], ['send-1', 'dead']]);

    clock.advance(5 * MIN);
    await s.tick();
    await s.tick();
    expect(runs.map((j) => [j.id, j.attempts, j.claimedBy])).toEqual([['remove-1', 0, 'alive']]);
    expect(await s.pending()).toEqual([]);
    const uncertain = await s.uncertain();
    expect(uncertain.map((j) => [j.id, j.claimedBy])).toEqual([['send-1', 'dead']]);
    expect(events).toContainEqual(expect.objectContaining({ event: 'job.uncertain', job: 'send-1', claimedBy: 'dead' }));
    expect((await entityOf(where, 'send-1')).state).toBe('uncertain');

    clock.advance(60 * MIN);
    await s.tick();
    await s.tick();
    expect(runs).toHaveLength(1); // never sent
  });

  it('a long run keeps its claim fresh, so another instance does not take it for dead', async () => {
    const where = storage();
    const clock = new Clock();
    const runner = await scheduler(where, clock, { instanceId: 'runner', leaseSeconds: 1, receiveVisibilitySeconds: 1 });
    const other = await scheduler(where, clock, { instanceId: 'other', leaseSeconds: 1, receiveVisibilitySeconds: 1 });
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      runner.on('send', () => {
        resolve();
        return new Promise<void>((r) => (release = r));
      });
    });
    const otherRuns: string[] = [];
    other.on('send', async (job) => {
      otherRuns.push(job.id);
    });
    await runner.schedule({ id: 'slow', kind: 'send', dueAt: new Date(T0).toISOString(), payload: {} });
    const running = runner.tick();
    await started;
    const e = await entityOf(where, 'slow');
    await queueOf(where).sendMessage(JSON.stringify({ id: 'slow', token: e.token })); // the other instance gets to look

    try {
      clock.advance(5_000); // the claim is now older than the 1 s lease...
      // ...until the runner's heartbeat (every 333 ms of real time) refreshes it to the clock's now.
      const refreshed = new Date(clock.t).toISOString();
      await until(async () => (await entityOf(where, 'slow')).claimedAt === refreshed, "the runner's heartbeat to refresh its claim");
      await other.tick();
      expect(otherRuns).toEqual([]);
      expect((await entityOf(where, 'slow')).state).toBe('claimed');
    } finally {
      release();
      await running;
    }
    expect(await runner.pending()).toEqual([]);
    expect(await runner.uncertain()).toEqual([]);
  });

  it('a job whose message was lost is sent a new one after a lease (sweep)', async () => {
    const where = storage();
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const s = await scheduler(where, clock, { log: (e) => events.push(e) });
    const runs: string[] = [];
    s.on('notice', async (job) => {
      runs.push(job.id);
    });
    await s.schedule({ id: 'orphan', kind: 'notice', dueAt: new Date(T0 + MIN).toISOString(), payload: {} });
    await queueOf(where).clearMessages(); // as if the process died between the table write and the send

    clock.advance(MIN);
    await s.tick();
    expect(runs).toEqual([]);
    clock.advance(5 * MIN + 1);
    await s.tick(); // the sweep finds it overdue by more than a lease
    await s.tick();
    expect(runs).toEqual(['orphan']);
    expect(events).toContainEqual(expect.objectContaining({ event: 'job.requeued', job: 'orphan' }));
  });

  it('leaves a job of an unknown kind for an instance that knows it', async () => {
    const where = storage();
    const clock = new Clock();
    const old = await scheduler(where, clock, { instanceId: 'old' });
    await old.schedule({ id: 'x', kind: 'new-kind', dueAt: new Date(T0).toISOString(), payload: {} });
    await old.tick();
    expect((await old.pending()).map((j) => j.id)).toEqual(['x']);
    const current = await scheduler(where, clock, { instanceId: 'new' });
    const runs: string[] = [];
    current.on('new-kind', async (job) => {
      runs.push(job.id);
    });
    await current.tick();
    expect(runs).toEqual(['x']);
  });
});
