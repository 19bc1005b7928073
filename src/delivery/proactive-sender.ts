// Proactive messages, paced to Teams' rate limits, through either edge's messenger (EdgeMessenger:
// botbuilder's or the Agents SDK's "send to a reference"): each send waits for its slot from the
// Pacer (per conversation and per app), is retried on 429 (honouring Retry-After), 412/408 and
// 5xx/network errors with exponential backoff and jitter, up to a bounded number of attempts, and
// gives up at once on 403/404 (bot uninstalled or blocked, user gone, conversation gone):
// `undeliverable`. Sends to one conversation go out one at a time, in call order; at most
// `maxInFlight` requests are open at once, whatever the number of sends waiting. Each attempt is
// one HTTP request (the messenger turns the SDK's own retries off) bounded by attemptTimeoutMs.
//
// Nothing here logs or returns the message: it may carry a Temporary Access Pass. Logs and results
// carry the conversation id, HTTP status, error code and attempt count only. SDK-free.
import { Pacer, TEAMS_LIMITS, evenSpacingMs, type PacingLimits } from '../notices/pacing';
import { noticeSpan } from '../telemetry';
import { cardActivity, textActivity, type EdgeMessenger, type OutgoingActivity } from './outgoing';
import type { ConversationRef } from './references';

/** An Adaptive Card (its JSON), recognised by `type: 'AdaptiveCard'`. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  [key: string]: unknown;
}

/** Plain text, an Adaptive Card, or a whole activity. */
export type ProactiveMessage = string | AdaptiveCardJson | OutgoingActivity;

export type SendOutcome = 'sent' | 'undeliverable' | 'failed';

export interface SendResult {
  outcome: SendOutcome;
  /** The id Teams gave the message (outcome 'sent'). */
  activityId?: string;
  /** HTTP status of the last attempt (undefined for network errors, and for 'sent'). */
  status?: number;
  /** Error code of the last failure: Bot Framework's (e.g. 'BotNotInConversationRoster') or the socket's (e.g. 'ECONNRESET'). */
  code?: string;
  /** HTTP attempts made (0 when none could be made). */
  attempts: number;
}

export interface SendOptions {
  /** Overrides the pacing key (default: the conversation id without any ";messageid=" thread suffix). */
  key?: string;
}

export interface ProactiveSenderOptions {
  /** The edge's "send to a reference" (BotbuilderMessenger, AgentsMessenger). */
  messenger: EdgeMessenger;
  /** Rate limits to pace to (default TEAMS_LIMITS); ignored when `pacer` is given. */
  limits?: PacingLimits;
  /** A Pacer to share, e.g. with other senders of the same app in this process. */
  pacer?: Pacer;
  /**
   * Sends start at least this far apart across the app (default: the per-app limit's even spacing,
   * 20 ms for Teams' 50 per second; 0 for bursts); ignored when `pacer` is given. See PacerOptions.
   */
  spreadMs?: number;
  /** Requests open at once (default 16). */
  maxInFlight?: number;
  /** HTTP attempts per message, first included (default 6). */
  maxAttempts?: number;
  /** Backoff before retry n is baseDelayMs * 2^(n-1), capped at maxDelayMs, with jitter (defaults 1,000 / 30,000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A 429 asking for a longer wait than this fails the send instead of holding it (default 120,000 ms). */
  maxRetryAfterMs?: number;
  /**
   * Pacing waits longer than this free the in-flight slot while waiting (default 1,000 ms). A retry
   * waiting out a Retry-After or a backoff never holds the slot, so it never delays other sends.
   */
  parkAfterMs?: number;
  /**
   * Count each request in the windows at the time its answer came back (a safe upper bound of when
   * it reached Teams) rather than when it left, and requests still under way as sent "now" (default
   * true). Safe against slow requests bunching up with later ones; costs about one round trip per
   * window of throughput.
   */
  settleOnResponse?: boolean;
  /** Timeout of one HTTP attempt (default 30,000 ms); a timed-out attempt is retried. */
  attemptTimeoutMs?: number;
  /**
   * Retry a request whose connection failed mid-way (reset, timeout) although Teams may already have
   * the message: at-least-once, a rare duplicate (default true). With false such a send ends
   * 'failed' (code e.g. 'ECONNRESET'): at-most-once. Connections that never opened are retried either way.
   */
  retryAmbiguous?: boolean;
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the backoff jitter (default Math.random). */
  random?: () => number;
  /** Wall clock, for Retry-After given as an HTTP date (default Date.now). */
  wallClock?: () => number;
  log?: (event: Record<string, unknown>) => void;
}

export interface SenderStats {
  sent: number;
  undeliverable: number;
  failed: number;
  /** HTTP attempts made. */
  attempts: number;
  /** Failed attempts by HTTP status ('network' for none). */
  failures: Record<string, number>;
  /** Sends accepted but not finished. */
  pending: number;
  inFlight: number;
  maxInFlight: number;
}

const TRANSIENT_STATUS = new Set([408, 412, 429, 500, 502, 503, 504]);
const UNDELIVERABLE_STATUS = new Set([403, 404]);
/** The request never left: safe to send again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
/** The connection failed mid-request: Teams may or may not have the message. */
const AMBIGUOUS_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

