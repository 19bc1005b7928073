// Structured JSON logs (pino). Secrets never reach them: known secret fields are censored by
// path, and any string that looks like a bearer token, a JWT or a client secret is scrubbed
// wherever it appears (messages, error texts, nested objects).
import pino from 'pino';

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

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createLog(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Log {
  const logger = pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'passkey-support-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
  return (event) => {
    const clean = scrubDeep(event) as Record<string, unknown>;
    const failed = typeof clean.event === 'string' && /failed|error|refused|undeliverable|uncertain/.test(clean.event);
    if (failed) logger.warn(clean);
    else logger.info(clean);
  };
}
