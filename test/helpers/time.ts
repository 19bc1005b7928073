// Time in tests without racing the wall clock.
//
// - fakeTimers(): jest's fake setTimeout/setInterval for the code under test (the Graph client's
//   timeout and retry sleeps, the Graph emulator's injected delays), while real I/O (sockets,
//   setImmediate, process.nextTick, promises) keeps running. Time moves only by advance(), so "the
//   retry waited 1 s" or "the request timed out while the server still held it" is decided by the
//   test, not by how busy the machine is. scheduled(ms) counts timers set for exactly `ms`, so a
//   test can wait until the code is really sleeping before it moves time on.
// - until(): waits for real I/O (a request reaching a loopback server) by polling a condition; the
//   bound only turns a hang into a clear failure, it is not what the test asserts.

// Captured at load, before any test installs fake timers.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

export interface FakeTimers {
  /** Moves fake time on by `ms`, running the timers that fall due (and the promises they settle). */
  advance(ms: number): Promise<void>;
  /** How many timers (setTimeout) have been set for exactly `ms` since install. */
  scheduled(ms: number): number;
  /** Back to real timers. */
  uninstall(): void;
}

export function fakeTimers(): FakeTimers {
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'Date', 'hrtime', 'performance'],
  });
  const delays: number[] = [];
  const fakeSetTimeout = globalThis.setTimeout;
  const recording = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    delays.push(ms ?? 0);
    return fakeSetTimeout(handler, ms, ...args);
  }) as unknown as typeof setTimeout;
  globalThis.setTimeout = Object.assign(recording, fakeSetTimeout);
  return {
    advance: async (ms) => {
      await jest.advanceTimersByTimeAsync(ms);
    },
    scheduled: (ms) => delays.filter((d) => d === ms).length,
    uninstall: () => jest.useRealTimers(),
  };
}

/** Resolves once `condition` holds; polls on real timers; rejects after `limitMs` saying what it waited for. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  let expired = false;
  const timer = realSetTimeout(() => (expired = true), limitMs);
  try {
    for (;;) {
      if (await condition()) return;
      if (expired) throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
      await new Promise((resolve) => realSetTimeout(resolve, 5));
    }
  } finally {
    realClearTimeout(timer);
  }
}

/** A promise whose state can be read synchronously (to assert "not settled yet"). */
export function track<T>(promise: Promise<T>): { promise: Promise<T>; readonly settled: boolean } {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined); // the test awaits `promise` itself
  return {
    promise: tracked,
    get settled() {
      return settled;
    },
  };
}

/** Lets pending I/O callbacks and promise chains run (real time, a few event-loop turns). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