/** Pacing key of a conversation: a channel thread ("19:...;messageid=...") counts as its channel. */
export function conversationKey(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i < 0 ? conversationId : conversationId.slice(0, i);
}

export class ProactiveSender {
  readonly pacer: Pacer;
  private readonly o: Required<Omit<ProactiveSenderOptions, 'pacer' | 'limits' | 'spreadMs'>>;
  private readonly slots: Semaphore;
  /** The tail of each conversation's queue: sends to one conversation go one at a time, in order. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly counts = { sent: 0, undeliverable: 0, failed: 0, attempts: 0, pending: 0 };
  private readonly failures: Record<string, number> = {};
  /** Requests under way, where the pacer holds them (see awaitSlot). */
  private readonly inFlight = new Set<{ key: string; at: number }>();

  constructor(options: ProactiveSenderOptions) {
    const limits = options.limits ?? TEAMS_LIMITS;
    this.pacer = options.pacer ?? new Pacer(limits, { spreadMs: options.spreadMs ?? evenSpacingMs(limits) });
    this.o = {
      messenger: options.messenger,
      maxInFlight: options.maxInFlight ?? 16,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
      parkAfterMs: options.parkAfterMs ?? 1_000,
      settleOnResponse: options.settleOnResponse ?? true,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 30_000,
      retryAmbiguous: options.retryAmbiguous ?? true,
      now: options.now ?? (() => performance.now()),
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      wallClock: options.wallClock ?? Date.now,
      log: options.log ?? (() => undefined),
    };
    if (!(this.o.maxInFlight >= 1) || !(this.o.maxAttempts >= 1)) throw new Error('maxInFlight and maxAttempts must be at least 1');
    this.slots = new Semaphore(this.o.maxInFlight);
  }

  /** Sends one message to the conversation of `ref`; never throws for delivery problems. */
  send(ref: ConversationRef, message: ProactiveMessage, options: SendOptions = {}): Promise<SendResult> {
    const conversationId = ref.conversation?.id;
    if (!conversationId || !ref.serviceUrl) {
      this.counts.failed++;
      this.o.log({ event: 'proactive.failed', conversationId, reason: 'incomplete conversation reference', attempts: 0 });
      return Promise.resolve({ outcome: 'failed', code: 'IncompleteReference', attempts: 0 });
    }
    const key = options.key ?? conversationKey(conversationId);
    const activity = toActivity(message);
    this.counts.pending++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => noticeSpan(() => this.deliver(key, conversationId, ref, activity)));
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result.finally(() => this.counts.pending--);
  }

  stats(): SenderStats {
    return { ...this.counts, failures: { ...this.failures }, inFlight: this.slots.busy, maxInFlight: this.slots.maxBusy };
  }

  private async deliver(key: string, conversationId: string, ref: ConversationRef, activity: OutgoingActivity): Promise<SendResult> {
    const o = this.o;
    let attempts = 0;
    for (;;) {
      await this.slots.acquire();
      let held = true;
      let delayMs = 0;
      try {
        // Wait for the slot the pacer gives; long waits give the in-flight slot back meanwhile.
        const at = await this.awaitSlot(key);
        if (at === 'parked') {
          held = false;
          continue;
        }
        attempts++;
        this.counts.attempts++;
        const request = { key, at };
        this.inFlight.add(request);
        const outcome = await this.attempt(ref, activity).finally(() => this.inFlight.delete(request));
        // The request reached Teams somewhere between its slot and now: count it at the later bound.
        if (o.settleOnResponse) this.pacer.settle(key, request.at, o.now());
        if (outcome.ok) {
          this.counts.sent++;
          o.log({ event: 'proactive.sent', conversationId, attempts });
          return { outcome: 'sent', activityId: outcome.id, attempts };
        }
        const { status, code, retryAfterMs, transient } = outcome;
        const label = status === undefined ? 'network' : String(status);
        this.failures[label] = (this.failures[label] ?? 0) + 1;
        if (status !== undefined && UNDELIVERABLE_STATUS.has(status)) {
          this.counts.undeliverable++;
          o.log({ event: 'proactive.undeliverable', conversationId, status, code, attempts });
          return { outcome: 'undeliverable', status, code, attempts };
        }
        const tooLong = retryAfterMs !== undefined && retryAfterMs > o.maxRetryAfterMs;
        if (!transient || attempts >= o.maxAttempts || tooLong) {
          this.counts.failed++;
          o.log({ event: 'proactive.failed', conversationId, status, code, attempts, ...(tooLong ? { retryAfterMs } : {}) });
          return { outcome: 'failed', status, code, attempts };
        }
        if (retryAfterMs !== undefined) {
          // Teams said when: nothing goes to this conversation before then (the pacer sees to it).
          // The retry waits it out without its in-flight slot, so sends to others go on meanwhile.
          this.pacer.penalise(key, o.now() + retryAfterMs);
          delayMs = retryAfterMs;
        } else {
          delayMs = this.backoff(attempts);
        }
        o.log({ event: 'proactive.retry', conversationId, status, code, attempts, delayMs: retryAfterMs ?? delayMs });
      } finally {
        if (held) this.slots.release();
      }
      if (delayMs > 0) await o.sleep(delayMs);
    }
  }

  /**
   * Sleeps until the pacer's slot for `key` and answers the time recorded for the send, or
   * 'parked' when the wait was long and the in-flight slot was released meanwhile. A wait is
   * re-checked on waking (Pacer.renew), so a late wake-up or what was learnt meanwhile
   * (a Retry-After, slow requests settled later) is taken into account before sending.
   */
  private async awaitSlot(key: string): Promise<number | 'parked'> {
    const o = this.o;
    let at: number | undefined;
    for (;;) {
      const now = o.now();
      this.catchUp(now);
      // Checked again on waking without losing its place to reservations made meanwhile.
      const wait = at === undefined ? this.pacer.reserve(key, now) : this.pacer.renew(key, at, now);
      at = now + wait;
      if (wait <= 0) return at;
      if (wait > o.parkAfterMs) {
        this.pacer.cancel(key, at);
        this.slots.release();
        await o.sleep(wait);
        return 'parked';
      }
      await o.sleep(wait);
    }
  }

  /**
   * A request still under way may not have reached Teams yet (a cold start, a slow event loop):
   * until its answer settles it, it counts as sent no earlier than now.
   */
  private catchUp(now: number): void {
    if (!this.o.settleOnResponse) return;
    for (const request of this.inFlight) {
      if (request.at < now) {
        this.pacer.settle(request.key, request.at, now);
        request.at = now;
      }
    }
  }

  private async attempt(
    ref: ConversationRef,
    activity: OutgoingActivity,
  ): Promise<{ ok: true; id?: string } | { ok: false; status?: number; code?: string; retryAfterMs?: number; transient: boolean }> {
    let id: string | undefined;
    let error: unknown;
    try {
      id = await this.o.messenger.send(ref, activity, { attemptTimeoutMs: this.o.attemptTimeoutMs });
    } catch (err) {
      error = err ?? new Error('send failed');
    }
    if (!error) return { ok: true, id };
    const status = statusOf(error);
    const code = codeOf(error);
    if (status !== undefined) {
      return {
        ok: false,
        status,
        code,
        transient: TRANSIENT_STATUS.has(status),
        retryAfterMs: status === 429 || status === 503 ? retryAfterOf(error, this.o.wallClock()) : undefined,
      };
    }
    const network = networkFailure(error);
    const timedOut = (error as ErrorLike).name === 'AbortError';
    return {
      ok: false,
      code: code ?? (timedOut ? 'Timeout' : undefined),
      transient: network === 'not-sent' || (network === 'ambiguous' && this.o.retryAmbiguous),
    };
  }

  /** Exponential backoff with "equal jitter": between half and all of base * 2^(n-1), capped. */
  private backoff(failures: number): number {
    const ceiling = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (failures - 1));
    return Math.round(ceiling / 2 + (this.o.random() * ceiling) / 2);
  }
}

