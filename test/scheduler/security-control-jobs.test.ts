// Security controls in the scheduler (removing an exemption): a kind registered
// { retryUntilDone: true } is never dropped after MAX_ATTEMPTS, by either scheduler. Clocks are
// injected and every tick is driven by hand; Azure runs against Azurite (never a mock).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureScheduler } from '../../src/scheduler/azure-scheduler';
import { EmbeddedScheduler } from '../../src/scheduler/embedded-scheduler';
import { MAX_ATTEMPTS, retryDelayMs, type Job, type JobScheduler } from '../../src/scheduler/scheduler';
import { describeWithAzurite, startAzurite, type Azurite } from '../helpers/azurite';

const T0 = Date.parse('2026-10-05T12:00:00.000Z');
const FAILURES = MAX_ATTEMPTS + 4;
const CAP_MS = 15 * 60_000;

class Clock {
  constructor(public t = T0) {}
  now = (): Date => new Date(this.t);
}

/** Fails FAILURES times, then succeeds; a plain kind beside it gives up as before. */
async function exerciseSecurityControl(s: JobScheduler, clock: Clock, events: Record<string, unknown>[]): Promise<void> {
  const removals: Job[] = [];
  const notices: Job[] = [];
  s.on(
    'removeExemption',
    async (job) => {
      removals.push(job);
      if (removals.length <= FAILURES) throw new Error(`Graph 500 (${removals.length})`);
    },
    { idempotent: true, retryUntilDone: true },
  );
  s.on('notice', async (job) => {
    notices.push(job);
    throw new Error('Teams 500');
  });
  await s.schedule({ id: 'exemption-PK-AAAA', kind: 'removeExemption', dueAt: new Date(T0).toISOString(), payload: { ticketId: 'PK-AAAA' } });
  await s.schedule({ id: 'notice-1', kind: 'notice', dueAt: new Date(T0).toISOString(), payload: {} });

  await s.tick();
  for (let failed = 1; failed <= FAILURES; failed++) {
    const [job] = (await s.pending()).filter((j) => j.kind === 'removeExemption');
    expect(job).toMatchObject({ id: 'exemption-PK-AAAA', attempts: failed, lastError: `Graph 500 (${failed})` });
    // Backoff, but never more than the cap apart: a security control is tried four times an hour.
    const wait = Date.parse(job.dueAt) - clock.t;
    expect(wait).toBe(Math.min(retryDelayMs(failed), CAP_MS));
    clock.t += wait;
    await s.tick();
  }
  expect(removals).toHaveLength(FAILURES + 1);
  expect((await s.pending()).filter((j) => j.kind === 'removeExemption')).toEqual([]);
  expect(events).not.toContainEqual(expect.objectContaining({ event: 'job.gave_up', job: 'exemption-PK-AAAA' }));
  // The ordinary kind still gives up after MAX_ATTEMPTS.
  expect(notices).toHaveLength(MAX_ATTEMPTS);
  expect(events).toContainEqual(expect.objectContaining({ event: 'job.gave_up', job: 'notice-1', attempts: MAX_ATTEMPTS }));
}

describe('security controls in the embedded scheduler', () => {
  it('retries a removal past MAX_ATTEMPTS, at most 15 minutes apart, until it succeeds', async () => {
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const s = new EmbeddedScheduler(join(mkdtempSync(join(tmpdir(), 'pksb-sec-')), 'scheduler.jsonl'), clock.now, (e) => events.push(e));
    await exerciseSecurityControl(s, clock, events);
  });

  it('keeps a failing removal across a restart, with its attempts, and runs it on start', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pksb-sec-')), 'scheduler.jsonl');
    const clock = new Clock();
    const a = new EmbeddedScheduler(path, clock.now);
    a.on('removeExemption', async () => {
      throw new Error('Graph 503');
    }, { idempotent: true, retryUntilDone: true });
    await a.schedule({ id: 'exemption-PK-BBBB', kind: 'removeExemption', dueAt: new Date(T0).toISOString(), payload: {} });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await a.tick();
      clock.t = Date.parse((await a.pending())[0].dueAt);
    }
    expect((await a.pending())[0].attempts).toBe(MAX_ATTEMPTS);

    // A new process on the same journal: start() runs the due job at once, without waiting a tick interval.
    const b = new EmbeddedScheduler(path, clock.now);
    let ran: (job: Job) => void = () => undefined;
    const run = new Promise<Job>((resolve) => (ran = resolve));
    b.on('removeExemption', async (job) => ran(job), { idempotent: true, retryUntilDone: true });
    b.start(3_600_000);
    try {
      expect(await run).toMatchObject({ id: 'exemption-PK-BBBB', attempts: MAX_ATTEMPTS });
      await b.tick();
      expect(await b.pending()).toEqual([]);
    } finally {
      b.stop();
    }
  });
});

describeWithAzurite()('security controls in the Azure scheduler (Azurite)', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 30_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  it('retries a removal past MAX_ATTEMPTS, at most 15 minutes apart, until it succeeds', async () => {
    const clock = new Clock();
    const events: Record<string, unknown>[] = [];
    const id = Date.now().toString(36);
    const s = await AzureScheduler.create({
      connectionString: azurite.connectionString,
      tableName: `sec${id}`,
      queueName: `sec-${id}`,
      now: clock.now,
      maxRealDelaySeconds: 0,
      log: (e) => events.push(e),
    });
    try {
      await exerciseSecurityControl(s, clock, events);
    } finally {
      await s.close();
    }
  });
});
