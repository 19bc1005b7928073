// The user's sign-ins from the sign-in log (GET /auditLogs/signIns, Graph v1.0; permission
// AuditLog.Read.All, and an Entra ID P1 licence in the tenant): the failed attempts behind the
// registration the user is stuck on, and the one they name by its Correlation ID or Request ID.
// Read through the Graph client like everything else; a 403 means the log cannot be read here.
import type { Client } from '@microsoft/microsoft-graph-client';
import { AUTHENTICATOR_APP_ID, MY_SIGN_INS_APP_ID, type SignInFact } from '../diagnosis/facts';
import { SIGN_IN_WINDOW_MS } from '../diagnosis/sign-ins';
import { parseSignIn } from '../snapshot/sign-ins';
import { GraphReadError } from './errors';
import { graphCall, PREFER_UNKNOWN_ENUM_MEMBERS, type GraphPage } from './read';

export { parseSignIn };

export const SIGN_INS_PATH = '/auditLogs/signIns';

// Sign-ins are read with Prefer: include-unknown-enum-members (read.ts): without it Graph answers
// the newer members of appliedConditionalAccessPolicyResult (reportOnlySuccess, reportOnlyFailure,
// reportOnlyNotApplied, reportOnlyInterrupted) as unknownFutureValue (an evolvable enum).

/** The apps whose sign-ins a passkey registration in Authenticator goes through. */
export const REGISTRATION_APP_IDS: readonly string[] = [AUTHENTICATOR_APP_ID, MY_SIGN_INS_APP_ID];

export interface ReadSignInsOptions {
  /** The user's object id (the log's userId). */
  userId: string;
  /** The end of the window ("now", or the CLI's --at); the window is the 24 hours before it. */
  at: Date;
  /** The Correlation ID or Request ID the user pasted: that sign-in is read too, whatever its app or time. */
  correlationId?: string;
  /** Page size ($top). Default 100. */
  pageSize?: number;
  /** Pages read per query at most (the newest come first). Default 5. */
  maxPages?: number;
  /** The whole read gives up after this long. Default 10 s. */
  timeoutMs?: number;
}

/** OData string literal: quotes doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
/** OData DateTimeOffset literal (unquoted), whole seconds. */
const dateTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The $filter for a user's sign-ins to one app in the 24 hours before `at`: userId, appId and
 * createdDateTime (ge/le) — properties the sign-in log filters on.
 */
export function windowFilter(userId: string, appId: string, at: Date): string {
  const from = new Date(at.getTime() - SIGN_IN_WINDOW_MS);
  return `userId eq ${literal(userId)} and appId eq ${literal(appId)} and createdDateTime ge ${dateTime(from)} and createdDateTime le ${dateTime(at)}`;
}

/** The $filter for one user's sign-in by correlation id. */
export function correlationFilter(userId: string, correlationId: string): string {
  return `correlationId eq ${literal(correlationId)} and userId eq ${literal(userId)}`;
}

/**
 * Reads the user's sign-ins to Microsoft Authenticator and My Sign-ins in the 24 hours before
 * `at` (newest first, paged), plus the one named by `correlationId` (by correlationId, or by id —
 * the Request ID). Throws GraphReadError: kind `forbidden` when the log cannot be read (no
 * AuditLog.Read.All, or no Entra ID P1 licence), `timeout` after `timeoutMs`.
 */
export async function readSignIns(client: Client, options: ReadSignInsOptions): Promise<SignInFact[]> {
  const top = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const reads: Promise<SignInFact[]>[] = REGISTRATION_APP_IDS.map((appId) =>
    readPages(client, `${SIGN_INS_PATH}?$filter=${encodeURIComponent(windowFilter(options.userId, appId, options.at))}&$top=${top}`, maxPages),
  );
  const correlationId = options.correlationId?.trim();
  if (correlationId) {
    reads.push(readPages(client, `${SIGN_INS_PATH}?$filter=${encodeURIComponent(correlationFilter(options.userId, correlationId))}&$top=${top}`, 1));
    reads.push(readById(client, correlationId));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GraphReadError(`the sign-in log did not answer within ${timeoutMs} ms`, { kind: 'timeout', status: null, method: 'GET', path: SIGN_INS_PATH })),
      timeoutMs,
    );
  });
  try {
    const lists = await Promise.race([Promise.all(reads), timeout]);
    const byId = new Map<string, SignInFact>();
    // Only this user's sign-ins, whatever a pasted id points at.
    for (const s of lists.flat()) if (!s.userId || s.userId.toLowerCase() === options.userId.toLowerCase()) byId.set(s.id, s);
    return [...byId.values()].sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime) || a.id.localeCompare(b.id));
  } finally {
    clearTimeout(timer);
  }
}

async function readPages(client: Client, first: string, maxPages: number): Promise<SignInFact[]> {
  const out: SignInFact[] = [];
  let next: string | undefined = first;
  for (let page = 0; next && page < maxPages; page++) {
    const body: GraphPage<unknown> = await graphCall(client, 'GET', next, (r) => r.header('Prefer', PREFER_UNKNOWN_ENUM_MEMBERS).get() as Promise<GraphPage<unknown>>);
    for (const raw of body.value ?? []) {
      const s = parseSignIn(raw);
      if (s) out.push(s);
    }
    next = body['@odata.nextLink'];
  }
  return out;
}

/** GET /auditLogs/signIns/{id}: the sign-in whose Request ID the user pasted; none when there is no such id. */
async function readById(client: Client, id: string): Promise<SignInFact[]> {
  try {
    const raw = await graphCall(client, 'GET', `${SIGN_INS_PATH}/${encodeURIComponent(id)}`, (r) => r.header('Prefer', PREFER_UNKNOWN_ENUM_MEMBERS).get() as Promise<unknown>);
    const s = parseSignIn(raw);
    return s ? [s] : [];
  } catch (e) {
    if (e instanceof GraphReadError && (e.kind === 'notFound' || e.kind === 'badRequest')) return [];
    throw e;
  }
}
