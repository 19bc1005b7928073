// Pacing of outgoing Teams messages, so a bot stays inside Teams' rate limits instead of
// discovering them through 429s. Pure: no SDK, no timers; the caller passes the time.
//
// Teams' documented limits (bots/how-to/rate-limit in the Teams platform docs), "per bot per
// thread" (a thread = a 1:1 chat, a group chat, or a channel) for "send to conversation":
// 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per 3,600 s; and a global limit per app per tenant of
// 50 requests per second (older revisions of the page said 30). Microsoft says the values may
// change, so they are configuration, and 429s are still handled by the sender.
//
// Each limit is a sliding window: at most `max` sends in ANY interval of `windowMs`. Sends are kept
// as a sorted log of times per conversation (and one global log), pruned of entries older than the
// longest window, so memory is bounded by the sends of the last hour (per conversation) and of the
// last second (globally), plus reservations not yet due. A reservation is usually appended at the
// end of the logs (O(windows)); only a reservation that lands between reservations already made
// for the future (e.g. an idle conversation while a busy one waits its turn) looks at the few
// future entries it would sit between.

/** At most `max` operations in any interval of `windowMs` milliseconds. */
export interface RateWindow {
  windowMs: number;
  max: number;
}

export interface PacingLimits {
  /** Per bot per conversation ("per thread"). */
  perConversation: readonly RateWindow[];
  /** Per app per tenant, across all conversations. */
  global: readonly RateWindow[];
  /**
   * Added to every window when pacing (not when enforcing), so that the time a request reaches
   * Teams may drift a little after the reserved time (timers firing late, request set-up, network
   * jitter) without two sends landing in one window. Default 50 ms.
   */
  marginMs?: number;
}

/** Teams' documented limits for sending to conversations (see the header). */
export const TEAMS_LIMITS: PacingLimits = Object.freeze({
  perConversation: Object.freeze([
    { windowMs: 1_000, max: 7 },
    { windowMs: 2_000, max: 8 },
    { windowMs: 30_000, max: 60 },
    { windowMs: 3_600_000, max: 1_800 },
  ]),
  global: Object.freeze([{ windowMs: 1_000, max: 50 }]),
  marginMs: 50,
});

/** The same limits on a faster (factor < 1) or slower clock: windows and margin times `factor`. */
export function scaleLimits(limits: PacingLimits, factor: number, marginMs?: number): PacingLimits {
  const scale = (w: RateWindow): RateWindow => ({ windowMs: Math.max(1, Math.round(w.windowMs * factor)), max: w.max });
  return {
    perConversation: limits.perConversation.map(scale),
    global: limits.global.map(scale),
    marginMs: marginMs ?? Math.round((limits.marginMs ?? DEFAULT_MARGIN_MS) * factor),
  };
}

/** The key that `penalise` takes for the whole app (all conversations). */
export const GLOBAL = 'global';

const DEFAULT_MARGIN_MS = 50;

