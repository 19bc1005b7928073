// A durable job scheduler: jobs are written to the store before they are acknowledged, so a
// restart loses nothing; a tick runs every job that is due (clock injected for tests).
//
// Delivery rules, shared by every implementation (embedded here, Azure Storage for scale-out):
// - a job runs on one instance at a time: it is claimed (persisted) before its handler runs and
//   removed when the handler returns;
// - a handler that throws is retried with backoff (its error kept), up to MAX_ATTEMPTS;
// - a job whose claimant died mid-run is re-run only if its kind was registered idempotent
//   (removing a group member); otherwise (sending a message) it is set aside as "uncertain" and
//   logged, never sent twice.

export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  dueAt: string;
  payload: P;
  attempts: number;
  lastError?: string;
  /** Set while an instance runs the job. */
  claimedBy?: string;
  claimedAt?: string;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface HandlerOptions {
  /** Safe to run twice (so a run interrupted by a crash is simply run again). */
  idempotent?: boolean;
}

/** What the rest of the bot needs from a scheduler. */
export interface JobScheduler {
  on(kind: string, handler: JobHandler, options?: HandlerOptions): void;
  /** Adds (or replaces, by id) a job; resolves once it is durably stored. */
  schedule(job: Omit<Job, 'attempts'>): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Cancels every job whose id starts with the prefix (e.g. all notices of one ticket). */
  cancelPrefix(prefix: string): Promise<void>;
  pending(): Promise<Job[]>;
  /** Runs every due job once. */
  tick(): Promise<void>;
  start(intervalMs: number): void;
  stop(): void;
}


export const MAX_ATTEMPTS = 8;

/** Backoff after a failed run: 30 s, 1 min, 2 min, ... capped at 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** (attempts - 1));
}
