// Test-only fault injection: "fail the next N matching requests with 429/503/500" and "slow the
// next N matching requests down", so client retry and timeout behaviour can be exercised; "carry
// out the next N matching requests, then answer late" for a write that lands although the client
// gave up waiting (a timeout), or whose caller died before the answer came.
import { GraphHttpError } from './graph-error';

export type FaultStatus = 429 | 503 | 500;

export interface FailOptions {
  /** Retry-After header value for 429 and 503 (default 1 second). */
  retryAfterSeconds?: number;
  /** Only requests whose path (with query) contains this text; default every request. */
  pathContains?: string;
}

interface Rule {
  remaining: number;
  pathContains?: string;
}
interface FailRule extends Rule {
  status: FaultStatus;
  retryAfterSeconds: number;
}
interface DelayRule extends Rule {
  ms: number;
}

const FAULTS: Record<FaultStatus, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests. Retry after the time given in the Retry-After header.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Retry later.' },
  500: { code: 'InternalServerError', message: 'An internal server error occurred.' },
};

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

export class FaultPlan {
  private failures: FailRule[] = [];
  private delays: DelayRule[] = [];
  private lateAnswers: (DelayRule & { method?: string })[] = [];

  failNext(count: number, status: FaultStatus, options: FailOptions = {}): void {
    positiveInteger(count, 'count');
    if (!(status in FAULTS)) throw new RangeError(`status must be 429, 503 or 500, got ${status}`);
    const retryAfterSeconds = options.retryAfterSeconds ?? 1;
    if (!(retryAfterSeconds >= 0)) throw new RangeError(`retryAfterSeconds must be >= 0, got ${retryAfterSeconds}`);
    this.failures.push({ remaining: count, status, retryAfterSeconds, pathContains: options.pathContains });
  }

  delayNext(count: number, ms: number, pathContains?: string): void {
    positiveInteger(count, 'count');
    if (!(ms >= 0)) throw new RangeError(`ms must be >= 0, got ${ms}`);
    this.delays.push({ remaining: count, ms, pathContains });
  }

  /** Carries out the next `count` matching requests (by path and, when given, method), then holds their answers back `ms`. */
  answerLateNext(count: number, ms: number, match: { pathContains?: string; method?: string } = {}): void {
    positiveInteger(count, 'count');
    if (!(ms >= 0)) throw new RangeError(`ms must be >= 0, got ${ms}`);
    this.lateAnswers.push({ remaining: count, ms, pathContains: match.pathContains, method: match.method?.toUpperCase() });
  }

  /** Milliseconds to hold this request's answer back after carrying it out (0 when no rule matches). */
  takeLateAnswer(method: string, path: string): number {
    const index = this.lateAnswers.findIndex((r) => (r.method === undefined || r.method === method) && (r.pathContains === undefined || path.includes(r.pathContains)));
    if (index < 0) return 0;
    const rule = this.lateAnswers[index];
    rule.remaining -= 1;
    if (rule.remaining === 0) this.lateAnswers.splice(index, 1);
    return rule.ms;
  }

  /** The injected error for this request, if a rule matches (consuming one of its count). */
  takeFailure(path: string): GraphHttpError | undefined {
    const rule = take(this.failures, path);
    if (!rule) return undefined;
    const { code, message } = FAULTS[rule.status];
    const headers: Record<string, string> = rule.status === 500 ? {} : { 'Retry-After': String(rule.retryAfterSeconds) };
    return new GraphHttpError(rule.status, code, message, headers);
  }

  /** Milliseconds to hold this request back (0 when no rule matches). */
  takeDelay(path: string): number {
    return take(this.delays, path)?.ms ?? 0;
  }
}

/** First rule matching `path`, with its count consumed; spent rules are dropped. */
function take<T extends Rule>(rules: T[], path: string): T | undefined {
  const index = rules.findIndex((rule) => rule.pathContains === undefined || path.includes(rule.pathContains));
  if (index < 0) return undefined;
  const rule = rules[index];
  rule.remaining -= 1;
  if (rule.remaining === 0) rules.splice(index, 1);
  return rule;
}
