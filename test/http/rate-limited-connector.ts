// A loopback Bot Framework connector that behaves like Teams under load: it ENFORCES rate limits
// (per conversation and global sliding windows, from the same PacingLimits the sender paces to),
// answering 429 + Retry-After when a request would exceed one (a "violation": the client's fault),
// injects faults at given rates (429 + Retry-After, 500, 503; deterministic for a seed), answers
// 403 for conversations where the bot is "uninstalled" and 404 for "gone" ones, and records every
// accepted activity with its idempotency marker, so tests can count losses and duplicates.
//
// Every request that passes the limiter counts in its windows, faults and 403s included (Teams
// counts operations, not successes); requests refused as violations do not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PacingLimits, RateWindow } from '../../src/notices/pacing';

export interface FaultRates {
  /** Share of requests answered 429 with Retry-After: retryAfterSeconds. */
  rate429?: number;
  rate500?: number;
  rate503?: number;
  /** Retry-After (seconds) of injected 429s (default 1). */
  retryAfterSeconds?: number;
  /** Seed of the fault draws (default 1). */
  seed?: number;
}

export interface RateLimitedConnectorOptions {
  /** Limits to enforce (marginMs is ignored: the server counts exactly). */
  limits: PacingLimits;
  faults?: FaultRates;
  /** Conversation ids answered 403 (bot uninstalled / blocked). */
  uninstalled?: Iterable<string>;
  /** Conversation ids answered 404 (conversation gone). */
  gone?: Iterable<string>;
  /** Delay before each answer, to keep requests in flight like a real network (default 0). */
  latencyMs?: number;
  /**
   * Per-conversation one-off answers, by conversation id: each request takes the next one until
   * none is left. `reset` accepts (and records) the activity, then drops the connection unanswered;
   * `stallMs` accepts it and answers that much later: either way the client may not learn it was delivered.
   */
  script?: Record<string, ({ status: number; headers?: Record<string, string> } | { reset: true } | { stallMs: number })[]>;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
}

export type RequestOutcome = 'accepted' | 'accepted-reset' | 'accepted-stalled' | 'violation' | 'fault-429' | 'fault-500' | 'fault-503' | 'scripted' | 'uninstalled' | 'gone';

export interface RequestRecord {
  conversationId: string;
  at: number;
  outcome: RequestOutcome;
  status: number;
  marker?: string;
}

export interface Accepted {
  conversationId: string;
  /** activity.channelData.noticeId, else the text. */
  marker: string;
  at: number;
  activityId: string;
  activity: any;
}

export interface Violation {
  conversationId: string;
  at: number;
  scope: 'conversation' | 'global';
  window: RateWindow;
}

export interface RateLimitedConnector {
  url: string;
  accepted: Accepted[];
  requests: RequestRecord[];
  violations: Violation[];
  /** Most requests open at once, and TCP connections opened. */
  maxInFlight: number;
  connections: number;
  /** Markers accepted more than once, with their counts. */
  duplicates(): Map<string, number>;
  /** Requests by outcome. */
  tally(): Record<RequestOutcome, number>;
  /**
   * How close the counted requests came to each limit: per window, the smallest
   * (span of max+1 consecutive requests) - windowMs, in ms; negative means a limit was exceeded,
   * undefined that no window ever held max+1 requests.
   */
  headroom(): { conversation: (number | undefined)[]; global: (number | undefined)[] };
  close(): Promise<void>;
}

interface Decision {
  outcome: RequestOutcome;
  status: number;
  headers?: Record<string, string>;
  code?: string;
  reset?: boolean;
  stallMs?: number;
}

/** The key the limiter counts a conversation under: a channel thread counts as its channel. */
const threadKey = (conversationId: string) => conversationId.split(';messageid=')[0];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sliding-window counter: times kept sorted (arrival order), pruned past the longest window. */
class Windows {
  private readonly logs = new Map<string, number[]>();
  private readonly horizon: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    this.horizon = Math.max(0, ...windows.map((w) => w.windowMs));
  }

  /** The first window a request at `now` would exceed, with the seconds until it would not. */
  check(key: string, now: number): { window: RateWindow; retryAfterSeconds: number } | undefined {
    const log = this.prune(key, now);
    for (const window of this.windows) {
      const inWindow = log.filter((t) => t > now - window.windowMs);
      if (inWindow.length >= window.max) {
        const leaveAt = inWindow[inWindow.length - window.max] + window.windowMs;
        return { window, retryAfterSeconds: Math.max(1, Math.ceil((leaveAt - now) / 1000)) };
      }
    }
    return undefined;
  }

  record(key: string, now: number): void {
    const log = this.prune(key, now);
    log.push(now);
    this.logs.set(key, log);
  }

  private prune(key: string, now: number): number[] {
    const log = this.logs.get(key) ?? [];
    let i = 0;
    while (i < log.length && log[i] <= now - this.horizon) i++;
    const kept = i > 0 ? log.slice(i) : log;
    if (kept.length === 0) this.logs.delete(key);
    else this.logs.set(key, kept);
    return kept;
  }
}

const markerOf = (activity: any): string => String(activity?.channelData?.noticeId ?? activity?.text ?? '');

