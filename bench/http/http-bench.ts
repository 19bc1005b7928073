// `npm run bench -- http`: turns per second and turn latency through POST /api/messages.
//
// Two bots on the same stack, measured in the same run with the same autocannon settings:
//  - echo: bench/http/echo-bot.ts, restify 11 + CloudAdapter + an ActivityHandler that echoes;
//  - diagnosis: the real bot (startBot, offline demo tenant behind the loopback Graph emulator,
//    embedded store in a temp DATA_DIR), each request a first message in a new conversation
//    that says enough (error, platform, OS version, same device) to be diagnosed at once;
//    measured with its defaults (warm caches: tenant facts, and each user's facts for a minute),
//    then again with USER_FACTS_TTL_SECONDS=0 (one Graph $batch on every turn).
// Both reply to the same loopback connector (test/http/loopback-connector.ts). CloudAdapter
// answers the POST only after the turn, reply POST included, so autocannon's latency is the
// whole turn.
//
// autocannon runs in a worker thread (`workers: 1`), so generating the load does not share the
// event loop with the bot under test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config';
import { startBot } from '../../src/index';
import { startConnector, type LoopbackConnector } from '../../test/http/loopback-connector';
import { DEMO, ROOT, TENANT_ID } from '../../test/http/helpers';
import { startEchoBot } from './echo-bot';

const autocannon = require('autocannon');

export interface HttpBenchOptions {
  connections: number;
  /** Seconds of measured load per server. */
  duration: number;
  /** Seconds of unmeasured load per server first (JIT, sockets, caches). */
  warmup: number;
  /** Seconds on a single connection afterwards: the turn latency without queueing. */
  unloaded: number;
}

export const DEFAULTS: HttpBenchOptions = { connections: 10, duration: 10, warmup: 3, unloaded: 3 };

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  completed: number;
  /** Answered turns, warm-up included, and the replies the connector received meanwhile. */
  turns: number;
  replies: number;
  one: { rps: number; p50: number; p99: number; failed: number };
}

// Personas: every user of the demo tenant. The text names an error, the platform with its version
// and "on the phone itself", so the intake has nothing to ask and the bot diagnoses at once.
const PERSONAS = (DEMO.users as any[]).map((u, i) => ({
  key: String(u.mail).split('@')[0],
  id: String(u.id),
  name: String(u.displayName),
  text: i % 2 === 0 ? 'AADSTS53003 on my Android 15 phone, on the phone itself' : 'AADSTS53003 on my iPhone, iOS 18, on the phone itself',
}));

