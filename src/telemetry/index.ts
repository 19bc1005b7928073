// OpenTelemetry for the bot: spans for turns, Graph requests, help-desk actions and notices, and
// the business counters as OpenTelemetry metrics, all exported to Application Insights
// (start.ts) when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
//
// When it is not set, nothing is started: no SDK, no provider, no context manager. Every helper
// here then checks one boolean and calls the work as it is (no span object, no closure kept),
// so a turn costs what it cost before telemetry existed.
//
// Only @opentelemetry/api is imported here (a few kB of code, no side effects); the Azure Monitor
// distro is loaded by start.ts, and only when telemetry is switched on.
import { metrics as otelMetrics, SpanKind, SpanStatusCode, trace, type Attributes, type Counter, type Span } from '@opentelemetry/api';
import { scrub } from '../log';

export { SpanKind };

/** The instrumentation scope our spans and metrics carry. */
export const TRACER_NAME = 'passkey-support-bot';

let on = false;

/** Whether telemetry was started (start.ts). */
export function telemetryOn(): boolean {
  return on;
}

/** start.ts only: telemetry is being exported from now on (or no longer). */
export function setTelemetryOn(value: boolean): void {
  on = value;
  counters.clear();
  gauges.clear();
}

const tracer = () => trace.getTracer(TRACER_NAME);

/** Records an error on a span without secrets (scrubbed message and stack) and marks it failed. */
export function recordError(span: Span, error: unknown): void {
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  const message = scrub(String(e?.message ?? error)).split('\n')[0].slice(0, 500);
  span.recordException({ name: String(e?.name ?? 'Error'), message, stack: typeof e?.stack === 'string' ? scrub(e.stack) : undefined });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs `work` inside a span (the active span while it runs, so Graph requests and anything else
 * it does become its children). Without telemetry, runs `work` and nothing else. A span that
 * starts with no parent (a scheduler job, a timer) is a CONSUMER span, so Application Insights
 * shows it as an operation of its own (a request) rather than an orphan dependency.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span?: Span) => Promise<T>, end?: (span: Span, result: T) => void): Promise<T> {
  if (!on) return work();
  const root = !trace.getActiveSpan();
  // The exporter names a CONSUMER span's request by this attribute (it names only SERVER spans by their name).
  const kind = root ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  return tracer().startActiveSpan(name, { kind, attributes: root ? { ...attributes, 'ai.operation.name': name } : attributes }, async (span) => {
    try {
      const result = await work(span);
      end?.(span, result);
      return result;
    } catch (e) {
      recordError(span, e);
      throw e;
    } finally {
      span.end();
    }
  });
}

/** An event on the active span (a retry, a throttled request), when telemetry is on. */
export function spanEvent(name: string, attributes: Attributes): void {
  if (!on) return;
  trace.getActiveSpan()?.addEvent(name, attributes);
}

// ---- Turns: one SERVER span per incoming activity (POST /api/messages), on either edge ----

/** What a turn span needs of the HTTP response: the status the edge answers. */
interface StatusResponse {
  status(code: number): unknown;
  send(body?: unknown): unknown;
  end(): unknown;
}

const short = (v: unknown) => (typeof v === 'string' ? v.slice(0, 80) : undefined);

/**
 * Wraps an edge's POST /api/messages handler: one span per incoming activity, the request in
 * Application Insights ("POST /api/messages", its status code, the activity's type and name as
 * custom dimensions). Everything the turn does (Graph requests, help-desk actions, the SDK's
 * own spans, replies) is its child. Without telemetry, the handler itself is returned.
 */
export function tracedActivityHandler<Req extends { body?: unknown }>(sdk: string, handle: (req: Req, res: StatusResponse) => Promise<void>): (req: Req, res: StatusResponse) => Promise<void> {
  return (req, res) => {
    if (!on) return handle(req, res);
    const a = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const conversation = (a.conversation ?? {}) as Record<string, unknown>;
    const attributes: Attributes = {
      'http.request.method': 'POST',
      'http.route': '/api/messages',
      'url.path': '/api/messages',
      'url.scheme': 'http',
      'bot.sdk': sdk,
      ...(short(a.type) ? { 'bot.activity.type': short(a.type) } : {}),
      ...(short(a.name) ? { 'bot.activity.name': short(a.name) } : {}),
      ...(short(a.channelId) ? { 'bot.channel': short(a.channelId) } : {}),
      ...(short(conversation.conversationType) ? { 'bot.conversation.type': short(conversation.conversationType) } : {}),
    };
    // A root span: the Bot Framework Service's trace (if it sent one) is not ours to join.
    return tracer().startActiveSpan('POST /api/messages', { kind: SpanKind.SERVER, attributes, root: true }, async (span) => {
      let status = 200;
      const recording: StatusResponse = {
        status: (code: number) => {
          status = code;
          return res.status(code);
        },
        send: (body?: unknown) => res.send(body),
        end: () => res.end(),
      };
      try {
        await handle(req, recording);
      } catch (e) {
        status = 500;
        recordError(span, e);
        throw e;
      } finally {
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}

// ---- Help-desk actions and notices ----

/** One span per help-desk agent action ("helpdesk.take", "helpdesk.issueTap", ...), its outcome as an attribute. */
export function helpDeskSpan<T extends { outcome: string }>(action: string, ticketId: string, work: () => Promise<T>): Promise<T> {
  if (!on) return work();
  return inSpan(`helpdesk.${action}`, { 'helpdesk.action': action, 'helpdesk.ticket': ticketId.slice(0, 20) }, work, (span, result) => span.setAttribute('helpdesk.outcome', result.outcome));
}

/** One span per proactive message (a notice, a ticket card update), with its outcome and HTTP attempts. */
export function noticeSpan<T extends { outcome: string; attempts: number; status?: number }>(work: () => Promise<T>): Promise<T> {
  if (!on) return work();
  return inSpan('notice.send', {}, work, (span, result) => {
    span.setAttributes({ 'notice.outcome': result.outcome, 'notice.attempts': result.attempts, ...(result.status !== undefined ? { 'notice.status': result.status } : {}) });
    if (result.outcome !== 'sent') span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
  });
}

// ---- Metrics: the business counters, mirrored as OpenTelemetry metrics ----

const counters = new Map<string, Counter>();
const gauges = new Map<string, { value: Map<string, { v: number; labels: Attributes }> }>();

/** src/metrics.ts calls this for every counter increment; nothing happens without telemetry. */
export function otelCount(name: string, labels: Attributes, by: number, help?: string): void {
  if (!on) return;
  let counter = counters.get(name);
  if (!counter) counters.set(name, (counter = otelMetrics.getMeter(TRACER_NAME).createCounter(name, { description: help })));
  counter.add(by, labels);
}

/** src/metrics.ts calls this for every gauge set; the gauge is observed at each export. */
export function otelGauge(name: string, labels: Attributes, value: number, help?: string): void {
  if (!on) return;
  let gauge = gauges.get(name);
  if (!gauge) {
    const state = (gauge = { value: new Map<string, { v: number; labels: Attributes }>() });
    gauges.set(name, gauge);
    otelMetrics
      .getMeter(TRACER_NAME)
      .createObservableGauge(name, { description: help })
      .addCallback((result) => {
        for (const { v, labels: l } of state.value.values()) result.observe(v, l);
      });
  }
  gauge.value.set(JSON.stringify(labels), { v: value, labels });
}
