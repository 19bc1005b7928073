// ProactiveSender at the rate limit, on a virtual clock with real concurrency (every sleeper wakes
// at its own time, in order): sends spread at the per-app rate and kept at the limit, a Retry-After
// on one conversation that holds no one else, and Teams' windows kept through slow answers and faults.
import { TEAMS_LIMITS, type PacingLimits } from '../../src/notices/pacing';
import type { EdgeMessenger } from '../../src/teams/edge';
import { ProactiveSender, type SendResult } from '../../src/delivery/proactive-sender';
import type { ConversationRef } from '../../src/delivery/references';

const EXACT: PacingLimits = { ...TEAMS_LIMITS, marginMs: 0 };

/** Virtual time: sleep() parks until run() reaches its time; nothing real is waited for. */
function virtualClock() {
  let now = 0;
  let seq = 0;
  const timers: { at: number; seq: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => void timers.push({ at: now + Math.max(0, ms), seq: seq++, wake })),
    /** Runs timers in time order until `until` settles. */
    async run<T>(until: Promise<T>): Promise<T> {
      let done = false;
      void until.finally(() => (done = true)).catch(() => undefined);
      for (;;) {
        await new Promise((r) => setImmediate(r)); // every promise chain that can move, moves
        if (done) return until;
        if (timers.length === 0) throw new Error('stuck: nothing left to wake');
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const t = timers.shift()!;
        now = Math.max(now, t.at);
        t.wake();
      }
    },
  };
}

type Answer = { ok: true } | { status: number; retryAfter?: string };

function httpError(status: number, retryAfter?: string) {
  const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
  return Object.assign(new Error(`answered ${status}`), { statusCode: status, response: { status, headers } });
}

/**
 * A messenger on the virtual clock: each request arrives at a point between its start and its
 * answer (chosen by `arriveAt`, a share of the latency) and is answered after `latency` ms.
 */
function virtualTeams(clock: ReturnType<typeof virtualClock>, o: { latency: (n: number) => number; answer?: (conversationId: string, n: number) => Answer; arriveAt?: (n: number) => number }) {
  const requests: { conversationId: string; start: number; arrival: number; text: string; status: number }[] = [];
  let n = 0;
  const messenger: EdgeMessenger = {
    async send(ref, activity) {
      const i = n++;
      const start = clock.now();
      const latency = o.latency(i);
      const answer = o.answer?.(ref.conversation!.id, i) ?? { ok: true };
      requests.push({ conversationId: ref.conversation!.id, start, arrival: start + latency * (o.arriveAt?.(i) ?? 1), text: String(activity.text), status: 'ok' in answer ? 201 : answer.status });
      await clock.sleep(latency);
      if ('ok' in answer) return `msg-${i}`;
      throw httpError(answer.status, answer.retryAfter);
    },
    async update() {},
  };
  return { messenger, requests };
}

const ref = (id: string): ConversationRef => ({ channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id } } as ConversationRef);

describe('ProactiveSender at the rate limit (virtual clock)', () => {
  it('spreads a campaign at 50 a second and keeps the pipe full: the 51st goes when the first is 1 s past its answer', async () => {
    const clock = virtualClock();
    const teams = virtualTeams(clock, { latency: () => 10 });
    const sender = new ProactiveSender({ messenger: teams.messenger, limits: EXACT, now: clock.now, sleep: clock.sleep });
    await clock.run(Promise.all(Array.from({ length: 120 }, (_, i) => sender.send(ref(`user-${i}`), `notice ${i}`))));
    const starts = teams.requests.map((r) => r.start);
    expect(starts.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20)); // spread, no burst
    // Each send counts until its answer (10 ms later): the 51st waits for the first's window to end.
    expect(starts[50]).toBe(10 + 1000);
    expect(starts[100]).toBe(2 * (10 + 1000));
    expect(Math.max(...starts.slice(1).map((s, i) => s - starts[i]))).toBeLessThanOrEqual(30); // no idle gap
  });

  it('a 429 on one conversation does not delay sends to others, even with one request in flight', async () => {
    const clock = virtualClock();
    const teams = virtualTeams(clock, {
      latency: () => 5,
      answer: (conversationId, n) => (conversationId === 'conv-a' && n === 0 ? { status: 429, retryAfter: '1' } : { ok: true }),
    });
    const sender = new ProactiveSender({ messenger: teams.messenger, limits: EXACT, now: clock.now, sleep: clock.sleep, maxInFlight: 1 });
    // b and c come after a's 429 (answered at 5 ms), while a waits out its Retry-After.
    const later = (id: string, text: string) => clock.sleep(10).then(() => sender.send(ref(id), text));
    const results = await clock.run(Promise.all([sender.send(ref('conv-a'), 'to a'), later('conv-b', 'to b'), later('conv-c', 'to c')]));
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
    const at = (text: string) => teams.requests.filter((r) => r.text === text).map((r) => r.start);
    expect(at('to b')[0]).toBeLessThan(100); // not behind a's Retry-After
    expect(at('to c')[0]).toBeLessThan(100);
    expect(at('to a')).toHaveLength(2);
    expect(at('to a')[1] - (at('to a')[0] + 5)).toBeGreaterThanOrEqual(1000); // a waited as Teams said
  });

  it('keeps every per-app and per-conversation window through slow answers, 429s and 5xx, and delivers each message once', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const clock = virtualClock();
    const draws = Array.from({ length: 5000 }, () => [random(), random(), random()]);
    const teams = virtualTeams(clock, {
      latency: (n) => 1 + Math.floor(draws[n][0] * 120),
      arriveAt: (n) => draws[n][1], // anywhere between leaving and the answer
      answer: (_c, n) => (draws[n][2] < 0.03 ? { status: 429, retryAfter: '1' } : draws[n][2] < 0.06 ? { status: 500 } : draws[n][2] < 0.08 ? { status: 503 } : { ok: true }),
    });
    const sender = new ProactiveSender({ messenger: teams.messenger, limits: EXACT, now: clock.now, sleep: clock.sleep, random, baseDelayMs: 200 });
    // 30 conversations, a few of them busy (up to 40 messages), 600 messages in all, sent at once.
    const jobs: Promise<SendResult>[] = [];
    for (let i = 0; i < 600; i++) jobs.push(sender.send(ref(`conv-${Math.floor(random() ** 2 * 30)}`), `m${i}`));
    const results = await clock.run(Promise.all(jobs));
    expect(results.every((r) => r.outcome === 'sent')).toBe(true);
    const delivered = teams.requests.filter((r) => r.status === 201).map((r) => r.text);
    expect(new Set(delivered).size).toBe(600);
    expect(delivered).toHaveLength(600);
    // Every request counts where it arrived, failed ones included (as Teams counts operations).
    const arrivals = teams.requests.map((r) => r.arrival);
    for (const w of EXACT.global) expect(mostIn(arrivals, w.windowMs)).toBeLessThanOrEqual(w.max);
    const byConversation = new Map<string, number[]>();
    for (const r of teams.requests) byConversation.set(r.conversationId, [...(byConversation.get(r.conversationId) ?? []), r.arrival]);
    for (const times of byConversation.values()) for (const w of EXACT.perConversation) expect(mostIn(times, w.windowMs)).toBeLessThanOrEqual(w.max);
    // The limits were reached, so the check is not vacuous.
    expect(mostIn(arrivals, 1000)).toBeGreaterThanOrEqual(45);
    expect(Math.max(...[...byConversation.values()].map((t) => mostIn(t, 1000)))).toBe(7);
  });
});

/** The most of `times` in any half-open interval of `windowMs` (how Teams counts a window). */
function mostIn(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
