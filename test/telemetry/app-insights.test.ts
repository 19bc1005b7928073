// Application Insights end to end: with APPLICATIONINSIGHTS_CONNECTION_STRING pointing at a
// loopback ingestion endpoint, turns through the real HTTP edge (both SDKs) over the demo's
// loopback Graph arrive as requests whose Graph calls are dependencies of the same operation,
// children of the turn; a throttled Graph call shows its 429, Retry-After and retry; help-desk
// actions and notices have spans of their own; the business counters arrive as customMetrics.
// Exports are forced (flush), never waited for.
import { loadConfig } from '../../src/config';
import { ProactiveSender } from '../../src/delivery/proactive-sender';
import { startTelemetry, type Telemetry } from '../../src/telemetry/start';
import { requireTool } from '../helpers/requires';
import { cardOf, EDGES, persona, startHarness, submitData, TENANT_ID, type Harness } from '../http/helpers';
import { INSTRUMENTATION_KEY, opensslUnavailable, spansOf, startIngestion, type Envelope, type Ingestion } from './ingestion';

// Microsoft's own usage telemetry about the SDK (statsbeat) goes to Microsoft's endpoints: not from a test.
process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';

const CHANNEL = 'help-desk-channel';

requireTool('openssl (the loopback ingestion endpoint is https)', opensslUnavailable())('Application Insights (loopback ingestion)', () => {
  let ingestion: Ingestion;
  let telemetry: Telemetry;

  beforeAll(async () => {
    ingestion = await startIngestion();
    const settings = loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString }).telemetry;
    telemetry = (await startTelemetry(settings, { disableOfflineStorage: true, testOnlyIngestionCa: ingestion.ca, sampleEverything: true }))!;
  });
  afterAll(async () => {
    await telemetry?.shutdown();
    await ingestion?.close();
  });

  /** What the exporter sent while `work` ran, flushed. */
  async function exported(work: () => Promise<void>): Promise<Envelope[]> {
    await telemetry.flush();
    const from = ingestion.envelopes.length;
    await work();
    await telemetry.flush();
    return ingestion.envelopes.slice(from);
  }

  it('the exporter sends to the connection string\'s endpoint, with its instrumentation key', async () => {
    const sent = await exported(async () => undefined);
    void sent;
    expect(ingestion.posts.every((p) => p.path === '/v2.1/track')).toBe(true);
    expect(ingestion.envelopes.every((e) => (e.iKey ?? e.instrumentationKey) === INSTRUMENTATION_KEY)).toBe(true);
  });

  describe.each(EDGES)('on the %s edge', (sdk) => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ sdk, env: { APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString } });
    });
    afterAll(async () => {
      await h.stop();
    });

    /** The first reply with an Adaptive Card (a typing indicator may come first). */
    async function cardReply(as: string, message: { text?: string; value?: unknown }): Promise<unknown> {
      const from = h.connector.sent.length;
      await h.say(as, message, 1);
      for (let n = 1; ; n++) {
        const card = (await h.connector.waitFor(from, n)).find((s) => s.conversationId === `personal-${as}` && (s.activity as { attachments?: unknown[] }).attachments?.length);
        if (card) return card.activity;
      }
    }

    it('a turn is one request; its Graph calls are dependencies in the same operation, children of the turn, a 429 and its retry visible', async () => {
      const pia = persona('pia');
      const envelopes = await exported(async () => {
        h.bot.graph.emulator!.failNext(1, 429, { retryAfterSeconds: 0, pathContains: 'conditionalAccess/policies' });
        await h.say('pia', { text: 'AADSTS53003 on Android 15 on the phone itself' });
      });
      const spans = spansOf(envelopes);
      const turns = spans.filter((s) => s.kind === 'request');
      expect(turns).toHaveLength(1);
      const [turn] = turns;
      expect(turn).toMatchObject({ name: 'POST /api/messages', resultCode: '200', success: true, parentId: undefined });
      expect(turn.properties).toMatchObject({ 'bot.sdk': sdk, 'bot.activity.type': 'message', 'bot.channel': 'msteams', 'bot.conversation.type': 'personal' });

      const graph = spans.filter((s) => s.kind === 'dependency' && s.type === 'Http' && s.name.includes(' /v1.0/'));
      expect(graph.length).toBeGreaterThanOrEqual(5);
      const byId = new Map(spans.map((s) => [s.id, s]));
      for (const call of graph) {
        expect(call.operationId).toBe(turn.operationId);
        if (sdk === 'botbuilder') {
          expect(call.parentId).toBe(turn.id);
        } else {
          // The Agents SDK runs the turn inside its own span, itself a child of ours.
          const sdkSpan = byId.get(call.parentId!);
          expect(sdkSpan?.name).toBe('agents.adapter.process');
          expect(sdkSpan?.parentId).toBe(turn.id);
        }
      }
      // Throttled: the 429 (with its Retry-After) and the retry that answered, as two dependencies.
      const policies = graph.filter((s) => s.name === 'GET /v1.0/identity/conditionalAccess/policies');
      expect(policies.map((p) => [p.resultCode, p.success])).toEqual([
        ['429', false],
        ['200', true],
      ]);
      expect(policies[0].properties['graph.retry_after']).toBe('0');
      expect(policies[1].properties['http.request.resend_count']).toBe('1');
      const events = envelopes.filter((e) => e.data.baseType === 'MessageData').map((e) => ({ message: e.data.baseData.message, parentId: e.tags['ai.operation.parentId'] }));
      expect(events).toContainEqual({ message: 'graph.throttled', parentId: policies[0].id });
      expect(events.filter((e) => e.message === 'graph.retry').length).toBeGreaterThanOrEqual(1);
      // Graph's request-id for Microsoft support; no user id or name in what is sent.
      expect(graph.every((s) => /^[0-9a-f-]{36}$/.test(s.properties['graph.request_id']))).toBe(true);
      const sent = JSON.stringify(envelopes);
      for (const personal of [pia.id, pia.userPrincipalName, pia.mail, 'AADSTS53003 on Android']) expect(sent).not.toContain(personal);
      // The diagnosis counter, as an OpenTelemetry metric.
      const metricNames = envelopes.filter((e) => e.data.baseType === 'MetricData').flatMap((e) => e.data.baseData.metrics.map((m: { name: string }) => m.name));
      expect(metricNames).toContain('passkey_diagnoses_total');
      if (sdk === 'agents') expect(spans.some((s) => s.name === 'agents.turn.send_activities' && s.operationId === turn.operationId)).toBe(true);
    });

    it('a help-desk action has a span under its turn, with its outcome, and the Graph calls it makes under it', async () => {
      const diagnosis = await cardReply('tom', { text: 'my TAP expired, Android 15, on the phone itself' });
      const before = h.connector.sent.length;
      await h.say('tom', { value: submitData(cardOf(diagnosis), /Contact the help desk|Request a Temporary Access Pass/) }, 1);
      let post: (typeof h.connector.sent)[number] | undefined;
      for (let n = 1; !post; n++) post = (await h.connector.waitFor(before, n)).find((s) => s.conversationId === CHANNEL && s.method === 'POST');
      const ticketId = /PK-[A-Z0-9]{4}/.exec(JSON.stringify(post.activity))![0];
      const hana = persona('hana');
      const envelopes = await exported(async () => {
        const r = await h.invoke({
          type: 'invoke',
          name: 'adaptiveCard/action',
          id: `invoke-take-${sdk}`,
          channelId: 'msteams',
          serviceUrl: h.connector.url,
          from: { id: 'hana-teams-id', name: hana.displayName, aadObjectId: hana.id },
          recipient: { id: 'bot-id' },
          conversation: { id: CHANNEL, conversationType: 'channel', tenantId: TENANT_ID, isGroup: true },
          channelData: { tenant: { id: TENANT_ID }, channel: { id: CHANNEL } },
          value: { action: { type: 'Action.Execute', verb: 'ticket.take', data: { ticketId } }, trigger: 'manual' },
        });
        expect(r.status).toBe(200);
      });
      const spans = spansOf(envelopes);
      const turn = spans.find((s) => s.kind === 'request')!;
      expect(turn.properties).toMatchObject({ 'bot.activity.type': 'invoke', 'bot.activity.name': 'adaptiveCard/action' });
      const action = spans.find((s) => s.name === 'helpdesk.take')!;
      expect(action).toMatchObject({ kind: 'dependency', type: 'InProc', operationId: turn.operationId, success: true });
      expect(action.properties).toMatchObject({ 'helpdesk.action': 'take', 'helpdesk.ticket': ticketId, 'helpdesk.outcome': 'done' });
      // Its ancestry reaches the turn.
      const byId = new Map(spans.map((s) => [s.id, s]));
      let up = action;
      while (up.parentId && up.parentId !== turn.id) up = byId.get(up.parentId)!;
      expect(up.parentId).toBe(turn.id);
    });
  });

  it('a proactive send (a notice) has a span of its own, an operation when nothing started it', async () => {
    const failing = { send: jest.fn(async () => Promise.reject(Object.assign(new Error('Forbidden'), { statusCode: 403 }))), update: jest.fn() };
    const sender = new ProactiveSender({ messenger: failing, settleOnResponse: false });
    const envelopes = await exported(async () => {
      const result = await sender.send({ serviceUrl: 'https://smba.example/', conversation: { id: 'personal-noor' } } as never, 'Your exemption ends at 12:00');
      expect(result.outcome).toBe('undeliverable');
    });
    const notices = spansOf(envelopes).filter((s) => s.name === 'notice.send');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'request', parentId: undefined, success: false });
    expect(notices[0].properties).toMatchObject({ 'notice.outcome': 'undeliverable', 'notice.attempts': '1', 'notice.status': '403' });
  });
});