function toActivity(message: ProactiveMessage): OutgoingActivity {
  if (typeof message === 'string') return textActivity(message);
  if ((message as { type?: unknown }).type === 'AdaptiveCard') return cardActivity(message as AdaptiveCardJson);
  return message as OutgoingActivity;
}

type ErrorLike = {
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
  response?: { status?: unknown; headers?: unknown };
};

/** @azure/core-rest-pipeline's RestError: `statusCode`, and `response.status` / `response.headers.get()`. */
export function statusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as ErrorLike;
  for (const s of [e.statusCode, e.response?.status, e.status]) if (typeof s === 'number' && s > 0) return s;
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = ((error ?? {}) as ErrorLike).code;
  // Only identifiers: never free text that could echo what was sent.
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}

function headerOf(error: unknown, name: string): string | undefined {
  const headers = ((error ?? {}) as ErrorLike).response?.headers as { get?: (n: string) => unknown } | Record<string, unknown> | undefined;
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Retry-After in ms: `retry-after-ms` / `x-ms-retry-after-ms`, or `Retry-After` as seconds or an HTTP date. */
export function retryAfterOf(error: unknown, wallNow = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(headerOf(error, name));
    if (headerOf(error, name) !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const raw = headerOf(error, 'retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - wallNow) : undefined;
}

function networkFailure(error: unknown): 'not-sent' | 'ambiguous' | undefined {
  const e = (error ?? {}) as ErrorLike;
  if (e.name === 'AbortError') return 'ambiguous'; // our attempt timeout
  if (typeof e.code !== 'string') return undefined;
  if (NOT_SENT_CODES.has(e.code)) return 'not-sent';
  return AMBIGUOUS_CODES.has(e.code) ? 'ambiguous' : undefined;
}

/** Counting semaphore with a FIFO queue. */
class Semaphore {
  busy = 0;
  maxBusy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => {
      this.take();
      resolve();
    }));
  }

  release(): void {
    this.busy--;
    const next = this.waiting.shift();
    if (next) next();
  }

  private take(): void {
    this.busy++;
    if (this.busy > this.maxBusy) this.maxBusy = this.busy;
  }
}
