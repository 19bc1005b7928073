// A Graph client middleware: one CLIENT span per HTTP request the Graph client makes (each retry
// is a request of its own), a dependency in Application Insights. It sits after the SDK's
// RetryHandler, so a retried call shows as several spans: the first answered 429 (with the
// Retry-After it asked for, and a "graph.throttled" event), the next carries
// http.request.resend_count 1, and so on. The query string is left out of the URL (a $filter may
// name a user), and object ids and user names in the path become ":id" (graphOperation); Graph's
// request-id is kept, for Microsoft support.
// Without telemetry the middleware passes the request on and does nothing else.
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { recordError, spanEvent, telemetryOn, TRACER_NAME } from './index';

function requestHeader(context: Context, name: string): string | undefined {
  if (typeof context.request !== 'string') {
    const v = context.request.headers.get(name);
    if (v !== null) return v;
  }
  const headers = context.options?.headers;
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  const entries: [string, string][] = Array.isArray(headers) ? (headers as [string, string][]) : Object.entries(headers as Record<string, string>);
  return entries.find(([k]) => k.toLowerCase() === lower)?.[1];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The request's path with object ids and user names replaced by ":id", so spans group by
 * operation ("/v1.0/users/:id/authentication/methods") and no user name reaches telemetry.
 */
export function graphOperation(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment.includes('@') ? ':id' : segment.replace(GUID, ':id')))
    .join('/');
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export class GraphTelemetryHandler implements Middleware {
  private next?: Middleware;

  setNext(next: Middleware): void {
    this.next = next;
  }

  execute(context: Context): Promise<void> {
    if (!telemetryOn()) return this.next!.execute(context);
    const method = String(context.options?.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method)).toUpperCase();
    const url = new URL(typeof context.request === 'string' ? context.request : context.request.url);
    const operation = graphOperation(safeDecode(url.pathname));
    const resendCount = Number(requestHeader(context, 'Retry-Attempt') ?? 0) || 0;
    const attributes: Attributes = {
      'http.request.method': method,
      'url.full': `${url.origin}${operation}`,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      ...(resendCount > 0 ? { 'http.request.resend_count': resendCount } : {}),
    };
    return trace.getTracer(TRACER_NAME).startActiveSpan(`Graph ${method} ${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        await this.next!.execute(context);
        const response = context.response;
        if (response) {
          span.setAttribute('http.response.status_code', response.status);
          const requestId = response.headers.get('request-id');
          if (requestId) span.setAttribute('graph.request_id', requestId.slice(0, 64));
          const retryAfter = response.headers.get('Retry-After');
          if (retryAfter) span.setAttribute('graph.retry_after', retryAfter.slice(0, 40));
          if (response.status === 429) span.addEvent('graph.throttled', { 'graph.retry_after': retryAfter?.slice(0, 40) ?? 'none' });
          if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        }
      } catch (e) {
        span.setAttribute('error.type', String((e as Error)?.name ?? 'Error'));
        recordError(span, e);
        throw e;
      } finally {
        span.end();
      }
    });
  }
}

/** On the caller's span (a turn, a help-desk action): the RetryHandler decided to retry, or not to. */
export function graphRetryEvent(retry: boolean, attempt: number, status: number | undefined, retryAfterSeconds: number | undefined): void {
  spanEvent(retry ? 'graph.retry' : 'graph.retry.refused', {
    'graph.retry.attempt': attempt + 1,
    ...(status !== undefined ? { 'graph.retry.status': status } : {}),
    ...(retryAfterSeconds !== undefined ? { 'graph.retry_after_s': retryAfterSeconds } : {}),
  });
}
