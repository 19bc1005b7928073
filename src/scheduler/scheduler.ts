// A durable job scheduler: jobs are written to the store before they are acknowledged, so a
// restart loses nothing; a tick runs every job that is due (clock injected for tests). One job
// runs at most once at a time; a failed run is retried with backoff and its error kept.
import { KeyedMutex, type KeyValueStore } from '../storage/key-value';

export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  dueAt: string;
  payload: P;
  attempts: number;
  lastError?: string;
}

export type JobHandler = (job: Job) => Promise<void>;

const KEY = 'scheduler/jobs';
const MAX_ATTEMPTS = 8;

export class DurableScheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => Date,
    private readonly log: (event: Record<string, unknown>) => void = () => undefined,
  ) {}

  on(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Adds (or replaces, by id) a job; resolves once it is stored. */
  async schedule(job: Omit<Job, 'attempts'>): Promise<void> {
    await this.update((jobs) => [...jobs.filter((j) => j.id !== job.id), { ...job, attempts: 0 }]);
  }

  async cancel(id: string): Promise<void> {
    await this.update((jobs) => jobs.filter((j) => j.id !== id));
  }

  async pending(): Promise<Job[]> {
    return this.load();
  }

  /** Runs every due job once; serialised so two ticks never run the same job together. */
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
    const now = this.now().getTime();
    const due = (await this.load()).filter((j) => Date.parse(j.dueAt) <= now);
    for (const job of due) {
      const handler = this.handlers.get(job.kind);
      if (!handler) continue;
      try {
        await handler(job);
        await this.update((jobs) => jobs.filter((j) => j.id !== job.id));
        this.log({ event: 'job.done', job: job.id, kind: job.kind });
      } catch (e) {
        const attempts = job.attempts + 1;
        const message = (e as Error).message;
        this.log({ event: 'job.failed', job: job.id, kind: job.kind, attempts, error: message });
        // Exponential backoff from 30 s, then give up (the error stays visible on the ticket).
        const retryAt = new Date(now + Math.min(3_600_000, 30_000 * 2 ** (attempts - 1))).toISOString();
        await this.update((jobs) =>
          attempts >= MAX_ATTEMPTS
            ? jobs.filter((j) => j.id !== job.id)
            : jobs.map((j) => (j.id === job.id ? { ...j, attempts, lastError: message, dueAt: retryAt } : j)),
        );
      }
    }
  }

  private async load(): Promise<Job[]> {
    const items = await this.store.read([KEY]);
    return ((items[KEY]?.jobs as Job[] | undefined) ?? []).slice();
  }

  private update(change: (jobs: Job[]) => Job[]): Promise<void> {
    return this.mutex.run(KEY, async () => {
      const items = await this.store.read([KEY]);
      const jobs = (items[KEY]?.jobs as Job[] | undefined) ?? [];
      await this.store.write({ [KEY]: { jobs: change(jobs), eTag: items[KEY]?.eTag ?? '*' } });
    });
  }
}