/** A Teams message activity; `[<id>]` is replaced by autocannon with a fresh id per request. */
function activity(p: (typeof PERSONAS)[number], serviceUrl: string, id: string) {
  return {
    type: 'message',
    id: `bench-${id}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `${p.key}-teams-id`, name: p.name, aadObjectId: p.id },
    recipient: { id: 'bot-id', name: 'Passkey help' },
    conversation: { id: `bench-${p.key}-${id}`, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: { tenant: { id: TENANT_ID } },
    text: p.text,
  };
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/** The echo bot must answer a turn with its text (so both bots are measured doing a real turn). */
async function checkEchoReply(url: string, connector: LoopbackConnector): Promise<void> {
  const from = connector.sent.length;
  const status = await post(url, activity(PERSONAS[0], connector.url, 'check-echo'));
  const replies = connector.sent.slice(from).map((s) => s.activity);
  if (status !== 200 || replies.length !== 1 || replies[0].text !== PERSONAS[0].text) {
    throw new Error(`echo: expected HTTP 200 and the text back, got ${status} and ${JSON.stringify(replies).slice(0, 400)}`);
  }
}

/** One turn per persona outside the load: it must answer with exactly one card, the diagnosis. */
async function checkDiagnosisReplies(url: string, connector: LoopbackConnector): Promise<void> {
  for (const p of PERSONAS) {
    const from = connector.sent.length;
    const status = await post(url, activity(p, connector.url, `check-${p.key}`));
    const replies = connector.sent.slice(from).map((s) => s.activity);
    const card = replies[0]?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
    const actions = JSON.stringify(card?.actions ?? []);
    if (status !== 200 || replies.length !== 1 || !card || !actions.includes('"fixed"') || actions.includes('"answer"')) {
      throw new Error(`${p.key}: expected HTTP 200 and one diagnosis card, got ${status} and ${replies.length} replies: ${JSON.stringify(replies).slice(0, 400)}`);
    }
  }
}

async function drain(connector: LoopbackConnector): Promise<void> {
  // Turns still running when autocannon stopped finish on their own; let their replies land.
  for (let n = -1; n !== connector.sent.length; ) {
    n = connector.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * One turn at a time for `seconds` (a fetch from this event loop, timed to 0.01 ms): the turn
 * latency without queueing behind other turns, which autocannon's 1 ms histogram cannot resolve.
 */
async function sequential(url: string, connector: LoopbackConnector, seconds: number): Promise<Row['one']> {
  const times: number[] = [];
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const p = PERSONAS[i % PERSONAS.length];
    const body = activity(p, connector.url, `seq-${i}-${Date.now()}`);
    const t0 = performance.now();
    const status = await post(url, body);
    times.push(performance.now() - t0);
    if (status >= 300) failed++;
  }
  times.sort((a, b) => a - b);
  const q = (x: number) => times[Math.min(times.length - 1, Math.floor(x * times.length))];
  return { rps: times.length / seconds, p50: q(0.5), p99: q(0.99), failed };
}

/** The loaded run (warm-up first), then one turn at a time. */
async function load(name: string, url: string, connector: LoopbackConnector, o: HttpBenchOptions): Promise<Row> {
  const requests = PERSONAS.map((p) => ({ method: 'POST', path: '/api/messages', body: JSON.stringify(activity(p, connector.url, '[<id>]')) }));
  const before = connector.sent.length;
  const r = await autocannon({
    url,
    connections: o.connections,
    duration: o.duration,
    warmup: { connections: o.connections, duration: o.warmup },
    workers: 1,
    headers: { 'content-type': 'application/json' },
    requests,
    idReplacement: true,
    timeout: 10, // seconds; a turn slower than that counts as a timeout (reported with errors)
  });
  await drain(connector);
  const replies = connector.sent.length - before;
  return {
    name,
    rps: r.requests.mean,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    completed: r.latency.totalCount,
    turns: r.latency.totalCount + (r.warmup?.latency?.totalCount ?? 0),
    replies,
    one: await sequential(url, connector, o.unloaded),
  };
}

export async function httpBench(o: HttpBenchOptions = DEFAULTS): Promise<void> {
  const connector = await startConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-bench-'));
  const rows: Row[] = [];
  try {
    const echo = await startEchoBot();
    try {
      await checkEchoReply(echo.url, connector);
      rows.push(await load('echo', echo.url, connector, o));
    } finally {
      await echo.stop();
    }

    // The bot's own JSON log goes to stdout; it logs nothing on a healthy turn.
    // Twice: with its defaults (tenant facts and each user's facts cached, the "warm cache" the
    // target is set for), then reading the user's facts from Graph on every turn.
    for (const [name, userFactsTtl] of [
      ['diagnosis', undefined],
      ['diagnosis, user read from Graph every turn', '0'],
    ] as const) {
      const env: Record<string, string> = { PORT: '0', DATA_DIR: mkdtempSync(join(dataDir, 'run-')), WHAT_IF: process.env.WHAT_IF ?? 'off' };
      if (userFactsTtl !== undefined) env.USER_FACTS_TTL_SECONDS = userFactsTtl;
      const bot = await startBot(loadConfig(env, ROOT));
      try {
        await bot.graph.tenantFacts.get(); // warm the tenant-facts cache (TTL 300 s > this run)
        await checkDiagnosisReplies(bot.url, connector);
        rows.push(await load(name, bot.url, connector, o));
      } finally {
        await bot.stop();
      }
    }
  } finally {
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const [e, d, cold] = rows;
  const ratio = d.rps / e.rps;
  const ms = (v: number) => `${v} ms`;
  console.log(
    `${o.connections} connections, ${o.warmup} s warm-up + ${o.duration} s measured per bot; ${PERSONAS.length} demo personas, each request the first message of a new conversation; ` +
      'bot, Graph emulator and connector share one event loop, autocannon runs in a worker thread; latency resolution 1 ms.\n',
  );
  console.log('| bot | activities/s (mean) | latency median | p99 | errors / non-2xx | turns measured |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.errors} / ${r.non2xx} | ${r.completed} |`);
  console.log(
    `\n| diagnosis / echo | target | diagnosis p99 | target |\n|---|---|---|---|\n| ${ratio.toFixed(2)} | >= 0.5 ${ratio >= 0.5 ? '(met)' : '(missed)'} | ${ms(d.p99)} | < 100 ms ${d.p99 < 100 ? '(met)' : '(missed)'} |` +
      `\n\nReading each user from Graph on every turn (USER_FACTS_TTL_SECONDS=0): ${(cold.rps / e.rps).toFixed(2)} of the echo bot, p99 ${ms(cold.p99)}.`,
  );
  console.log(`\nOne turn at a time, ${o.unloaded} s per bot (latency without queueing; fetch client on the same event loop):\n\n| bot | activities/s | latency median | p99 | non-2xx |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.one.rps.toFixed(0)} | ${r.one.p50.toFixed(2)} ms | ${r.one.p99.toFixed(2)} ms | ${r.one.failed} |`);
  console.log(`\nReplies on the connector per answered turn (loaded run, warm-up included): ${rows.map((r) => `${r.name} ${r.replies} / ${r.turns}`).join(', ')}.`);
}
