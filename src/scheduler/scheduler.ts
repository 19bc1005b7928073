// A durable job scheduler: jobs are written to the store before they are acknowledged, so a
// restart loses nothing; a tick runs every job that is due (clock injected for tests).
//
// Delivery rules, shared by every implementation (embedded here, Azure Storage for scale-out):
// - a job runs on one instance at a time: it is claimed (persisted) before its handler runs and
//   removed when the handler returns;
// - a handler that throws is retried with backoff (its error kept), up to MAX_ATTEMPTS — except
//   a kind registered retryUntilDone (a security control such as removing an exemption), which is
//   retried with backoff (capped at SECURITY_RETRY_CAP_MS) until it succeeds, however long;
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
  /**
   * A security control (removing an exemption, revoking a pass): never dropped after
   * MAX_ATTEMPTS; retried with backoff, at most SECURITY_RETRY_CAP_MS apart, until it succeeds.
   */
  retryUntilDone?: boolean;
}

/** What the rest of the bot needs from a scheduler. */
export interface JobScheduler {
  on(kind: string, handler: JobHandler, options?: HandlerOptions): void;
  /** Adds (or replaces, by id) a job; resolves once it is durably stored. */
  schedule(job: Omit<Job, 'attempts'>): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Cancels every job whose id starts with the prefix (e.g. all notices of one ticket). */
  cancelPrefix(prefix: string): Promise<void>;
  /** Jobs waiting or running (of one kind, when given). */
  pending(kind?: string): Promise<Job[]>;
  /** Runs every due job once. */
  tick(): Promise<void>;
  start(intervalMs: number): void;
  stop(): void;
}


export const MAX_ATTEMPTS = 8;

/** Longest wait between two runs of a retryUntilDone job. */
export const SECURITY_RETRY_CAP_MS = 15 * 60_000;

/**
 * Backoff after a failed run: 30 s, 1 min, 2 min, ... capped at 1 h (15 min for a retryUntilDone
 * kind, so a security control that keeps failing is still tried four times an hour).
 */
export function retryDelayMs(attempts: number, options: HandlerOptions = {}): number {
  const cap = options.retryUntilDone ? SECURITY_RETRY_CAP_MS : 3_600_000;
  return Math.min(cap, 30_000 * 2 ** Math.min(30, attempts - 1));
}

/** Whether a failed run is the last one (the job is dropped). */
export function givesUp(attempts: number, options: HandlerOptions = {}): boolean {
  return !options.retryUntilDone && attempts >= MAX_ATTEMPTS;
}
