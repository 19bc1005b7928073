// ProactiveSender's decisions on a virtual clock, over a stub adapter that answers what each test
// scripts (errors shaped like @azure/core-rest-pipeline's RestError, as botbuilder throws them).
import type { TurnContext } from 'botbuilder';
import { TEAMS_LIMITS } from '../../src/notices/pacing';
import { BotbuilderMessenger, type ProactiveAdapter } from '../../src/teams/botbuilder-messenger';
import { ProactiveSender, retryAfterOf } from '../../src/delivery/proactive-sender';

type Answer = { id: string } | { status?: number; code?: string; headers?: Record<string, string>; name?: string } | Error;

function restError(a: { status?: number; code?: string; headers?: Record<string, string>; name?: string }) {
  const headers = new Map(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const err = Object.assign(new Error(`answered ${a.status ?? a.code}`), { name: a.name ?? 'RestError', statusCode: a.status, code: a.code });
  Object.defineProperty(err, 'response', { value: a.status ? { status: a.status, headers: { get: (n: string) => headers.get(n.toLowerCase()) } } : undefined });
  return err;
}

const CLIENT_KEY = Symbol('ConnectorClient');

/** A clock that sleeps instantly, and an adapter that answers from a script, noting when. */
function rig(answers: Answer[], options: Partial<ConstructorParameters<typeof ProactiveSender>[0]> = {}) {
  let clock = 0;
  const calls: { at: number; activity: any }[] = [];
  const removed: string[] = [];
  const logs: Record<string, unknown>[] = [];
  let turnErrors = 0;
  const adapter: ProactiveAdapter & { onTurnError?: unknown } = {
    ConnectorClientKey: CLIENT_KEY,
    async continueConversationAsync(_appId, _ref, logic) {
      const pipeline = { removePolicy: (p: { name: string }) => removed.push(p.name), addPolicy: () => undefined };
      const context = {
        turnState: new Map<unknown, unknown>([[CLIENT_KEY, { client: { pipeline } }]]),
        sendActivity: async (activity: any) => {
          calls.push({ at: clock, activity });
          const a = answers.shift() ?? { id: 'ok' };
          if (a instanceof Error) throw a;
          if ('id' in a) return { id: a.id };
          throw restError(a);
        },
      } as unknown as TurnContext;
      try {
        await logic(context);
      } catch {
        turnErrors++; // what onTurnError would have seen
      }
    },
  };
  const sender = new ProactiveSender({
    messenger: new BotbuilderMessenger(adapter, 'app', { log: (e) => logs.push(e) }),
    limits: { ...TEAMS_LIMITS, marginMs: 0 },
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    random: () => 0, // backoff = half its ceiling
    log: (e) => logs.push(e),
    ...options,
  });
  return { sender, calls, removed, logs, turnErrors: () => turnErrors, now: () => clock };
}

const ref = (id = 'a:conv-1') => ({ serviceUrl: 'http://127.0.0.1:9/', channelId: 'msteams', conversation: { id } as any });

describe('ProactiveSender: retries and giving up', () => {
  it('sends, and takes botbuilder’s own retry policy out of the connector pipeline', async () => {
    const r = rig([{ id: 'm-1' }]);
    await expect(r.sender.send(ref(), 'hello')).resolves.toEqual({ outcome: 'sent', activityId: 'm-1', attempts: 1 });
    expect(r.removed).toContain('defaultRetryPolicy');
  });

  it('waits as long as a 429 says (Retry-After in seconds) before the next attempt', async () => {
    const r = rig([{ status: 429, headers: { 'Retry-After': '3' } }, { id: 'm-1' }]);
    const result = await r.sender.send(ref(), 'hello');
    expect(result).toEqual({ outcome: 'sent', activityId: 'm-1', attempts: 2 });
    expect(r.calls[1].at - r.calls[0].at).toBeGreaterThanOrEqual(3000);
    expect(r.calls[1].at - r.calls[0].at).toBeLessThan(3100);
  });

  it('holds the whole conversation during a Retry-After, not just the message that got it', async () => {
    const r = rig([{ status: 429, headers: { 'Retry-After': '2' } }]);
    const [a, b] = await Promise.all([r.sender.send(ref(), 'first'), r.sender.send(ref(), 'second')]);
    expect([a.outcome, b.outcome]).toEqual(['sent', 'sent']);
    expect(r.calls.map((c) => c.activity.text)).toEqual(['first', 'first', 'second']); // order kept
    expect(r.calls[2].at).toBeGreaterThanOrEqual(2000);
  });

  it('reads Retry-After as an HTTP date, and retry-after-ms', () => {
    const wall = Date.parse('2026-10-05T14:00:00Z');
    expect(retryAfterOf(restError({ status: 429, headers: { 'Retry-After': 'Mon, 05 Oct 2026 14:00:05 GMT' } }), wall)).toBe(5000);
    expect(retryAfterOf(restError({ status: 429, headers: { 'retry-after-ms': '250' } }), wall)).toBe(250);
    expect(retryAfterOf(restError({ status: 429 }), wall)).toBeUndefined();
  });

  it('retries 5xx, 412 and network errors with exponential backoff, then sends', async () => {
    const r = rig([{ status: 500 }, { status: 502 }, { status: 503 }, { status: 412 }, { code: 'ECONNRESET' }, { id: 'm-1' }]);
    const result = await r.sender.send(ref(), 'hello');
    expect(result).toMatchObject({ outcome: 'sent', attempts: 6 });
    const gaps = r.calls.slice(1).map((c, i) => c.at - r.calls[i].at);
    expect(gaps).toEqual([500, 1000, 2000, 4000, 8000]); // 1 s base, doubling, "equal jitter" at its low end
  });

  it('gives up after maxAttempts on a persistent 5xx: failed, with the last status', async () => {
    const r = rig(Array.from({ length: 10 }, () => ({ status: 503 })));
    await expect(r.sender.send(ref(), 'hello')).resolves.toEqual({ outcome: 'failed', status: 503, code: undefined, attempts: 6 });
    expect(r.calls).toHaveLength(6);
  });

  it('caps the backoff', async () => {
    const r = rig(Array.from({ length: 10 }, () => ({ status: 500 })), { maxAttempts: 8, maxDelayMs: 5000 });
    await r.sender.send(ref(), 'hello');
    const gaps = r.calls.slice(1).map((c, i) => c.at - r.calls[i].at);
    expect(Math.max(...gaps)).toBe(2500);
  });

  it.each([
    [403, 'BotNotInConversationRoster'],
    [404, 'ConversationNotFound'],
  ])('gives up at once on %i: undeliverable after one attempt', async (status, code) => {
    const r = rig([{ status, code }]);
    await expect(r.sender.send(ref(), 'hello')).resolves.toEqual({ outcome: 'undeliverable', status, code, attempts: 1 });
    expect(r.calls).toHaveLength(1);
  });

  it('does not retry other 4xx, nor errors that are not HTTP or network errors', async () => {
    const r = rig([{ status: 400, code: 'BadArgument' }, new TypeError('a bug')]);
    await expect(r.sender.send(ref('c-1'), 'hello')).resolves.toMatchObject({ outcome: 'failed', status: 400, attempts: 1 });
    await expect(r.sender.send(ref('c-2'), 'hello')).resolves.toMatchObject({ outcome: 'failed', status: undefined, attempts: 1 });
  });

  it('fails rather than waits when Retry-After is beyond maxRetryAfterMs', async () => {
    const r = rig([{ status: 429, headers: { 'Retry-After': '3600' } }]);
    await expect(r.sender.send(ref(), 'hello')).resolves.toMatchObject({ outcome: 'failed', status: 429, attempts: 1 });
  });

  it('never lets an error reach the turn (onTurnError would message the user)', async () => {
    const r = rig([{ status: 500 }, { status: 403 }]);
    await r.sender.send(ref(), 'hello');
    expect(r.turnErrors()).toBe(0);
  });

  it('answers failed without a request for a reference it cannot use', async () => {
    const r = rig([]);
    await expect(r.sender.send({ conversation: { id: 'x' } as any }, 'hello')).resolves.toMatchObject({ outcome: 'failed', attempts: 0 });
    expect(r.calls).toHaveLength(0);
  });

  it('sends cards as Adaptive Card attachments', async () => {
    const r = rig([]);
    await r.sender.send(ref(), { type: 'AdaptiveCard', version: '1.5', body: [] });
    expect(r.calls[0].activity.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('logs conversation, status and attempts, never the message', async () => {
    const r = rig([{ status: 500 }, { status: 429, headers: { 'Retry-After': '1' } }, { id: 'm' }, { status: 403 }]);
    const secret = 'Your Temporary Access Pass: Xy7!Secret-TAP';
    await r.sender.send(ref('c-1'), secret);
    await r.sender.send(ref('c-2'), { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: secret }] });
    const text = JSON.stringify(r.logs);
    expect(text).not.toContain('Secret-TAP');
    expect(r.logs.map((e) => e.event)).toEqual(['proactive.retry', 'proactive.retry', 'proactive.sent', 'proactive.undeliverable']);
    for (const e of r.logs) expect(Object.keys(e).every((k) => ['event', 'conversationId', 'status', 'code', 'attempts', 'delayMs'].includes(k))).toBe(true);
    expect(r.sender.stats()).toMatchObject({ sent: 1, undeliverable: 1, failed: 0, attempts: 4, failures: { '500': 1, '429': 1, '403': 1 }, pending: 0 });
  });
});
