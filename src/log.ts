// Structured JSON logs (pino). Secrets never reach them: known secret fields are censored by
// path, and any string that looks like a bearer token, a JWT or a client secret is scrubbed
// wherever it appears (messages, error texts, nested objects).
// On a terminal (npm start locally) the lines are printed readably by pino-pretty, in-process;
// anywhere else (a container, a pipe, App Service's log stream) they stay JSON, one per line.
// LOG_FORMAT=json or LOG_FORMAT=pretty overrides the choice.
import pino from 'pino';
import pretty from 'pino-pretty';

export type Log = (event: Record<string, unknown>) => void;

const SECRET_KEYS = ['temporaryAccessPass', 'tapValue', 'password', 'clientSecret', 'MicrosoftAppPassword', 'secret', 'token', 'accessToken', 'authorization', 'Authorization', 'cookie'];

const PATTERNS: RegExp[] = [
  /Bearer\s+[A-Za-z0-9._~+/=-]+/gi, // Authorization header values
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs
  /(client_secret|password|token)=([^&\s"]+)/gi, // form-encoded secrets in URLs or bodies
];

export function scrub(text: string): string {
  return PATTERNS.reduce((s, re) => s.replace(re, (m, key) => (typeof key === 'string' && m.includes('=') ? `${key}=[REDACTED]` : '[REDACTED]')), text);
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.some((s) => s.toLowerCase() === k.toLowerCase()) ? '[REDACTED]' : scrubDeep(v, depth + 1)]),
  );
}

/** Readable lines on a terminal, JSON otherwise (LOG_FORMAT=json|pretty overrides). */
export function prettyByDefault(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout): boolean {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return stdout.isTTY === true;
}

/**
 * A logger writing to `destination` (stdout by default): JSON lines, or with `pretty` (default:
 * prettyByDefault() when writing to stdout) readable lines, "[12:01:02] INFO: graph.call {"url":…}".
 */
export function createLog(options: { level?: string; destination?: NodeJS.WritableStream; pretty?: boolean } = {}): Log {
  const destination = options.destination ?? process.stdout;
  const readable = options.pretty ?? (options.destination === undefined && prettyByDefault());
  const logger = pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'passkey-support-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    readable ? pretty({ destination, colorize: !options.destination && process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service,event', messageFormat: '{event}', singleLine: true, sync: true }) : (destination as pino.DestinationStream),
  );
  return (event) => {
    const clean = scrubDeep(event) as Record<string, unknown>;
    const failed = typeof clean.event === 'string' && /failed|error|refused|undeliverable|uncertain/.test(clean.event);
    if (failed) logger.warn(clean);
    else logger.info(clean);
  };
}
