// JSON batching for the tenant export: up to 20 GETs in one POST /$batch, inner responses that
// are throttled or unavailable (429/503/504) sent again — only those, after the longest
// Retry-After among them — and a tally of what was sent, for the export's own count of requests.
import type { Client } from '@microsoft/microsoft-graph-client';
import { graphClientSettings } from './client';
import { GraphReadError } from './errors';
import { graphCall } from './read';

/** Graph's limit on requests in one $batch. */
export const MAX_BATCH = 20;

export interface BatchGet {
  id: string;
  url: string;
}

export interface BatchAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** What the export sent: HTTP requests (a $batch once) and Graph requests (each inner request once, as Graph's throttling counts them). */
export interface RequestTally {
  http: number;
  graph: number;
  /** Inner responses throttled (429) or unavailable (503/504) and sent again. */
  innerRetries: number;
}

export interface BatchRetry {
  /** Times an inner request is sent again; default the client's maxRetries, else 3. */
  maxRetries?: number;
  /** An inner answer asking to wait longer than this is not retried (it fails); default the client's, else 30. */
  maxRetryAfterSeconds?: number;
  /** Wait when an inner 429/503/504 names no Retry-After; default 1000 ms. */
  defaultDelayMs?: number;
  /** Injected in tests (a fake clock); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([429, 503, 504]);

export async function batchGet(client: Client, requests: readonly BatchGet[], tally: RequestTally, retry: BatchRetry = {}): Promise<Map<string, BatchAnswer>> {
  if (requests.length > MAX_BATCH) throw new RangeError(`a $batch holds at most ${MAX_BATCH} requests, got ${requests.length}`);
  const settings = graphClientSettings(client);
  const maxRetries = retry.maxRetries ?? settings?.maxRetries ?? 3;
  const maxWait = retry.maxRetryAfterSeconds ?? settings?.maxRetryAfterSeconds ?? 30;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const answers = new Map<string, BatchAnswer>();
  let pending = [...requests];
  for (let attempt = 0; pending.length > 0; attempt++) {
    tally.http++;
    tally.graph += pending.length;
    const body = await resendOnDrop(
      () =>
        graphCall(client, 'POST', '/$batch', (request) =>
          request.post({ requests: pending.map((r) => ({ id: r.id, method: 'GET', url: r.url })) }) as Promise<{ responses?: { id: string; status: number; body?: unknown; headers?: Record<string, string> }[] }>,
        ),
      sleep,
    );
    const again: { request: BatchGet; waitMs: number }[] = [];
    for (const response of body.responses ?? []) {
      const request = pending.find((r) => r.id === response.id);
      if (!request) continue;
      const headers = response.headers ?? {};
      const waitMs = waitFor(headers, maxWait, retry.defaultDelayMs ?? 1000);
      if (RETRYABLE.has(response.status) && attempt < maxRetries && waitMs !== undefined) again.push({ request, waitMs });
      else answers.set(request.id, { status: response.status, body: response.body, headers });
    }
    const missing = pending.filter((r) => !answers.has(r.id) && !again.some((a) => a.request === r));
    if (missing.length > 0) {
      throw new GraphReadError(`Graph POST /$batch: no response for ${missing.map((r) => r.url).join(', ')}`, { kind: 'other', status: null, method: 'POST', path: '/$batch' });
    }
    if (again.length === 0) break;
    tally.innerRetries += again.length;
    await sleep(Math.max(...again.map((a) => a.waitMs)));
    pending = again.map((a) => a.request);
  }
  return answers;
}

/**
 * Sends a read again when the connection dropped under it (a keep-alive connection the server
 * closed as we reused it: "other side closed", a reset) — up to 3 times, a second apart. A refused
 * connection or a timeout is not a drop: it fails at once. Only for reads ($batch of GETs included).
 */
export async function resendOnDrop<T>(send: () => Promise<T>, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const dropped = error instanceof GraphReadError && error.kind === 'unavailable' && error.status === null && !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(error.message);
      if (!dropped || attempt >= 3) throw error;
      await sleep(1000);
    }
  }
}

/** Milliseconds to wait before sending again; undefined when Graph asks for longer than we wait. */
function waitFor(headers: Record<string, string>, maxWaitSeconds: number, defaultMs: number): number | undefined {
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === 'retry-after')?.[1];
  if (value === undefined) return defaultMs;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return defaultMs;
  return seconds <= maxWaitSeconds ? seconds * 1000 : undefined;
}

/** A failed inner answer as the GraphReadError a direct GET would have thrown. */
export function innerError(answer: BatchAnswer, path: string): GraphReadError {
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const kind = answer.status === 404 ? 'notFound' : answer.status === 403 ? 'forbidden' : answer.status === 429 ? 'throttled' : 'other';
  return new GraphReadError(`Graph GET ${path}: ${answer.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim(), {
    kind,
    status: answer.status,
    code: error?.code ?? null,
    method: 'GET',
    path,
  });
}
