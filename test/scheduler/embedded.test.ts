import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedScheduler } from '../../src/scheduler/embedded-scheduler';

const T0 = Date.parse('2026-10-05T10:00:00Z');
const journal = () => join(mkdtempSync(join(tmpdir(), 'pksb-sched-')), 'scheduler.jsonl');

function setup(path = journal(), start = T0) {
  let clock = start;
  const runs: string[] = [];
  const scheduler = new EmbeddedScheduler(path, () => new Date(clock));
  scheduler.on('notice', async (job) => void runs.push(job.id));
  return { scheduler, runs, path, at: (ms: number) => (clock = ms) };
}

describe('the embedded scheduler', () => {
  it('runs a job once, on the first tick at or after it is due', async () => {
    const s = setup();
    await s.scheduler.schedule({ id: 'n1', kind: 'notice', dueAt: new Date(T0 + 60_000).toISOString(), payload: {} });
    await s.scheduler.tick();
    expect(s.runs).toEqual([]);
    s.at(T0 + 60_000);
    await s.scheduler.tick();
    await s.scheduler.tick();
    expect(s.runs).toEqual(['n1']);
    expect(await s.scheduler.pending()).toEqual([]);
  });

  it('survives a restart between scheduling and sending', async () => {
    const a = setup();
    await a.scheduler.schedule({ id: 'n1', kind: 'notice', dueAt: new Date(T0 + 60_000).toISOString(), payload: { user: 'u' } });
    await a.scheduler.schedule({ id: 'n2', kind: 'notice', dueAt: new Date(T0 + 120_000).toISOString(), payload: {} });
    await a.scheduler.cancel('n2');
    const b = setup(a.path, T0 + 61_000); // a new process on the same data directory
    await b.scheduler.tick();
    expect(b.runs).toEqual(['n1']);
  });

  it('never sends twice after a crash mid-send, but re-runs an idempotent job', async () => {
    const path = journal();
    let clock = T0;
    const a = new EmbeddedScheduler(path, () => new Date(clock));
    // Both handlers hang (the process "dies" while sending); each says when it has started, and a
    // handler starts only once its claim is in the journal.
    const started = new Set<string>();
    let bothStarted!: () => void;
    const claimed = new Promise<void>((resolve) => (bothStarted = resolve));
    const hang = async (job: { id: string }) => {
      started.add(job.id);
      if (started.size === 2) bothStarted();
      await new Promise(() => undefined);
    };
    a.on('notice', hang);
    a.on('removal', hang, { idempotent: true });
    await a.schedule({ id: 'send-1', kind: 'notice', dueAt: new Date(T0).toISOString(), payload: {} });
    await a.schedule({ id: 'remove-1', kind: 'removal', dueAt: new Date(T0).toISOString(), payload: {} });
    void a.tick(); // claims both and hangs in their handlers
    await claimed;

    clock = T0 + 1000;
    const sent: string[] = [];
    const b = new EmbeddedScheduler(path, () => new Date(clock));
    b.on('notice', async (job) => void sent.push(job.id));
    b.on('removal', async (job) => void sent.push(job.id), { idempotent: true });
    await b.tick();
    expect(sent).toEqual(['remove-1']);
    expect((await b.uncertain()).map((j) => j.id)).toEqual(['send-1']);
  });

  it('retries a failing job with backoff and keeps its error', async () => {
    const s = setup();
    let fail = true;
    s.scheduler.on('flaky', async () => {
      if (fail) throw new Error('connector said 503');
    });
    await s.scheduler.schedule({ id: 'f1', kind: 'flaky', dueAt: new Date(T0).toISOString(), payload: {} });
    await s.scheduler.tick();
    const [job] = await s.scheduler.pending();
    expect(job).toMatchObject({ attempts: 1, lastError: 'connector said 503', dueAt: new Date(T0 + 30_000).toISOString() });
    fail = false;
    s.at(T0 + 29_000);
    await s.scheduler.tick();
    expect(await s.scheduler.pending()).toHaveLength(1);
    s.at(T0 + 30_000);
    await s.scheduler.tick();
    expect(await s.scheduler.pending()).toHaveLength(0);
  });

  it('keeps 10,000 jobs cheaply (one appended line each)', async () => {
    const s = setup();
    for (let i = 0; i < 10_000; i++) await s.scheduler.schedule({ id: `c-${i}`, kind: 'notice', dueAt: new Date(T0).toISOString(), payload: {} });
    await s.scheduler.tick();
    expect(new Set(s.runs).size).toBe(10_000);
    const again = setup(s.path);
    expect(await again.scheduler.pending()).toHaveLength(0);
  });
});
