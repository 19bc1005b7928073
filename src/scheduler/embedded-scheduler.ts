// The embedded scheduler for one instance: an append-only journal (JSON lines) under the data
// directory, replayed at start-up and compacted then. Each change is one appended line, so a
// campaign of 10,000 notices costs 10,000 short appends, not 10,000 rewrites of the job list.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { givesUp, retryDelayMs, type HandlerOptions, type Job, type JobHandler, type JobScheduler } from './scheduler';

type Entry =
  | { op: 'schedule'; job: Job }
  | { op: 'claim'; id: string; by: string; at: string }
  | { op: 'retry'; id: string; attempts: number; dueAt: string; lastError: string }
  | { op: 'done' | 'cancel'; id: string }
  | { op: 'uncertain'; id: string };

export class EmbeddedScheduler implements JobScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly handlers = new Map<string, { handler: JobHandler; options: HandlerOptions }>();
  private readonly instance = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  /** Jobs claimed by a process that died, found at start-up. */
  private interrupted: Job[] = [];
  private uncertainJobs: Job[] = [];

  constructor(
    private readonly journal: string,
    private readonly now: () => Date,
    private readonly log: (event: Record<string, unknown>) => void = () => undefined,
    /** Handlers run at once per tick. */
    private readonly concurrency = 16,
  ) {
    mkdirSync(dirname(journal), { recursive: true });
    this.replay();
  }

  on(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
    this.handlers.set(kind, { handler, options });
  }

  async schedule(job: Omit<Job, 'attempts'>): Promise<void> {
    const full: Job = { ...job, attempts: 0 };
    this.append({ op: 'schedule', job: full });
    this.jobs.set(job.id, full);
  }

  async cancel(id: string): Promise<void> {
    if (!this.jobs.has(id)) return;
    this.append({ op: 'cancel', id });
    this.jobs.delete(id);
  }

  async cancelPrefix(prefix: string): Promise<void> {
    for (const id of [...this.jobs.keys()]) if (id.startsWith(prefix)) await this.cancel(id);
  }

  async pending(kind?: string): Promise<Job[]> {
    return [...this.jobs.values()].filter((j) => kind === undefined || j.kind === kind).map((j) => ({ ...j }));
  }

  /** Runs set aside because they were interrupted and are not safe to repeat. */
  async uncertain(): Promise<Job[]> {
    return this.uncertainJobs.slice();
  }

  tick(): Promise<void> {
    this.running = this.running.then(() => this.runDue());
    return this.running;
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
    void this.tick(); // catch up on jobs that fell due while we were down
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async runDue(): Promise<void> {
    this.recoverInterrupted();
    const now = this.now().getTime();
    // Each due time parsed once (a campaign's tick sorts 10,000 jobs: parsing in the comparator
    // held the first send back by a few hundred ms on a busy machine).
    const dueAt: { job: Job; at: number }[] = [];
    for (const job of this.jobs.values()) {
      if (job.claimedBy || !this.handlers.has(job.kind)) continue;
      const at = Date.parse(job.dueAt);
      if (at <= now) dueAt.push({ job, at });
    }
    dueAt.sort((a, b) => a.at - b.at);
    const due = dueAt.map((d) => d.job);
    // Several handlers at once (sends wait on the network and on pacing), oldest first.
    let next = 0;
    const worker = async () => {
      while (next < due.length) await this.runOne(due[next++], now);
    };
    // Started one event-loop turn apart, so the first job reaches its send (its network wait)
    // before the others do their synchronous part: started together, every handler's set-up ran
    // before the first send left, and a 10,000-notice campaign's first message waited seconds.
    const workers: Promise<void>[] = [];
    const count = Math.min(this.concurrency, due.length);
    for (let i = 0; i < count; i++) {
      const w = worker();
      w.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      workers.push(w);
      if (i + 1 < count) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(workers);
  }

  private async runOne(job: Job, now: number): Promise<void> {
    if (!this.jobs.has(job.id)) return; // cancelled by an earlier handler in this tick
    const { handler, options } = this.handlers.get(job.kind)!;
    // Claim first (durably): if we die in the handler, the next start knows the run was interrupted.
    const at = new Date(now).toISOString();
    this.append({ op: 'claim', id: job.id, by: this.instance, at });
    job.claimedBy = this.instance;
    job.claimedAt = at;
    try {
      await handler(job);
      this.append({ op: 'done', id: job.id });
      this.jobs.delete(job.id);
      this.log({ event: 'job.done', job: job.id, kind: job.kind });
    } catch (e) {
      const attempts = job.attempts + 1;
      const lastError = (e as Error).message;
      this.log({ event: 'job.failed', job: job.id, kind: job.kind, attempts, error: lastError });
      if (givesUp(attempts, options)) {
        this.append({ op: 'cancel', id: job.id });
        this.jobs.delete(job.id);
        this.log({ event: 'job.gave_up', job: job.id, kind: job.kind, attempts, error: lastError });
      } else {
        const dueAt = new Date(now + retryDelayMs(attempts, options)).toISOString();
        this.append({ op: 'retry', id: job.id, attempts, dueAt, lastError });
        Object.assign(job, { attempts, dueAt, lastError, claimedBy: undefined, claimedAt: undefined });
      }
    }
  }

  /** Handlers are registered after construction, so interrupted runs are settled on the first tick. */
  private recoverInterrupted(): void {
    for (const job of this.interrupted.splice(0)) {
      if (!this.jobs.has(job.id)) continue;
      if (this.handlers.get(job.kind)?.options.idempotent) {
        job.claimedBy = undefined;
        job.claimedAt = undefined;
        this.append({ op: 'schedule', job });
      } else {
        this.append({ op: 'uncertain', id: job.id });
        this.jobs.delete(job.id);
        this.uncertainJobs.push(job);
        this.log({ event: 'job.uncertain', job: job.id, kind: job.kind, reason: 'interrupted mid-run; not repeated to avoid a double send' });
      }
    }
  }

  private append(entry: Entry): void {
    // Synchronous append: the line is on disk before the caller is told the job is stored.
    appendFileSync(this.journal, `${JSON.stringify(entry)}\n`);
  }

  private replay(): void {
    if (!existsSync(this.journal)) return;
    for (const line of readFileSync(this.journal, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        continue; // a torn last line from a crash mid-append
      }
      switch (e.op) {
        case 'schedule':
          this.jobs.set(e.job.id, { ...e.job });
          break;
        case 'claim': {
          const j = this.jobs.get(e.id);
          if (j) Object.assign(j, { claimedBy: e.by, claimedAt: e.at });
          break;
        }
        case 'retry': {
          const j = this.jobs.get(e.id);
          if (j) Object.assign(j, { attempts: e.attempts, dueAt: e.dueAt, lastError: e.lastError, claimedBy: undefined, claimedAt: undefined });
          break;
        }
        case 'uncertain': {
          const j = this.jobs.get(e.id);
          if (j) this.uncertainJobs.push(j);
          this.jobs.delete(e.id);
          break;
        }
        case 'done':
        case 'cancel':
          this.jobs.delete(e.id);
          break;
      }
    }
    this.interrupted = [...this.jobs.values()].filter((j) => j.claimedBy);
    // Compact: the journal becomes just the live jobs (claims kept, so recovery still sees them).
    const tmp = `${this.journal}.compact`;
    const lines = [...this.jobs.values()].flatMap((job) => {
      const { claimedBy, claimedAt, ...rest } = job;
      const out: Entry[] = [{ op: 'schedule', job: rest as Job }];
      if (claimedBy && claimedAt) out.push({ op: 'claim', id: job.id, by: claimedBy, at: claimedAt });
      return out.map((x) => JSON.stringify(x));
    });
    writeFileSync(tmp, lines.length ? `${lines.join('\n')}\n` : '');
    renameSync(tmp, this.journal);
  }
}
