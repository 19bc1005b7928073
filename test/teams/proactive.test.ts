// ProactiveSender over the real botbuilder CloudAdapter (offline credentials) against a loopback
// connector that enforces Teams' limits and injects faults. Limits run 5x faster than Teams'
// (windows x 0.2) so the suite stays quick; the bench runs the real ones.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TEAMS_LIMITS, scaleLimits } from '../../src/notices/pacing';
import { BotbuilderMessenger } from '../../src/teams/botbuilder-messenger';
import { ProactiveSender, type SendResult } from '../../src/delivery/proactive-sender';
import { startRateLimitedConnector, type RateLimitedConnector } from '../http/rate-limited-connector';

const LIMITS = scaleLimits(TEAMS_LIMITS, 0.2, 20); // per conversation 7/200 ms, 8/400 ms, 60/6 s; app 50/200 ms

function adapterFor() {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  let turnErrors = 0;
  // As src/teams/adapter.ts does: a failing turn apologises in the conversation. A proactive send
  // must never get there (the apology would be one more message, possibly a duplicate-looking one).
  adapter.onTurnError = async (context) => {
    turnErrors++;
    await context.sendActivity('Sorry, something went wrong on my side. Please try again.').catch(() => undefined);
  };
  return { adapter, messenger: new BotbuilderMessenger(adapter, ''), turnErrors: () => turnErrors };
}

const refTo = (connector: RateLimitedConnector, conversationId: string) => ({
  channelId: 'msteams',
  serviceUrl: connector.url,
  bot: { id: '28:bot', name: 'Passkey help' },
  conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant', isGroup: false, name: '' },
});

let connector: RateLimitedConnector | undefined;
afterEach(async () => {
  await connector?.close();
  connector = undefined;
});

