// JSON batching (POST /$batch): checks the payload like Graph (at most 20 requests, unique ids,
// known dependsOn ids), runs each inner request through the same dispatcher as a direct request,
// and answers a 424 for a request whose dependency failed.
import { badRequest, graphErrorBody, invalidJson, type RequestIds } from './graph-error';
import { MALFORMED_BODY, type RouteResponse } from './routes';

export const MAX_BATCH_REQUESTS = 20;

export interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Parsed JSON body, undefined when absent, MALFORMED_BODY when unreadable. */
  body: unknown;
  dependsOn: string[];
}

type Json = Record<string, unknown>;

/** Runs a batch; `dispatch` answers one inner request (errors already turned into responses). */
export function runBatch(payload: unknown, dispatch: (request: InnerRequest) => RouteResponse, ids: RequestIds): RouteResponse {
  const requests = readPayload(payload);
  const results = new Map<string, RouteResponse>();
  // Run in order, but never before the requests a request depends on.
  let pending = requests;
  while (pending.length) {
    const ready = pending.filter((r) => r.dependsOn.every((dep) => results.has(dep)));
    if (!ready.length) throw badRequest('Invalid batch payload format: dependsOn forms a cycle.');
    for (const request of ready) {
      const failed = request.dependsOn.find((dep) => (results.get(dep) as RouteResponse).status >= 400);
      results.set(
        request.id,
        failed === undefined
          ? dispatch(request)
          : {
              status: 424,
              body: graphErrorBody({ code: 'FailedDependency', message: `The request depends on request '${failed}', which failed.` }, ids),
            },
      );
    }
    pending = pending.filter((r) => !results.has(r.id));
  }
  return {
    status: 200,
    body: {
      responses: requests.map((request) => {
        const result = results.get(request.id) as RouteResponse;
        // The SDK's BatchResponseContent looks for exactly "Content-Type"; a 204 must carry no body.
        const headers: Record<string, string> = { ...(result.status === 204 ? {} : { 'Content-Type': 'application/json' }), ...result.headers };
        const response: Json = { id: request.id, status: result.status, headers };
        if (result.status !== 204 && result.body !== undefined) response.body = result.body;
        return response;
      }),
    },
  };
}

function readPayload(payload: unknown): InnerRequest[] {
  if (payload === MALFORMED_BODY) throw invalidJson();
  if (typeof payload !== 'object' || payload === null || !Array.isArray((payload as Json).requests)) {
    throw badRequest("Invalid batch payload format: expected a JSON object with a 'requests' array.");
  }
  const list = (payload as Json).requests as unknown[];
  if (list.length === 0) throw badRequest('Invalid batch payload format: the batch contains no requests.');
  if (list.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `Invalid batch payload format: the batch contains ${list.length} requests; the maximum is ${MAX_BATCH_REQUESTS}.`,
    );
  }
  const seen = new Set<string>();
  const requests = list.map((item, index): InnerRequest => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Json;
    const where = `requests[${index}]`;
    if (typeof r.id !== 'string' || !r.id) throw badRequest(`Invalid batch payload format: ${where}.id must be a non-empty string.`);
    if (seen.has(r.id)) throw badRequest(`Invalid batch payload format: duplicate request id '${r.id}'.`);
    seen.add(r.id);
    if (typeof r.method !== 'string' || !r.method) throw badRequest(`Invalid batch payload format: ${where}.method is required.`);
    if (typeof r.url !== 'string' || !r.url) throw badRequest(`Invalid batch payload format: ${where}.url is required.`);
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string')) {
      throw badRequest(`Invalid batch payload format: ${where}.dependsOn must be an array of request ids.`);
    }
    return {
      id: r.id,
      method: r.method.toUpperCase(),
      url: r.url,
      headers: readHeaders(r.headers),
      body: readBody(r.body),
      dependsOn: dependsOn as string[],
    };
  });
  for (const request of requests) {
    const unknown = request.dependsOn.find((dep) => !seen.has(dep));
    if (unknown !== undefined) throw badRequest(`Invalid batch payload format: request '${request.id}' depends on unknown request '${unknown}'.`);
  }
  return requests;
}

function readHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [key, value] of Object.entries(headers)) if (typeof value === 'string') out[key.toLowerCase()] = value;
  return out;
}

/** Inner bodies are JSON values; a string body may also be JSON text or base64-encoded JSON (what the SDK sends for non-JSON bodies). */
function readBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  for (const text of [body, Buffer.from(body, 'base64').toString('utf8')]) {
    try {
      return JSON.parse(text);
    } catch {
      // try the next reading
    }
  }
  return MALFORMED_BODY;
}