export async function startRateLimitedConnector(options: RateLimitedConnectorOptions): Promise<RateLimitedConnector> {
  const now = options.now ?? (() => performance.now());
  const perConversation = new Windows(options.limits.perConversation);
  const global = new Windows(options.limits.global);
  const uninstalled = new Set(options.uninstalled ?? []);
  const gone = new Set(options.gone ?? []);
  const faults = options.faults ?? {};
  const draw = prng(faults.seed ?? 1);
  const script = new Map(Object.entries(options.script ?? {}).map(([k, v]) => [k, [...v]]));
  const accepted: Accepted[] = [];
  const requests: RequestRecord[] = [];
  const violations: Violation[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let n = 0;
  const state = { maxInFlight: 0, connections: 0 };

  const decide = (conversationId: string, at: number): Decision => {
    const key = threadKey(conversationId);
    const over = perConversation.check(key, at);
    const overGlobal = over ? undefined : global.check('app', at);
    if (over || overGlobal) {
      const hit = (over ?? overGlobal)!;
      violations.push({ conversationId, at, scope: over ? 'conversation' : 'global', window: hit.window });
      return { outcome: 'violation', status: 429, headers: { 'Retry-After': String(hit.retryAfterSeconds) } };
    }
    perConversation.record(key, at);
    global.record('app', at);
    if (uninstalled.has(conversationId)) return { outcome: 'uninstalled', status: 403, code: 'BotNotInConversationRoster' };
    if (gone.has(conversationId)) return { outcome: 'gone', status: 404, code: 'ConversationNotFound' };
    const scripted = script.get(conversationId)?.shift();
    if (scripted && 'reset' in scripted) return { outcome: 'accepted-reset', status: 200, reset: true };
    if (scripted && 'stallMs' in scripted) return { outcome: 'accepted-stalled', status: 200, stallMs: scripted.stallMs };
    if (scripted) return { outcome: 'scripted', status: scripted.status, headers: scripted.headers };
    const r = draw();
    const p429 = faults.rate429 ?? 0;
    const p500 = p429 + (faults.rate500 ?? 0);
    const p503 = p500 + (faults.rate503 ?? 0);
    if (r < p429) return { outcome: 'fault-429', status: 429, headers: { 'Retry-After': String(faults.retryAfterSeconds ?? 1) } };
    if (r < p500) return { outcome: 'fault-500', status: 500 };
    if (r < p503) return { outcome: 'fault-503', status: 503 };
    return { outcome: 'accepted', status: 200 };
  };

  /** Answers waiting for their latency or stall; close() drops them. */
  const replies = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const at = now(); // arrival: what the limiter counts
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/?]+)\/activities(?:\/[^/?]+)?\/?(?:\?.*)?$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NotFound', message: 'not served here' } }));
        return;
      }
      const conversationId = decodeURIComponent(m[1]);
      const activity = body ? JSON.parse(body) : {};
      const marker = markerOf(activity);
      const d = decide(conversationId, at);
      requests.push({ conversationId, at, outcome: d.outcome, status: d.status, marker });
      let answer: { status: number; headers: Record<string, string>; body: unknown };
      if (d.status === 200) {
        const activityId = `msg-${++n}`;
        accepted.push({ conversationId, marker, at, activityId, activity });
        answer = { status: 201, headers: {}, body: { id: activityId } };
      } else {
        const code = d.code ?? (d.status === 429 ? 'TooManyRequests' : 'ServiceError');
        answer = { status: d.status, headers: d.headers ?? {}, body: { error: { code, message: `answered ${d.status}` } } };
      }
      const reply = () => {
        if (d.reset) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      };
      const delay = (d.stallMs ?? 0) + (options.latencyMs ?? 0);
      if (delay > 0) {
        const timer = setTimeout(() => {
          replies.delete(timer);
          reply();
        }, delay);
        replies.add(timer);
      } else reply();
    });
  });
  server.on('connection', (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    accepted,
    requests,
    violations,
    get maxInFlight() {
      return state.maxInFlight;
    },
    get connections() {
      return state.connections;
    },
    duplicates: () => {
      const seen = new Map<string, number>();
      for (const a of accepted) seen.set(`${a.conversationId}\u0000${a.marker}`, (seen.get(`${a.conversationId}\u0000${a.marker}`) ?? 0) + 1);
      return new Map([...seen].filter(([, c]) => c > 1));
    },
    headroom: () => {
      const counted = requests.filter((r) => r.outcome !== 'violation');
      const slack = (times: number[], w: RateWindow) => {
        let min: number | undefined;
        for (let i = 0; i + w.max < times.length; i++) min = Math.min(min ?? Infinity, times[i + w.max] - times[i] - w.windowMs);
        return min;
      };
      const byKey = new Map<string, number[]>();
      for (const r of counted) byKey.set(threadKey(r.conversationId), [...(byKey.get(threadKey(r.conversationId)) ?? []), r.at]);
      const worst = (values: (number | undefined)[]) => values.reduce<number | undefined>((m, v) => (v === undefined ? m : Math.min(m ?? Infinity, v)), undefined);
      return {
        conversation: options.limits.perConversation.map((w) => worst([...byKey.values()].map((times) => slack(times, w)))),
        global: options.limits.global.map((w) => slack(counted.map((r) => r.at), w)),
      };
    },
    tally: () => {
      const t: Record<RequestOutcome, number> = { accepted: 0, 'accepted-reset': 0, 'accepted-stalled': 0, violation: 0, 'fault-429': 0, 'fault-500': 0, 'fault-503': 0, scripted: 0, uninstalled: 0, gone: 0 };
      for (const r of requests) t[r.outcome]++;
      return t;
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        for (const t of replies) clearTimeout(t); // a long stall must not outlive the test
        replies.clear();
        for (const s of sockets) s.destroy(); // keep-alive sockets would hold close() open
      }),
  };
}