describe('ProactiveSender against a Teams-like connector', () => {
  it('delivers 500 messages to 50 conversations exactly once, inside the limits, through injected faults', async () => {
    const conversations = Array.from({ length: 50 }, (_, i) => `a:conv-${String(i).padStart(2, '0')}`);
    const uninstalled = [conversations[7], conversations[23]];
    connector = await startRateLimitedConnector({
      limits: LIMITS,
      faults: { rate429: 0.02, retryAfterSeconds: 1, rate500: 0.01, rate503: 0.01, seed: 2026 },
      uninstalled,
      latencyMs: 3,
    });
    const { messenger, turnErrors } = adapterFor();
    const logs: Record<string, unknown>[] = [];
    const sender = new ProactiveSender({
      messenger,
      limits: LIMITS,
      maxInFlight: 16,
      baseDelayMs: 50,
      maxDelayMs: 1000,
      parkAfterMs: 200,
      log: (e) => logs.push(e),
    });

    const started = performance.now();
    const jobs: Promise<SendResult & { conversationId: string; noticeId: string }>[] = [];
    for (let i = 0; i < 10; i++) {
      for (const conversationId of conversations) {
        const noticeId = `${conversationId}#${i}`;
        const activity = { type: 'message', text: `Notice ${i}: your TAP is Secret-${i}-${conversationId}`, channelData: { noticeId } };
        jobs.push(sender.send(refTo(connector, conversationId), activity).then((r) => ({ ...r, conversationId, noticeId })));
      }
    }
    const results = await Promise.all(jobs);
    const elapsedMs = performance.now() - started;
    const c = connector;

    // Outcomes: everything reachable sent, the two uninstalled conversations undeliverable after one attempt each.
    const sent = results.filter((r) => r.outcome === 'sent');
    const undeliverable = results.filter((r) => r.outcome === 'undeliverable');
    expect(results.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(sent).toHaveLength(480);
    expect(undeliverable).toHaveLength(20);
    for (const r of undeliverable) {
      expect(uninstalled).toContain(r.conversationId);
      expect(r).toMatchObject({ status: 403, attempts: 1 });
    }

    // Zero losses, zero duplicates: every sent notice accepted exactly once, under the id the sender reported.
    expect(c.duplicates().size).toBe(0);
    expect(c.accepted.map((a) => a.marker).sort()).toEqual(sent.map((r) => r.noticeId).sort());
    const idOf = new Map(c.accepted.map((a) => [a.marker, a.activityId]));
    for (const r of sent) expect(r.activityId).toBe(idOf.get(r.noticeId));

    // In order within each conversation, retries included.
    for (const conversationId of conversations) {
      const order = c.accepted.filter((a) => a.conversationId === conversationId).map((a) => Number(a.marker.split('#')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }

    // No limit broken by us: every 429 was an injected one.
    const tally = c.tally();
    expect(c.violations).toEqual([]);
    expect(tally.violation).toBe(0);
    expect(c.requests.filter((r) => r.status === 429).every((r) => r.outcome === 'fault-429')).toBe(true);
    expect(tally['fault-429'] + tally['fault-500'] + tally['fault-503']).toBeGreaterThan(0);

    // One HTTP request per attempt: botbuilder's own retries are off, so the counts add up.
    expect(results.reduce((n, r) => n + r.attempts, 0)).toBe(c.requests.length);
    expect(c.maxInFlight).toBeLessThanOrEqual(16);
    expect(c.connections).toBeLessThanOrEqual(16);
    expect(turnErrors()).toBe(0);
    expect(c.accepted.some((a) => /Sorry/.test(a.activity.text ?? ''))).toBe(false);

    // Logs: ids, statuses, attempts; no message text.
    expect(JSON.stringify(logs)).not.toMatch(/Secret-|TAP is/);
    expect(sender.stats()).toMatchObject({ sent: 480, undeliverable: 20, failed: 0, pending: 0, inFlight: 0 });

    const maxAttempts = Math.max(...results.map((r) => r.attempts));
    process.stdout.write(
      `proactive 500x50: ${Math.round(elapsedMs)} ms, ${c.requests.length} requests (${JSON.stringify(tally)}), ` +
        `max attempts ${maxAttempts}, max in flight ${c.maxInFlight}, connections ${c.connections}, violations ${c.violations.length}, headroom ms ${JSON.stringify(c.headroom())}\n`,
    );
  });

  it('paces busy conversations to the per-conversation windows (a channel and its threads counted together)', async () => {
    connector = await startRateLimitedConnector({ limits: LIMITS, faults: { rate429: 0.02, rate500: 0.02, seed: 7 }, latencyMs: 2 });
    const { messenger } = adapterFor();
    const sender = new ProactiveSender({ messenger, limits: LIMITS, baseDelayMs: 50, parkAfterMs: 200 });
    const channel = '19:helpdesk@thread.tacv2';
    const targets = ['a:alice', 'a:bob', channel, `${channel};messageid=1700000000000`];
    const started = performance.now();
    const results = await Promise.all(
      targets.flatMap((conversationId) =>
        Array.from({ length: 20 }, (_, i) =>
          sender.send(refTo(connector!, conversationId), { type: 'message', text: `update ${i}`, channelData: { noticeId: `${conversationId}#${i}` } }),
        ),
      ),
    );
    const elapsedMs = performance.now() - started;
    expect(results.every((r) => r.outcome === 'sent')).toBe(true);
    expect(connector.accepted).toHaveLength(80);
    expect(connector.duplicates().size).toBe(0);
    expect(connector.violations).toEqual([]);
    const headroom = connector.headroom();
    // The windows held; and they were what bounded the run: 40 messages to the channel need at
    // least (40 - 8) / 8 x 400 ms at 8 per 400 ms.
    expect(headroom.conversation[0] ?? 0).toBeGreaterThanOrEqual(0);
    expect(headroom.conversation[1] ?? 0).toBeGreaterThanOrEqual(0);
    expect(elapsedMs).toBeGreaterThan(1600);
    for (const conversationId of targets) {
      const order = connector.accepted.filter((a) => a.conversationId === conversationId).map((a) => Number(a.marker.split('#')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    process.stdout.write(
      `proactive 4x20: ${Math.round(elapsedMs)} ms, ${connector.requests.length} requests (${JSON.stringify(connector.tally())}), headroom ms ${JSON.stringify(headroom)}\n`,
    );
  });

  it('honours Retry-After: the next attempt reaches Teams no earlier than it said', async () => {
    connector = await startRateLimitedConnector({
      limits: LIMITS,
      script: {
        'a:throttled': [{ status: 429, headers: { 'Retry-After': '1' } }],
        'a:busy': [{ status: 503, headers: { 'Retry-After': '1' } }],
      },
    });
    const { messenger } = adapterFor();
    const sender = new ProactiveSender({ messenger, limits: LIMITS });
    const [a, b] = await Promise.all([
      sender.send(refTo(connector, 'a:throttled'), { type: 'message', text: 'one', channelData: { noticeId: 'one' } }),
      sender.send(refTo(connector, 'a:busy'), { type: 'message', text: 'two', channelData: { noticeId: 'two' } }),
    ]);
    expect(a).toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(b).toMatchObject({ outcome: 'sent', attempts: 2 });
    for (const id of ['a:throttled', 'a:busy']) {
      const seen = connector.requests.filter((r) => r.conversationId === id);
      expect(seen).toHaveLength(2); // no hidden SDK retries
      expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(1000);
    }
  });

  it('retries a 500 on its own schedule (not botbuilder’s 1 s), and gives up on 404 after one attempt', async () => {
    connector = await startRateLimitedConnector({ limits: LIMITS, script: { 'a:flaky': [{ status: 500 }] }, gone: ['a:gone'] });
    const { messenger } = adapterFor();
    // The sender's waits are recorded (and still really slept): what was waited is asserted, not
    // how long the machine took.
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    const sender = new ProactiveSender({ messenger, limits: LIMITS, baseDelayMs: 40, random: () => 0.5, sleep });
    await expect(sender.send(refTo(connector, 'a:flaky'), 'hello')).resolves.toMatchObject({ outcome: 'sent', attempts: 2 });
    const seen = connector.requests.filter((r) => r.conversationId === 'a:flaky');
    expect(seen.map((r) => r.status)).toEqual([500, 200]); // one retry, and no hidden botbuilder one
    expect(waits).toEqual([30]); // its own backoff: 40 ms ceiling, jitter 0.5 -> 30 ms (botbuilder would wait 1 s or more)
    await expect(sender.send(refTo(connector, 'a:gone'), 'hello')).resolves.toMatchObject({ outcome: 'undeliverable', status: 404, attempts: 1 });
    expect(connector.requests.filter((r) => r.conversationId === 'a:gone')).toHaveLength(1);
  });

  it('retries a connection lost after Teams took the message: at-least-once by default, at-most-once on request', async () => {
    connector = await startRateLimitedConnector({
      limits: LIMITS,
      // A stall far beyond the attempt timeout, and a timeout far beyond what a normal answer takes
      // on a busy machine: only the stalled attempts time out, every time.
      script: { 'a:reset': [{ reset: true }], 'a:stall': [{ stallMs: 60_000 }], 'a:reset-once': [{ reset: true }], 'a:stall-once': [{ stallMs: 60_000 }] },
    });
    const { messenger } = adapterFor();
    const atLeastOnce = new ProactiveSender({ messenger, limits: LIMITS, baseDelayMs: 20, attemptTimeoutMs: 1000 });
    const atMostOnce = new ProactiveSender({ messenger, limits: LIMITS, baseDelayMs: 20, attemptTimeoutMs: 1000, retryAmbiguous: false });
    const msg = (id: string) => ({ type: 'message', text: id, channelData: { noticeId: id } });
    const results = await Promise.all([
      atLeastOnce.send(refTo(connector, 'a:reset'), msg('r')),
      atLeastOnce.send(refTo(connector, 'a:stall'), msg('s')),
      atMostOnce.send(refTo(connector, 'a:reset-once'), msg('r1')),
      atMostOnce.send(refTo(connector, 'a:stall-once'), msg('s1')),
    ]);
    expect(results[0]).toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(results[1]).toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(results[2]).toMatchObject({ outcome: 'failed', code: 'ECONNRESET', attempts: 1 });
    expect(results[3]).toMatchObject({ outcome: 'failed', code: 'Timeout', attempts: 1 });
    // The price of each: a duplicate, or a message reported failed that the user did get.
    expect([...connector.duplicates().keys()].map((k) => k.split('\u0000')[1]).sort()).toEqual(['r', 's']);
    expect(connector.accepted.filter((a) => ['r1', 's1'].includes(a.marker))).toHaveLength(2);
  });

  it('without pacing, the same burst breaks the limits (the connector does enforce them)', async () => {
    connector = await startRateLimitedConnector({ limits: LIMITS });
    const { messenger } = adapterFor();
    const unpaced = new ProactiveSender({
      messenger,
      limits: { perConversation: [{ windowMs: 1, max: 1_000_000 }], global: [{ windowMs: 1, max: 1_000_000 }], marginMs: 0 },
      maxAttempts: 1,
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => unpaced.send(refTo(connector!, 'a:one'), `m${i}`)));
    expect(connector.violations.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 429).length).toBe(connector.violations.length);
  });
});
