// The Graph client: the SDK's Client over our middleware chain
//   bearer token → SDK RetryHandler (429/503/504, Retry-After) → telemetry (a span per attempt,
//   only when Application Insights is on) → per-attempt timeout → fetch.
import type { TokenCredential } from '@azure/identity';
import {
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type FetchOptions,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { GRAPH_SCOPE } from './credentials';
import { GraphNetworkError, GraphTimeoutError } from './errors';
import { GraphTelemetryHandler, graphRetryEvent } from '../telemetry/graph';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

export interface GraphClientOptions {
  credential: TokenCredential;
  /** Default https://graph.microsoft.com; the loopback emulator passes its own. A trailing /v1.0 is accepted. */
  baseUrl?: string;
  /** Per attempt, response body included. Default 10000. */
  timeoutMs?: number;
  /** Retries on 429/503/504. Default 3 (the SDK caps it at 10). */
  maxRetries?: number;
  /**
   * Base delay between retries in seconds when the response has no Retry-After. Default 3.
   * The SDK adds up to 1 s of jitter and exponential back-off from the second retry on;
   * a Retry-After header, when present, replaces all of that.
   */
  retryDelaySeconds?: number;
  /** A response asking to wait longer than this (Retry-After, seconds) is not retried. Default 30. */
  maxRetryAfterSeconds?: number;
}

/** What the readers need to know about a client built here (paging links, error messages). */
export interface GraphClientSettings {
  /** Normalised: scheme://host[:port]/[prefix/], always ending in '/'. */
  baseUrl: string;
  version: string;
  timeoutMs: number;
  maxRetries: number;
  retryDelaySeconds: number;
  maxRetryAfterSeconds: number;
}

const settingsByClient = new WeakMap<Client, GraphClientSettings>();

/** The settings a client was created with, or undefined for a client not made by createGraphClient. */
export function graphClientSettings(client: Client): GraphClientSettings | undefined {
  return settingsByClient.get(client);
}

export function createGraphClient(options: GraphClientOptions): Client {
  const { baseUrl, version } = normaliseBaseUrl(options.baseUrl ?? DEFAULT_GRAPH_BASE_URL);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const retryDelaySeconds = options.retryDelaySeconds ?? 3; // the SDK's default
  const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 30;
  const settings: GraphClientSettings = { baseUrl, version, timeoutMs, maxRetries, retryDelaySeconds, maxRetryAfterSeconds };

  const middleware: Middleware[] = [
    new BearerTokenHandler(options.credential, new URL(baseUrl).origin),
    new RetryHandler(retryOptions(settings)),
    new GraphTelemetryHandler(),
    new TimeoutHandler(timeoutMs),
    new HTTPMessageHandler(),
  ];
  const client = Client.initWithMiddleware({ middleware, baseUrl, defaultVersion: version });
  settingsByClient.set(client, settings);
  return client;
}

/**
 * RetryHandler options from the client's settings. Passed per request (GraphRequest
 * .middlewareOptions) with a `tally`, they count the retries actually made, for error messages.
 */
export function retryOptions(settings: GraphClientSettings, tally?: { retries: number }): RetryHandlerOptions {
  return new RetryHandlerOptions(settings.retryDelaySeconds, settings.maxRetries, (_delay, attempt, _request, _options, response) => {
    // Graph may ask for minutes; a user waiting on a chat answer is better served by an error.
    const retryAfter = retryAfterSeconds(response);
    const retry = retryAfter === undefined || retryAfter <= settings.maxRetryAfterSeconds;
    graphRetryEvent(retry, attempt, response?.status, retryAfter);
    if (!retry) return false;
    if (tally) tally.retries++;
    return true;
  });
}

/** Retry-After in seconds (delta-seconds or HTTP date), if the response has one. */
export function retryAfterSeconds(response: Response | undefined): number | undefined {
  const value = response?.headers?.get('Retry-After');
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (new Date(value).getTime() - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
}

/**
 * The SDK builds URLs as join(baseUrl, version, path), and some of its code paths expect the base
 * to end in '/'. Accept "https://host", "https://host/" and "https://host/v1.0" alike.
 */
export function normaliseBaseUrl(raw: string): { baseUrl: string; version: string } {
  const url = new URL(raw);
  let path = url.pathname.replace(/\/+$/, '');
  let version = 'v1.0';
  const versioned = /\/(v1\.0|beta)$/.exec(path);
  if (versioned) {
    version = versioned[1];
    path = path.slice(0, -versioned[0].length);
  }
  return { baseUrl: `${url.origin}${path}/`, version };
}

/**
 * Adds "Authorization: Bearer" to requests for our Graph origin, and strips it from any other.
 * (The SDK's AuthenticationHandler only recognises https Graph hosts, so it would never sign
 * requests to the http loopback emulator.)
 */
class BearerTokenHandler implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly credential: TokenCredential,
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = (context.options ??= {});
    if (new URL(url).origin === this.origin) {
      // The @azure/identity credentials cache tokens and refresh them before expiry.
      const accessToken = await this.credential.getToken(GRAPH_SCOPE);
      if (!accessToken) throw new Error('The Graph credential returned no access token');
      setHeader(context, options, 'Authorization', `Bearer ${accessToken.token}`);
    } else {
      setHeader(context, options, 'Authorization', undefined);
    }
    await this.next!.execute(context);
  }
}

/**
 * Gives every attempt its own deadline: aborts fetch through context.options.signal (the SDK's
 * HTTPMessageHandler calls fetch(context.request, context.options)) and buffers the body inside
 * the same window, so a response that stalls mid-body also times out. Sits after the
 * RetryHandler, so each retry gets a fresh window; a timeout itself is not retried.
 */
class TimeoutHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly timeoutMs: number) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const options = (context.options ??= {});
    const callerSignal = options.signal ?? undefined;
    const controller = new AbortController();
    // The error is made only on a timeout: capturing a stack on every request costs more than the rest of this handler.
    const timedOut = { timedOut: true };
    const timer = setTimeout(() => controller.abort(timedOut), this.timeoutMs);
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forwardAbort();
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    options.signal = controller.signal;
    try {
      await this.next!.execute(context);
      if (context.response) context.response = await buffered(context.response);
    } catch (error) {
      if (controller.signal.reason === timedOut) throw new GraphTimeoutError(this.timeoutMs);
      if (callerSignal?.aborted) throw error;
      throw networkError(error);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
      options.signal = callerSignal;
    }
  }
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

async function buffered(response: Response): Promise<Response> {
  const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND...) is in its cause.
 * Duck-typed: fetch's errors may come from another realm (e.g. under jest), failing instanceof.
 */
function networkError(error: unknown): GraphNetworkError {
  type ErrorLike = { message?: unknown; code?: unknown; cause?: ErrorLike };
  const err = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const detail = text(err.cause?.message) ?? text(err.cause?.code) ?? text(err.message) ?? String(error);
  return new GraphNetworkError(detail);
}

/** Sets (or with undefined, removes) a request header, whatever shape the SDK gave the headers. */
function setHeader(context: Context, options: FetchOptions, name: string, value: string | undefined): void {
  if (typeof context.request !== 'string') {
    if (value === undefined) context.request.headers.delete(name);
    else context.request.headers.set(name, value);
    return;
  }
  const headers = options.headers;
  if (headers instanceof Headers) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  } else if (Array.isArray(headers)) {
    const kept = headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
    options.headers = value === undefined ? kept : [...kept, [name, value]];
  } else {
    const kept = Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
    options.headers = value === undefined ? kept : { ...kept, [name]: value };
  }
}
