// The job scheduler for several bot instances sharing one Azure Storage account (the rules are
// those of scheduler.ts; this file only says how Azure Storage carries them out).
//
// - Table storage holds one entity per job (PartitionKey: a hash bucket of the id, RowKey: the
//   escaped id — see azure/keys.ts): kind, dueAt, payload (JSON), attempts, lastError, state
//   (pending | claimed | done | uncertain), claimedBy, claimedAt, and a token that changes with
//   every schedule() of the id.
// - Queue storage signals due jobs: schedule() upserts the entity, then sends {id, token} hidden
//   until the job is due (at most 7 days, or maxRealDelaySeconds; a message that shows up early is
//   hidden again for the rest of the wait, judged by the injected clock). A message whose token is
//   not the entity's any more (the id was scheduled again) or whose entity is gone (cancelled,
//   done) is deleted when seen.
// - tick() receives visible messages in batches of 32, each hidden from the other instances for
//   receiveVisibilitySeconds while this one works on it, and for each due job claims the entity
//   with an ETag-conditional update (412: another instance won, skip). The claim is the lock; the
//   message lease only spares the other instances useless reads. A long run keeps its claim and
//   its message fresh (heartbeat every third of the shorter of the two).
// - Success deletes the entity and the message. A failure sets the entity back to pending with
//   attempts + 1, the error and the backoff of scheduler.ts as the new dueAt, and hides the same
//   message until then; after MAX_ATTEMPTS the job is dropped (like the embedded scheduler),
//   unless its kind is retryUntilDone (a security control): that one is retried until it succeeds.
// - A claim older than leaseSeconds (by the injected clock) is a run whose instance died: an
//   idempotent kind is run again (attempts unchanged, as in the embedded scheduler), any other is
//   set aside as "uncertain" and logged, never run again by the scheduler (see uncertain()).
// - Every leaseSeconds a tick that drained the queue also looks for jobs overdue by more than a
//   lease (a process that died between writing the entity and sending its message) and sends
//   them a new message; a duplicate message is harmless (the claim decides).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { AzureStorageAccess } from '../storage/azure-access';
import { queueClient, tableClient } from '../storage/azure-clients';
import { givesUp, retryDelayMs, type HandlerOptions, type Job, type JobHandler, type JobScheduler } from './scheduler';
import { partitionKeyOf, rowKeyOf, rowKeyRange } from './azure/keys';

export type AzureJobState = 'pending' | 'claimed' | 'done' | 'uncertain';

/** The account (a connection string with Table and Queue endpoints, Azurite's works; or its URL and a managed identity), table and queue. */
export type AzureSchedulerOptions = AzureStorageAccess & {
  tableName: string;
  queueName: string;
  now: () => Date;
  /** Written into claims; unique per running process. Default: host name, pid and a random suffix. */
  instanceId?: string;
  log?: (event: Record<string, unknown>) => void;
  /** A claim older than this (by `now()`) belongs to a run whose instance died. Default 300. */
  leaseSeconds?: number;
  /**
   * Longest real-time delay given to the queue (the queue's own limit is 7 days; later jobs are
   * hidden again when they show up). Default 7 days. Tests with an injected clock use 0, so that
   * every tick sees every message and decides by `now()`.
   */
  maxRealDelaySeconds?: number;
  /** How long a received message stays hidden from other instances while this one works on it. Default 60. */
  receiveVisibilitySeconds?: number;
  /** Messages handled at once within a tick (so handlers of different jobs may overlap). Default 4. */
  concurrency?: number;
};

interface JobEntity {
  partitionKey: string;
  rowKey: string;
  jobId: string;
  kind: string;
  dueAt: string;
  payload: string;
  attempts: number;
  lastError?: string;
  state: AzureJobState;
  claimedBy?: string;
  claimedAt?: string;
  token: string;
}

type StoredJob = TableEntityResult<JobEntity>;

interface Registration {
  handler: JobHandler;
  idempotent: boolean;
  retryUntilDone: boolean;
}

/** A received message and its latest pop receipt (every update of the message changes it). */
interface Held {
  messageId: string;
  popReceipt: string;
  text: string;
}

const MAX_VISIBILITY_SECONDS = 7 * 24 * 3600;
const BATCH_SIZE = 32;
const MAX_BATCHES_PER_TICK = 100;
const MAX_PAYLOAD_CHARS = 32_000; // a string property holds at most 64 KiB (UTF-16)