/** Sorted send times, oldest first; pruned from the front. */
class TimeLog {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): number {
    return this.items[this.head + i];
  }

  last(): number | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
  }

  /** Index of the first entry later than t (entries equal to t come before it). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.length;
    if (hi === 0 || this.at(hi - 1) <= t) return hi; // the usual case: t is the latest
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(t: number): void {
    const i = this.upperBound(t);
    if (i === this.length) this.items.push(t);
    else this.items.splice(this.head + i, 0, t);
  }

  /** Removes one entry equal to t; false when there is none. */
  remove(t: number): boolean {
    const i = this.upperBound(t) - 1;
    if (i < 0 || this.at(i) !== t) return false;
    this.items.splice(this.head + i, 1);
    return true;
  }

  /** Drops entries at or before `cutoff`. */
  prune(cutoff: number): void {
    while (this.head < this.items.length && this.items[this.head] <= cutoff) this.head++;
    if (this.head > 32 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * The earliest time t >= from at which one more entry can join `log` with every interval shorter
 * than `span` still holding at most `max` entries, i.e. with every run of max+1 consecutive
 * entries (t included) spanning at least `span`. With `backward`, only the entries at or before t
 * count (runs that end with t): what a send about to go needs, as every later send checks again.
 */
function earliest(log: TimeLog, max: number, span: number, from: number, backward = false): number {
  let t = from;
  for (;;) {
    const p = log.upperBound(t); // t would sit at index p
    // The max entries before t, with t, must span >= span.
    if (p >= max) {
      const lower = log.at(p - max) + span;
      if (t < lower) {
        t = lower;
        continue;
      }
    }
    if (backward) return t;
    // Runs that take j entries before t and max-j after it (entries already reserved for later).
    const after = log.length - p;
    let fits = true;
    for (let j = Math.max(0, max - after); j < max && fits; j++) {
      if (j > p) break; // fewer than j entries before t: this run and the longer ones do not exist
      const first = j === 0 ? t : log.at(p - j);
      const lastOfRun = log.at(p + max - j - 1);
      if (lastOfRun - first < span) fits = false;
    }
    if (fits) return t;
    // Nothing in this gap fits (the later constraint only tightens as t grows): try after the next entry.
    t = log.at(p);
  }
}

interface KeyState {
  log: TimeLog;
  penaltyUntil: number;
}

export interface PacerOptions {
  /**
   * Sends start at least this many milliseconds apart across the app (0: no spreading, bursts up
   * to the windows' limits). Not a limit, a shape: a burst of 50 requests at once queues in the
   * client and on the wire, so each takes longer to answer, and a sender that counts a send at its
   * answer (ProactiveSender's settle) loses that time in every window; sends spread at the
   * per-app rate (1 s / 50 = 20 ms for Teams) are answered about as fast as a lone one. Counted on
   * the reserved start times (a settled send does not move its start). Default 0.
   */
  spreadMs?: number;
}

/** The even spacing of the tightest per-app window (Teams: 1,000 ms / 50 = 20 ms). */
export function evenSpacingMs(limits: PacingLimits): number {
  return Math.min(Infinity, ...limits.global.map((w) => w.windowMs / w.max)) || 0;
}

export interface PacerStats {
  /** Conversations with state (recent sends, reservations or a penalty). */
  keys: number;
  /** Send times held across all logs. */
  entries: number;
}

export class Pacer {
  private readonly perConversation: readonly RateWindow[];
  private readonly global: readonly RateWindow[];
  /** The margin added to every window (see PacingLimits.marginMs). */
  readonly marginMs: number;
  private readonly keyHorizon: number;
  private readonly globalHorizon: number;
  /** Insertion order = order of last use, so stale keys are found at the front. */
  private readonly keys = new Map<string, KeyState>();
  private readonly globalLog = new TimeLog();
  /** Reserved start times, for spreading (see PacerOptions.spreadMs). */
  private readonly starts = new TimeLog();
  /** See PacerOptions.spreadMs. */
  readonly spreadMs: number;
  private globalPenaltyUntil = -Infinity;
  private latest = -Infinity;

  constructor(limits: PacingLimits = TEAMS_LIMITS, options: PacerOptions = {}) {
    for (const w of [...limits.perConversation, ...limits.global]) {
      if (!(w.max >= 1) || !Number.isInteger(w.max) || !(w.windowMs > 0)) throw new Error(`invalid rate window ${JSON.stringify(w)}`);
    }
    this.perConversation = [...limits.perConversation];
    this.global = [...limits.global];
    this.marginMs = Math.max(0, limits.marginMs ?? DEFAULT_MARGIN_MS);
    this.keyHorizon = Math.max(0, ...this.perConversation.map((w) => w.windowMs)) + this.marginMs;
    this.globalHorizon = Math.max(0, ...this.global.map((w) => w.windowMs)) + this.marginMs;
    const spread = options.spreadMs ?? 0;
    this.spreadMs = Number.isFinite(spread) && spread > 0 ? spread : 0;
  }

  /**
   * Milliseconds to wait before sending to `key` so that every window holds; the send is recorded
   * at now + wait (send then, or `cancel` it). `now` must not go backwards between calls.
   */
  reserve(key: string, now: number): number {
    const at = this.earliestFor(key, now);
    const state = this.touch(key);
    state.log.insert(at);
    this.globalLog.insert(at);
    if (this.spreadMs > 0) this.starts.insert(at);
    return at - now;
  }

  /**
   * Checks a reservation again when it comes due (its sender woke, maybe a little late, maybe
   * after learning of slower sends): takes back the one made for `at` and reserves again, counting
   * only what is at or before the new time. So it keeps its place in line: a reservation made
   * after it for later (by the rule of `reserve`, spaced from this one) does not push it behind
   * it; that later one is checked the same way when it comes due. Safe because each send is checked
   * against everything sent before it, at the moment it goes. Its place in the spread (see
   * PacerOptions.spreadMs) stays where it was reserved: a late wake-up does not push the sends
   * after it later.
   */
  renew(key: string, at: number, now: number): number {
    const state = this.keys.get(key);
    if (state?.log.remove(at)) this.globalLog.remove(at);
    const t = this.earliestFor(key, now, 'renew');
    this.touch(key).log.insert(t);
    this.globalLog.insert(t);
    return t - now;
  }

  /** Milliseconds `reserve` would answer now, without recording anything. */
  peek(key: string, now: number): number {
    return this.earliestFor(key, now) - now;
  }

  /** Takes back a reservation (at = the `now + wait` it was made for) that will not be used. */
  cancel(key: string, at: number): void {
    const state = this.keys.get(key);
    if (!state?.log.remove(at)) return;
    this.globalLog.remove(at);
    if (this.spreadMs > 0) this.starts.remove(at);
  }

  /**
   * Moves a send recorded at `at` to `arrivedBy`, a later bound of when it reached Teams (e.g. when
   * its answer came back): a request that took long may have arrived well after its slot, and the
   * windows that follow must count it where it may have landed. Never moves a send earlier.
   */
  settle(key: string, at: number, arrivedBy: number): void {
    if (!(arrivedBy > at)) return;
    const state = this.keys.get(key);
    if (!state?.log.remove(at)) return;
    this.globalLog.remove(at);
    state.log.insert(arrivedBy);
    this.globalLog.insert(arrivedBy);
  }

  /** Nothing goes to `key` (or, with GLOBAL, to anyone) before `untilMs`: a 429's Retry-After. */
  penalise(key: string, untilMs: number): void {
    if (key === GLOBAL) {
      this.globalPenaltyUntil = Math.max(this.globalPenaltyUntil, untilMs);
      return;
    }
    const state = this.touch(key);
    state.penaltyUntil = Math.max(state.penaltyUntil, untilMs);
  }

  stats(): PacerStats {
    let entries = this.globalLog.length + this.starts.length;
    for (const s of this.keys.values()) entries += s.log.length;
    return { keys: this.keys.size, entries };
  }

  private earliestFor(key: string, now: number, renew?: 'renew'): number {
    const backward = renew !== undefined;
    this.prune(now);
    const state = this.keys.get(key);
    if (state && now >= this.latest) state.log.prune(now - this.keyHorizon);
    let t = Math.max(now, this.globalPenaltyUntil, state?.penaltyUntil ?? -Infinity);
    // Each window's answer only grows with t, so iterating to a fixed point gives the earliest
    // time that suits them all.
    for (;;) {
      let u = t;
      if (state) for (const w of this.perConversation) u = earliest(state.log, w.max, w.windowMs + this.marginMs, u, backward);
      for (const w of this.global) u = earliest(this.globalLog, w.max, w.windowMs + this.marginMs, u, backward);
      if (this.spreadMs > 0 && !backward) u = earliest(this.starts, 1, this.spreadMs, u);
      if (u === t) return t;
      t = u;
    }
  }

  private touch(key: string): KeyState {
    let state = this.keys.get(key);
    if (state) this.keys.delete(key);
    else state = { log: new TimeLog(), penaltyUntil: -Infinity };
    this.keys.set(key, state);
    return state;
  }

  /** Entries at or before now - horizon cannot constrain a send at or after now. */
  private prune(now: number): void {
    if (now < this.latest) return; // a clock going backwards prunes nothing
    this.latest = now;
    this.globalLog.prune(now - this.globalHorizon);
    this.starts.prune(now - this.spreadMs);
    for (const [key, state] of this.keys) {
      state.log.prune(now - this.keyHorizon);
      if (state.log.length > 0 || state.penaltyUntil > now) break; // used more recently from here on (roughly)
      this.keys.delete(key);
    }
  }
}
