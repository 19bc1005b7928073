// The Pacer on an injected clock: each of Teams' windows, penalties (Retry-After), no head-of-line
// blocking between conversations, bounded memory, and a randomised check against brute force.
import { GLOBAL, Pacer, TEAMS_LIMITS, scaleLimits, type PacingLimits, type RateWindow } from '../../src/notices/pacing';

const EXACT: PacingLimits = { ...TEAMS_LIMITS, marginMs: 0 };

describe('Pacer: the documented windows', () => {
  it('lets 7 messages to one conversation go at once and holds the 8th for the rest of the second', () => {
    const pacer = new Pacer(EXACT);
    const waits = Array.from({ length: 8 }, () => pacer.reserve('conv-a', 0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 1000]);
    // Another conversation is not held by conv-a's window.
    expect(pacer.reserve('conv-b', 0)).toBe(0);
  });

  it('holds the 9th for 2 s (Teams also documents 8 per 2 s)', () => {
    const pacer = new Pacer(EXACT);
    const waits = Array.from({ length: 10 }, () => pacer.reserve('conv-a', 0));
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 2000, 2000]);
  });

  it('holds the 61st message within 30 s until the first leaves the window', () => {
    const pacer = new Pacer(EXACT);
    // One every 400 ms stays inside the 1 s and 2 s windows: 60 in 23.6 s.
    for (let i = 0; i < 60; i++) expect(pacer.reserve('conv-a', i * 400)).toBe(0);
    expect(pacer.reserve('conv-a', 24_000)).toBe(30_000 - 24_000);
  });

  it('holds the 1,801st message within an hour', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 1800; i++) expect(pacer.reserve('conv-a', i * 1900)).toBe(0);
    const now = 1800 * 1900; // 3,420,000 ms
    expect(pacer.reserve('conv-a', now)).toBe(3_600_000 - now);
  });

  it('holds the 51st message of the app within a second, whatever the conversation', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 50; i++) expect(pacer.reserve(`conv-${i}`, 0)).toBe(0);
    expect(pacer.reserve('conv-50', 0)).toBe(1000);
    expect(pacer.reserve('conv-51', 500)).toBe(500); // the same slot's neighbour: at 1,000 too
  });

  it('adds the margin to every window', () => {
    const pacer = new Pacer({ ...TEAMS_LIMITS, marginMs: 50 });
    for (let i = 0; i < 7; i++) pacer.reserve('conv-a', 0);
    expect(pacer.reserve('conv-a', 0)).toBe(1050);
  });

  it('scales for fast tests', () => {
    const limits = scaleLimits(TEAMS_LIMITS, 0.1, 0);
    expect(limits.perConversation.map((w) => [w.windowMs, w.max])).toEqual([[100, 7], [200, 8], [3000, 60], [360_000, 1800]]);
    const pacer = new Pacer(limits);
    for (let i = 0; i < 7; i++) pacer.reserve('c', 0);
    expect(pacer.reserve('c', 0)).toBe(100);
  });

  it('rejects a window that allows nothing', () => {
    expect(() => new Pacer({ perConversation: [{ windowMs: 1000, max: 0 }], global: [] })).toThrow(/invalid rate window/);
  });
});

describe('Pacer: Retry-After, cancellations, fairness, memory', () => {
  it('honours a penalty on one conversation, and a global one on all', () => {
    const pacer = new Pacer(EXACT);
    pacer.penalise('conv-a', 3000);
    expect(pacer.reserve('conv-a', 1000)).toBe(2000);
    expect(pacer.reserve('conv-b', 1000)).toBe(0);
    pacer.penalise(GLOBAL, 5000);
    expect(pacer.reserve('conv-b', 1000)).toBe(4000);
    // A shorter penalty does not shorten a longer one.
    pacer.penalise('conv-c', 9000);
    pacer.penalise('conv-c', 6000);
    expect(pacer.reserve('conv-c', 5000)).toBe(4000);
  });

  it('gives a cancelled slot back', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 7; i++) pacer.reserve('conv-a', 0);
    const wait = pacer.reserve('conv-a', 0);
    expect(wait).toBe(1000);
    expect(pacer.peek('conv-a', 0)).toBe(2000);
    pacer.cancel('conv-a', 1000);
    expect(pacer.peek('conv-a', 0)).toBe(1000);
  });

  it('does not hold a quiet conversation behind a busy one (no head-of-line blocking)', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 7; i++) pacer.reserve('busy', 0);
    expect(pacer.reserve('busy', 0)).toBe(1000); // reserved for later
    // 42 more conversations now: the busy one's future slot does not push them back...
    for (let i = 0; i < 42; i++) expect(pacer.reserve(`quiet-${i}`, 10)).toBe(0);
    // ...and the app's window counts the future one: 7 + 42 = 49 now, +1 at 1,000.
    expect(pacer.reserve('one-more', 10)).toBe(0);
    expect(pacer.reserve('and-another', 10)).toBe(990); // at 1,000, when the 7 sent at 0 leave
  });

  it('forgets conversations once their windows have passed', () => {
    const pacer = new Pacer(EXACT);
    for (let i = 0; i < 10_000; i++) pacer.reserve(`user-${i}`, i * 20); // one each, 50 a second
    const busy = pacer.stats();
    expect(busy.keys).toBe(10_000); // all within the hour window
    pacer.reserve('late', 10_000 * 20 + 3_600_000);
    expect(pacer.stats()).toEqual({ keys: 1, entries: 2 });
  });

  it('keeps only the last hour of a long-lived busy conversation', () => {
    const pacer = new Pacer(EXACT);
    let now = 0;
    for (let i = 0; i < 20_000; i++) now += pacer.reserve('chatty', now) + 1;
    expect(pacer.stats().entries).toBeLessThanOrEqual(2 * 1800 + 2);
  });
});

/** At most w.max of `times` in any half-open interval of w.windowMs. */
function holds(times: number[], w: RateWindow): boolean {
  const s = [...times].sort((a, b) => a - b);
  for (let i = 0; i + w.max < s.length; i++) if (s[i + w.max] - s[i] < w.windowMs) return false;
  return true;
}

describe('Pacer: against brute force', () => {
  const limits: PacingLimits = {
    perConversation: [{ windowMs: 10, max: 3 }, { windowMs: 25, max: 5 }],
    global: [{ windowMs: 10, max: 6 }],
    marginMs: 0,
  };

  it('keeps every window and answers the earliest time that does, with cancellations', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 12; run++) {
      const pacer = new Pacer(limits);
      const byKey = new Map<string, number[]>();
      const all: number[] = [];
      let now = 0;
      for (let op = 0; op < 150; op++) {
        now += Math.floor(rnd() * 4);
        const key = `k${Math.floor(rnd() * 4)}`;
        const mine = byKey.get(key) ?? [];
        if (rnd() < 0.1 && mine.length > 0) {
          // Take back one of this conversation's reservations.
          const at = mine.splice(Math.floor(rnd() * mine.length), 1)[0];
          all.splice(all.indexOf(at), 1);
          pacer.cancel(key, at);
        }
        const ok = (t: number) => limits.perConversation.every((w) => holds([...mine, t], w)) && limits.global.every((w) => holds([...all, t], w));
        const at = now + pacer.reserve(key, now);
        expect(ok(at)).toBe(true);
        for (let t = now; t < at; t++) expect(ok(t)).toBe(false); // nothing earlier would have done
        mine.push(at);
        byKey.set(key, mine);
        all.push(at);
      }
    }
  });
});
