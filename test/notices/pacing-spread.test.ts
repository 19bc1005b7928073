// The Pacer's spreading (sends at the per-app rate rather than in bursts) and renewal (a sender
// that wakes for its slot keeps its place in line), on an injected clock.
import { Pacer, TEAMS_LIMITS, evenSpacingMs, type PacingLimits } from '../../src/notices/pacing';

const EXACT: PacingLimits = { ...TEAMS_LIMITS, marginMs: 0 };

describe('Pacer: spreading sends at the per-app rate', () => {
  it('spaces sends to different conversations by the even spacing of the per-app limit (20 ms for 50 a second)', () => {
    expect(evenSpacingMs(TEAMS_LIMITS)).toBe(20);
    const spread = new Pacer(EXACT, { spreadMs: evenSpacingMs(EXACT) });
    expect(Array.from({ length: 5 }, (_, i) => spread.reserve(`conv-${i}`, 0))).toEqual([0, 20, 40, 60, 80]);
    // Without spreading, the same five go at once (the windows allow 50).
    const burst = new Pacer(EXACT);
    expect(Array.from({ length: 5 }, (_, i) => burst.reserve(`conv-${i}`, 0))).toEqual([0, 0, 0, 0, 0]);
  });

  it('still holds the 51st send of a second, spread or not', () => {
    const pacer = new Pacer(EXACT, { spreadMs: 20 });
    const at = Array.from({ length: 51 }, (_, i) => pacer.reserve(`conv-${i}`, 0));
    expect(at[49]).toBe(980);
    expect(at[50]).toBe(1000); // the first send's window ends at 1,000 ms
  });

  it('gives no credit for idle time: after a pause, sends are spaced again from the first', () => {
    const pacer = new Pacer(EXACT, { spreadMs: 20 });
    pacer.reserve('a', 0);
    expect([pacer.reserve('b', 5_000), pacer.reserve('c', 5_000), pacer.reserve('d', 5_000)]).toEqual([0, 20, 40]);
  });
});

describe('Pacer: renewing a reservation when it comes due', () => {
  it('a sender that wakes late keeps its slot instead of going behind the sends reserved after it', () => {
    const pacer = new Pacer(EXACT, { spreadMs: 20 });
    for (const key of ['a', 'b', 'c']) pacer.reserve(key, 0); // a at 0, b at 20, c at 40
    expect(pacer.renew('a', 0, 5)).toBe(0); // woke 5 ms late: goes now
    expect(pacer.renew('b', 20, 21)).toBe(0); // b is not pushed back by a's late start
    // Taking it back and reserving again would have put a after c.
    const other = new Pacer(EXACT, { spreadMs: 20 });
    for (const key of ['a', 'b', 'c']) other.reserve(key, 0);
    other.cancel('a', 0);
    expect(other.reserve('a', 5)).toBe(60 - 5);
  });

  it('still holds a renewed send for what was learnt meanwhile: a send counted later (settled at its answer), a Retry-After', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 7; i++) pacer.reserve('conv-a', 0);
    expect(pacer.reserve('conv-a', 0)).toBe(1000);
    for (let i = 0; i < 7; i++) pacer.settle('conv-a', 0, 30); // their answers came back at 30 ms: they may have arrived then
    expect(pacer.renew('conv-a', 1000, 1000)).toBe(30);
    pacer.penalise('conv-a', 1500);
    expect(pacer.renew('conv-a', 1030, 1030)).toBe(470);
  });

  it('keeps per-conversation and per-app windows across window boundaries with sends settled at their answers', () => {
    // A simulated sender: each send is reserved, renewed when due (waking up to 7 ms late), and
    // settled at its answer (1-60 ms later); it reached Teams somewhere in between. Every window
    // must hold for the times it really arrived.
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pacer = new Pacer(EXACT, { spreadMs: 20 });
    type Send = { key: string; due: number; answer?: number };
    const keys = Array.from({ length: 40 }, (_, i) => `conv-${i}`);
    // 1,200 sends offered about 140 a second, mostly to a few busy conversations.
    const offered: { key: string; at: number }[] = [];
    for (let i = 0, at = 0; i < 1200; i++, at += Math.floor(random() * 15)) offered.push({ key: keys[Math.floor(random() ** 3 * keys.length)], at });
    const waiting: Send[] = [];
    const arrivals = new Map<string, number[]>();
    const all: number[] = [];
    const inFlight: (Send & { at: number })[] = [];
    let clock = 0;
    while (offered.length || waiting.length || inFlight.length) {
      waiting.sort((a, b) => a.due - b.due);
      const nextDue = waiting[0]?.due ?? Infinity;
      const nextAnswer = Math.min(Infinity, ...inFlight.map((s) => s.answer!));
      const nextOffer = offered[0]?.at ?? Infinity;
      if (nextOffer <= Math.min(nextDue, nextAnswer)) {
        const o = offered.shift()!;
        clock = Math.max(clock, o.at);
        waiting.push({ key: o.key, due: clock + pacer.reserve(o.key, clock) });
        continue;
      }
      if (nextAnswer <= nextDue) {
        const s = inFlight.splice(inFlight.findIndex((x) => x.answer === nextAnswer), 1)[0];
        clock = Math.max(clock, nextAnswer);
        pacer.settle(s.key, s.at, s.answer!);
        continue;
      }
      const s = waiting.shift()!;
      clock = Math.max(clock, s.due + Math.floor(random() * 8));
      // Requests still under way count as sent now (as ProactiveSender's catch-up does).
      for (const f of inFlight) if (f.at < clock) {
        pacer.settle(f.key, f.at, clock);
        f.at = clock;
      }
      const wait = pacer.renew(s.key, s.due, clock);
      if (wait > 0) {
        waiting.push({ ...s, due: clock + wait });
        continue;
      }
      const latency = 1 + Math.floor(random() * 60);
      const arrival = clock + random() * latency;
      arrivals.set(s.key, [...(arrivals.get(s.key) ?? []), arrival]);
      all.push(arrival);
      inFlight.push({ ...s, at: clock, answer: clock + latency });
    }
    expect(all).toHaveLength(1200);
    for (const w of EXACT.global) expect(holds(all, w.windowMs, w.max)).toBe(true);
    for (const times of arrivals.values()) for (const w of EXACT.perConversation) expect(holds(times, w.windowMs, w.max)).toBe(true);
    // The busiest conversation did reach its per-second limit, so the check is not vacuous.
    expect(Math.max(...[...arrivals.values()].map((t) => maxIn(t, 1000)))).toBe(7);
    expect(maxIn(all, 1000)).toBeGreaterThanOrEqual(45);
  });
});

/** At most `max` of `times` in any half-open interval of `windowMs`. */
function holds(times: number[], windowMs: number, max: number): boolean {
  return maxIn(times, windowMs) <= max;
}

/** The most of `times` in any half-open interval of `windowMs`. */
function maxIn(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