export class AzureScheduler implements JobScheduler {
  readonly instanceId: string;
  private readonly table: TableClient;
  private readonly queue: QueueClient;
  private readonly now: () => Date;
  private readonly log: (event: Record<string, unknown>) => void;
  private readonly leaseMs: number;
  private readonly maxRealDelaySeconds: number;
  private readonly receiveVisibilitySeconds: number;
  private readonly concurrency: number;
  private readonly handlers = new Map<string, Registration>();
  /** Jobs whose handler runs in this process right now. */
  private readonly running = new Set<string>();
  private timer?: NodeJS.Timeout;
  private tail: Promise<void> = Promise.resolve();
  private lastSweep: number;

  constructor(options: AzureSchedulerOptions) {
    this.now = options.now;
    this.log = options.log ?? (() => undefined);
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.leaseMs = (options.leaseSeconds ?? 300) * 1000;
    this.maxRealDelaySeconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, options.maxRealDelaySeconds ?? MAX_VISIBILITY_SECONDS));
    this.receiveVisibilitySeconds = Math.max(1, Math.round(options.receiveVisibilitySeconds ?? 60));
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.table = tableClient(options, options.tableName);
    this.queue = queueClient(options, options.queueName);
    this.lastSweep = this.now().getTime();
  }

  /** Creates the table and the queue if they are missing, then the scheduler. */
  static async create(options: AzureSchedulerOptions): Promise<AzureScheduler> {
    const scheduler = new AzureScheduler(options);
    await scheduler.table.createTable(); // no-op when it exists
    await scheduler.queue.createIfNotExists();
    return scheduler;
  }

  on(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
    this.handlers.set(kind, { handler, idempotent: options.idempotent === true, retryUntilDone: options.retryUntilDone === true });
  }

  async schedule(job: Omit<Job, 'attempts'>): Promise<void> {
    const due = Date.parse(job.dueAt);
    if (Number.isNaN(due)) throw new Error(`Job ${job.id}: dueAt is not a date: ${job.dueAt}`);
    if (!job.kind) throw new Error(`Job ${job.id}: no kind`);
    const payload = JSON.stringify(job.payload ?? {});
    if (payload.length > MAX_PAYLOAD_CHARS) throw new Error(`Job ${job.id}: payload too large for Azure Table storage (${payload.length} characters)`);
    const entity: JobEntity = {
      partitionKey: partitionKeyOf(job.id),
      rowKey: rowKeyOf(job.id),
      jobId: job.id,
      kind: job.kind,
      dueAt: new Date(due).toISOString(),
      payload,
      attempts: 0,
      state: 'pending',
      token: randomUUID(),
    };
    // Entity first: a message is only ever sent for a stored job (the sweep covers a crash between).
    await this.table.upsertEntity(entity, 'Replace');
    await this.send(entity, due - this.now().getTime());
  }

  async cancel(id: string): Promise<void> {
    await ignoreStatus(this.table.deleteEntity(partitionKeyOf(id), rowKeyOf(id)), 404);
  }

  async cancelPrefix(prefix: string): Promise<void> {
    const { from, to } = rowKeyRange(prefix);
    const found = await this.query(odata`RowKey ge ${from} and RowKey lt ${to}`, ['PartitionKey', 'RowKey', 'jobId']);
    await mapLimit(
      found.filter((e) => e.jobId.startsWith(prefix)),
      8,
      (e) => ignoreStatus(this.table.deleteEntity(e.partitionKey, e.rowKey), 404),
    );
  }

  /** Jobs waiting or running (of one kind, when given), by due time. */
  async pending(kind?: string): Promise<Job[]> {
    const found = await this.query(
      kind === undefined ? `state eq 'pending' or state eq 'claimed'` : odata`kind eq ${kind} and (state eq 'pending' or state eq 'claimed')`,
    );
    return found.map(toJob).sort(byDue);
  }

  /** Jobs set aside because their instance died mid-run (for an operator; cancel() removes one). */
  async uncertain(): Promise<Job[]> {
    const found = await this.query(`state eq 'uncertain'`);
    return found.map(toJob).sort(byDue);
  }

  /** Runs every due job once; ticks of one instance never overlap. Rejects on a storage error. */
  tick(): Promise<void> {
    const run = this.tail.then(() => this.runDue());
    this.tail = run.catch(() => undefined);
    return run;
  }

  start(intervalMs: number): void {
    this.stop();
    const tick = () =>
      void this.tick().catch((e: unknown) => this.log({ event: 'scheduler.tick_failed', error: errorMessage(e) }));
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick(); // catch up on jobs that fell due while we were down
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops the timer and waits for the tick in progress. */
  async close(): Promise<void> {
    this.stop();
    await this.tail;
  }

  // --- tick -------------------------------------------------------------------------------------

  private async runDue(): Promise<void> {
    // Messages hidden again for 0 s come straight back; a batch holding nothing new ends the tick.
    const seen = new Set<string>();
    let drained = false;
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const received = await this.queue.receiveMessages({
        numberOfMessages: BATCH_SIZE,
        visibilityTimeout: this.receiveVisibilitySeconds,
      });
      const items = received.receivedMessageItems;
      if (items.length === 0) {
        drained = true;
        break;
      }
      const anyNew = items.some((m) => !seen.has(m.messageId));
      for (const m of items) seen.add(m.messageId);
      await mapLimit(items, this.concurrency, (m) =>
        this.handleMessage(m).catch((e: unknown) =>
          // The message stays hidden for the rest of its lease, then is seen again.
          this.log({ event: 'job.error', message: m.messageId, error: errorMessage(e) }),
        ),
      );
      if (!anyNew) break;
    }
    // Only when keeping up: with a backlog, overdue jobs are late, not lost.
    if (drained && this.now().getTime() - this.lastSweep >= this.leaseMs) await this.sweep();
  }

  private async handleMessage(message: DequeuedMessageItem): Promise<void> {
    const held: Held = { messageId: message.messageId, popReceipt: message.popReceipt, text: message.messageText };
    const body = parseBody(message.messageText);
    if (!body) {
      this.log({ event: 'job.bad_message', message: message.messageId, text: message.messageText.slice(0, 200) });
      return this.drop(held);
    }
    const entity = await this.read(body.id);
    // Gone (done, cancelled, given up) or scheduled again since (its new message carries the new token).
    if (!entity || (body.token !== undefined && body.token !== entity.token)) return this.drop(held);
    const now = this.now().getTime();

    if (entity.state === 'pending') {
      const due = Date.parse(entity.dueAt);
      if (due > now) return this.hide(held, due - now);
      const registration = this.handlers.get(entity.kind);
      if (!registration) return this.noHandler(entity, held);
      return this.claimAndRun(entity, registration, held, now);
    }

    if (entity.state === 'claimed') {
      const claimedAt = Date.parse(entity.claimedAt ?? '');
      const expires = (Number.isNaN(claimedAt) ? 0 : claimedAt) + this.leaseMs;
      // Running here or on a live instance: look again when the claim would have expired.
      if (this.running.has(entity.jobId) || expires > now) return this.hide(held, Math.max(expires - now, 1000));
      const registration = this.handlers.get(entity.kind);
      if (!registration) return this.noHandler(entity, held);
      if (registration.idempotent) {
        this.log({ event: 'job.interrupted', job: entity.jobId, kind: entity.kind, claimedBy: entity.claimedBy, claimedAt: entity.claimedAt, rerun: true });
        return this.claimAndRun(entity, registration, held, now);
      }
      return this.setUncertain(entity, held);
    }

    return this.drop(held); // done or uncertain: nothing to run
  }

  private async claimAndRun(entity: StoredJob, registration: Registration, held: Held, now: number): Promise<void> {
    const claimedAt = new Date(now).toISOString();
    let etag: string;
    try {
      const claim = { partitionKey: entity.partitionKey, rowKey: entity.rowKey, state: 'claimed', claimedBy: this.instanceId, claimedAt };
      const response = await this.table.updateEntity(claim, 'Merge', { etag: entity.etag });
      etag = requireEtag(response.etag);
    } catch (e) {
      if (statusOf(e) === 404) return this.drop(held); // cancelled meanwhile
      if (statusOf(e) === 412) {
        // Another instance claimed it first (its own message stays until it is done, and comes
        // back if it dies), or the job was scheduled again (with a new message): skip this one.
        this.log({ event: 'job.claim_lost', job: entity.jobId, kind: entity.kind });
        return this.drop(held);
      }
      throw e;
    }

    const job: Job = { ...toJob(entity), claimedBy: this.instanceId, claimedAt };
    this.running.add(entity.jobId);
    const heartbeat = this.startHeartbeat(entity, etag, held);
    let failure: unknown;
    let failed = false;
    try {
      await registration.handler(job);
    } catch (e) {
      failed = true;
      failure = e;
    } finally {
      await heartbeat.stop();
      this.running.delete(entity.jobId);
    }

    if (!failed) {
      // Conditional: if the id was scheduled again while this ran, the new job stays.
      await ignoreStatus(this.table.deleteEntity(entity.partitionKey, entity.rowKey, { etag: heartbeat.etag }), 404, 412);
      await this.drop(heartbeat.held);
      this.log({ event: 'job.done', job: job.id, kind: job.kind });
      return;
    }

    const failedAttempts = entity.attempts + 1;
    const error = errorMessage(failure);
    this.log({ event: 'job.failed', job: job.id, kind: job.kind, attempts: failedAttempts, error });
    if (givesUp(failedAttempts, registration)) return this.giveUp(entity, heartbeat.etag, heartbeat.held, failedAttempts, error);

    const failedAt = this.now().getTime();
    const retryAt = failedAt + retryDelayMs(failedAttempts, registration);
    const retry: JobEntity = {
      partitionKey: entity.partitionKey,
      rowKey: entity.rowKey,
      jobId: entity.jobId,
      kind: entity.kind,
      dueAt: new Date(retryAt).toISOString(),
      payload: entity.payload,
      attempts: failedAttempts,
      lastError: error,
      state: 'pending',
      token: entity.token,
    };
    try {
      await this.table.updateEntity(retry, 'Replace', { etag: heartbeat.etag });
    } catch (e) {
      // Cancelled or scheduled again while it ran: the retry is moot.
      if (statusOf(e) === 404 || statusOf(e) === 412) return this.drop(heartbeat.held);
      throw e;
    }
    if (!(await this.tryHide(heartbeat.held, this.realDelay(retryAt - failedAt)))) await this.send(retry, retryAt - failedAt);
  }

  private async giveUp(entity: StoredJob, etag: string, held: Held, attempts: number, error: string): Promise<void> {
    await ignoreStatus(this.table.deleteEntity(entity.partitionKey, entity.rowKey, { etag }), 404, 412);
    await this.drop(held);
    this.log({ event: 'job.gave_up', job: entity.jobId, kind: entity.kind, attempts, error });
  }

  private async setUncertain(entity: StoredJob, held: Held): Promise<void> {
    try {
      await this.table.updateEntity(
        {
          partitionKey: entity.partitionKey,
          rowKey: entity.rowKey,
          state: 'uncertain',
          lastError: `interrupted: ${entity.claimedBy ?? 'an instance'} stopped mid-run; not run again (kind not idempotent)`,
        },
        'Merge',
        { etag: entity.etag },
      );
    } catch (e) {
      if (statusOf(e) === 404) return this.drop(held);
      if (statusOf(e) === 412) return this.hide(held, 0); // changed meanwhile: look again
      throw e;
    }
    this.log({ event: 'job.uncertain', job: entity.jobId, kind: entity.kind, claimedBy: entity.claimedBy, claimedAt: entity.claimedAt });
    await this.drop(held);
  }

  private async noHandler(entity: StoredJob, held: Held): Promise<void> {
    // Maybe another instance (a newer version) knows the kind: leave the job to it.
    this.log({ event: 'job.no_handler', job: entity.jobId, kind: entity.kind });
    await this.hide(held, this.leaseMs);
  }

  /**
   * Sends new messages for jobs of kinds handled here that are overdue by more than a lease, or
   * claimed more than two leases ago (their message was lost), while the queue is drained.
   */
  private async sweep(): Promise<void> {
    const now = this.now().getTime();
    this.lastSweep = now;
    const overdue = new Date(now - this.leaseMs).toISOString();
    const stale = new Date(now - 2 * this.leaseMs).toISOString();
    const found = await this.query(
      odata`(state eq 'pending' and dueAt lt ${overdue}) or (state eq 'claimed' and claimedAt lt ${stale})`,
    );
    for (const entity of found.filter((e) => this.handlers.has(e.kind))) {
      this.log({ event: 'job.requeued', job: entity.jobId, kind: entity.kind, state: entity.state });
      await this.send(entity, 0);
    }
  }

  // --- storage ----------------------------------------------------------------------------------

  private async read(id: string): Promise<StoredJob | undefined> {
    try {
      return await this.table.getEntity<JobEntity>(partitionKeyOf(id), rowKeyOf(id));
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  private async query(filter: string, select?: string[]): Promise<StoredJob[]> {
    const out: StoredJob[] = [];
    for await (const entity of this.table.listEntities<JobEntity>({ queryOptions: { filter, select } })) out.push(entity);
    return out;
  }

  private async send(entity: Pick<JobEntity, 'jobId' | 'token'>, delayMs: number): Promise<void> {
    await this.queue.sendMessage(JSON.stringify({ id: entity.jobId, token: entity.token }), {
      visibilityTimeout: this.realDelay(delayMs),
      messageTimeToLive: -1, // never expires (a 7-day TTL could not outlive a 7-day delay)
    });
  }

  /** Hides a held message until the job may need a look again (real delay capped by maxRealDelaySeconds). */
  private async hide(held: Held, delayMs: number): Promise<void> {
    await this.tryHide(held, this.realDelay(delayMs));
  }

  /** Sets a held message's visibility; false when it is no longer ours (deleted, or received elsewhere). */
  private async tryHide(held: Held, seconds: number): Promise<boolean> {
    try {
      const response = await this.queue.updateMessage(held.messageId, held.popReceipt, held.text, seconds);
      if (response.popReceipt) held.popReceipt = response.popReceipt;
      return true;
    } catch (e) {
      if (messageLost(e)) return false;
      throw e;
    }
  }

  private async drop(held: Held): Promise<void> {
    try {
      await this.queue.deleteMessage(held.messageId, held.popReceipt);
    } catch (e) {
      if (!messageLost(e)) throw e;
    }
  }

  private realDelay(delayMs: number): number {
    return Math.min(this.maxRealDelaySeconds, Math.max(0, Math.ceil(delayMs / 1000)));
  }

  /** Keeps a long run's claim (claimedAt) and its message lease fresh until stop(). */
  private startHeartbeat(entity: StoredJob, etag: string, held: Held): { readonly etag: string; held: Held; stop(): Promise<void> } {
    let current = etag;
    let claimLost = false;
    let messageLost = false;
    let beating: Promise<void> = Promise.resolve();
    const beat = async (): Promise<void> => {
      if (!claimLost) {
        try {
          const refresh = { partitionKey: entity.partitionKey, rowKey: entity.rowKey, claimedAt: this.now().toISOString() };
          current = requireEtag((await this.table.updateEntity(refresh, 'Merge', { etag: current })).etag);
        } catch (e) {
          claimLost = true; // cancelled or scheduled again: the end of the run sees it too
          this.log({ event: 'job.claim_lost', job: entity.jobId, kind: entity.kind, error: errorMessage(e) });
        }
      }
      if (!messageLost) {
        messageLost = !(await this.tryHide(held, this.receiveVisibilitySeconds).catch(() => false));
      }
    };
    const interval = Math.min(this.leaseMs, this.receiveVisibilitySeconds * 1000) / 3;
    const timer = setInterval(() => {
      beating = beating.then(beat);
    }, interval);
    timer.unref();
    return {
      get etag() {
        return current;
      },
      held,
      async stop() {
        clearInterval(timer);
        await beating;
      },
    };
  }
}

// --- helpers ------------------------------------------------------------------------------------

function toJob(entity: StoredJob): Job {
  const job: Job = {
    id: entity.jobId,
    kind: entity.kind,
    dueAt: entity.dueAt,
    payload: entity.payload ? (JSON.parse(entity.payload) as Record<string, unknown>) : {},
    attempts: entity.attempts ?? 0,
  };
  if (entity.lastError) job.lastError = entity.lastError;
  if (entity.state === 'claimed' || entity.state === 'uncertain') {
    if (entity.claimedBy) job.claimedBy = entity.claimedBy;
    if (entity.claimedAt) job.claimedAt = entity.claimedAt;
  }
  return job;
}

function byDue(a: Job, b: Job): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function parseBody(text: string): { id: string; token?: string } | undefined {
  try {
    const body = JSON.parse(text) as { id?: unknown; token?: unknown };
    if (typeof body?.id !== 'string' || body.id === '') return undefined;
    return typeof body.token === 'string' ? { id: body.id, token: body.token } : { id: body.id };
  } catch {
    return undefined;
  }
}

function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'statusCode' in e ? (e as { statusCode?: number }).statusCode : undefined;
}

/** The message is gone, or was received again by someone else since (its pop receipt changed). */
function messageLost(e: unknown): boolean {
  return statusOf(e) === 404 || (statusOf(e) === 400 && (e as { code?: string }).code === 'PopReceiptMismatch');
}

async function ignoreStatus(operation: Promise<unknown>, ...statuses: number[]): Promise<void> {
  try {
    await operation;
  } catch (e) {
    const status = statusOf(e);
    if (status === undefined || !statuses.includes(status)) throw e;
  }
}

function requireEtag(etag: string | undefined): string {
  if (!etag) throw new Error('Azure Table storage returned no ETag');
  return etag;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
