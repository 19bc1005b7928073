// A loopback Bot Framework connector: the bot's replies (POST /v3/conversations/{id}/activities...)
// land here, so HTTP tests can read exactly what a Teams user would see.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sent {
  /** POST = a new message (or thread reply), PUT = an update of an existing one. */
  method: string;
  conversationId: string;
  activity: any;
}

export interface LoopbackConnector {
  url: string;
  sent: Sent[];
  /** Replies received (POST or PUT of an activity), recorded or not. */
  readonly received: number;
  /**
   * Default true. Off, replies are only counted, not parsed or kept: a load run would otherwise
   * hold every reply in this process's heap (the real connector is Microsoft's service, not the
   * bot's memory).
   */
  recording: boolean;
  /** Teams roster answers for GET /v3/conversations/{id}/members/{memberId}, by member id. */
  roster: Map<string, Record<string, unknown>>;
  /** Waits until `count` more activities have arrived since `from` (an index into sent). */
  waitFor(from: number, count: number, timeoutMs?: number): Promise<Sent[]>;
  close(): Promise<void>;
}

export async function startConnector(): Promise<LoopbackConnector> {
  const sent: Sent[] = [];
  const roster = new Map<string, Record<string, unknown>>();
  const waiters: (() => void)[] = [];
  let n = 0;
  let recording = true;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      if ((req.method === 'POST' || req.method === 'PUT') && m) {
        if (recording) sent.push({ method: req.method, conversationId: decodeURIComponent(m[1]), activity: body ? JSON.parse(body) : {} });
        waiters.splice(0).forEach((w) => w());
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${++n}` }));
        return;
      }
      const member = /\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
      if (req.method === 'GET' && member && roster.has(decodeURIComponent(member[1]))) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(roster.get(decodeURIComponent(member[1]))));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: 'no such member' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    sent,
    get received() {
      return n;
    },
    get recording() {
      return recording;
    },
    set recording(on: boolean) {
      recording = on;
    },
    roster,
    // The bound only turns a missing reply into a clear failure (before jest's timeout); replies are not timed.
    waitFor: (from, count, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} replies, got ${sent.length - from}`)), timeoutMs);
        const check = () => {
          if (sent.length - from >= count) {
            clearTimeout(timer);
            resolve(sent.slice(from, from + count));
          } else waiters.push(check);
        };
        check();
      }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
