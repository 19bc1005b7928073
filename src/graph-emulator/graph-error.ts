// Graph's error responses: handlers throw GraphHttpError, the server turns it into Graph's body
// shape {"error":{"code","message","innerError":{date, request-id, client-request-id}}}.

export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export function graphErrorBody(error: { code: string; message: string }, ids: RequestIds): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        // Graph writes this timestamp without milliseconds or zone designator.
        date: new Date().toISOString().slice(0, 19),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

// The errors Graph answers most often, with its own codes and wording.
export const notFound = (id: string): GraphHttpError =>
  new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, code = 'BadRequest'): GraphHttpError => new GraphHttpError(400, code, message);

export const invalidJson = (): GraphHttpError =>
  badRequest(
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );

export const methodNotAllowed = (): GraphHttpError =>
  new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.');

export const segmentNotFound = (segment: string): GraphHttpError =>
  badRequest(`Resource not found for the segment '${segment}'.`);
