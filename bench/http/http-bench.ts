// `npm run bench -- http`: turns per second and turn latency through POST /api/messages.
//
// Both Teams edges (BOT_SDK=botbuilder, the default, and agents: the Microsoft 365 Agents SDK),
// each against an echo bot on its own stack, measured in the same run with the same autocannon
// settings:
//  - echo: bench/http/echo-bot.ts, restify 11 + the edge's CloudAdapter + an ActivityHandler that echoes;
//  - diagnosis: the real bot on that edge (startBot, offline demo tenant behind the loopback
//    Graph emulator, embedded store in a temp DATA_DIR), each request a first message in a new
//    conversation that says enough (error, platform, OS version, same device) to be diagnosed at
//    once; measured with its defaults (warm caches: tenant facts, and each user's facts for a
//    minute), and on the default edge again with USER_FACTS_TTL_SECONDS=0 (one Graph $batch on every turn).
// Both reply to the same loopback connector (test/http/loopback-connector.ts), which during the
// load only counts replies (in production Microsoft's service parses them, not the bot's process;
// kept, they would fill this heap with the replies of every run). CloudAdapter
// answers the POST only after the turn, reply POST included, so autocannon's latency is the
// whole turn.
//
// WHAT_IF=off and SIGN_INS=off leave What If, or the sign-in log (two GETs per diagnosis), out.
//
// autocannon runs in a worker thread (`workers: 1`), so generating the load does not share the
// event loop with the bot under test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BOT_SDKS, loadConfig, type BotSdk } from '../../src/config';
import { startBot } from '../../src/index';
import type { DiagnoserOptions } from '../../src/support/diagnoser';
import { startConnector, type LoopbackConnector } from '../../test/http/loopback-connector';
import { DEMO, ROOT, TENANT_ID } from '../../test/http/helpers';
import { startEchoBot } from './echo-bot';

const autocannon = require('autocannon');

export interface HttpBenchOptions {
  connections: number;
  /** Seconds of measured load per bot, split into `rounds`. */
  duration: number;
  /**
   * The bots take turns, one short run each per round, so a change in the machine's load (this
   * is a shared 2-core machine) hits them alike; the ratio is the median of the rounds' ratios.
   */
  rounds: number;
  /** Seconds of unmeasured load per bot first (JIT, sockets, caches). */
  warmup: number;
  /** Seconds on a single connection afterwards: the turn latency without queueing. */
  unloaded: number;
}

export const DEFAULTS: HttpBenchOptions = { connections: 10, duration: 10, rounds: 5, warmup: 3, unloaded: 3 };

interface Bot {
  name: string;
  sdk: BotSdk;
  kind: 'echo' | 'diagnosis' | 'cold';
  url: string;
  stop(): Promise<void>;
  /** Events the bot logged about failed turns, diagnoses or What If calls. */
  failures?: string[];
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  completed: number;
}

interface Row {
  name: string;
  sdk: BotSdk;
  kind: Bot['kind'];
  rounds: Round[];
  /** Answered turns, warm-up included, and the replies the connector received meanwhile. */
  turns: number;
  replies: number;
  one?: { rps: number; p50: number; p99: number; failed: number };
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
    // A diagnosis card offers what to do next (it fixed it, the help desk, a TAP), and asks nothing.
    if (status !== 200 || replies.length !== 1 || !card || !/"action":"(fixed|contactHelpDesk|requestTap)"/.test(actions) || actions.includes('"answer"')) {
      throw new Error(`${p.key}: expected HTTP 200 and one diagnosis card, got ${status} and ${replies.length} replies: ${JSON.stringify(replies).slice(0, 400)}`);
    }
  }
}

async function drain(connector: LoopbackConnector): Promise<void> {
  // Turns still running when autocannon stopped finish on their own; let their replies land.
  for (let n = -1; n !== connector.received; ) {
    n = connector.received;
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

/** One autocannon run against a bot; `warmup` seconds of unmeasured load first when given. */
async function run(bot: Bot, connector: LoopbackConnector, o: HttpBenchOptions, seconds: number, warmup = 0): Promise<Round & { turns: number; replies: number }> {
  const requests = PERSONAS.map((p) => ({ method: 'POST', path: '/api/messages', body: JSON.stringify(activity(p, connector.url, '[<id>]')) }));
  const before = connector.received;
  const r = await autocannon({
    url: bot.url,
    connections: o.connections,
    duration: seconds,
    ...(warmup > 0 ? { warmup: { connections: o.connections, duration: warmup } } : {}),
    workers: 1,
    headers: { 'content-type': 'application/json' },
    requests,
    idReplacement: true,
    timeout: 10, // seconds; a turn slower than that counts as a timeout (reported with errors)
  });
  await drain(connector);
  return {
    rps: r.latency.totalCount / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    completed: r.latency.totalCount,
    turns: r.latency.totalCount + (r.warmup?.latency?.totalCount ?? 0),
    replies: connector.received - before,
  };
}

const median = (values: number[]) => {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

export async function httpBench(o: HttpBenchOptions = DEFAULTS): Promise<void> {
  const connector = await startConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-bench-'));
  const bots: Bot[] = [];
  const rows: Row[] = [];
  try {
    for (const sdk of BOT_SDKS) {
      const echo = await startEchoBot(sdk);
      bots.push({ name: `echo (${sdk})`, sdk, kind: 'echo', ...echo });
      await checkEchoReply(echo.url, connector);
    }
    // The real bot on each edge with its defaults (tenant facts and each user's facts cached: the
    // "warm cache" the target is set for), and on the default edge also reading the user's facts
    // from Graph on every turn. The replies are not kept during the load, so its log is the check
    // that every turn was a real diagnosis: a failed turn or diagnosis logs an event, counted here.
    for (const [sdk, kind] of [
      ['botbuilder', 'diagnosis'],
      ['agents', 'diagnosis'],
      ['botbuilder', 'cold'],
    ] as const) {
      // What If as in production (on, answered by the loopback server); WHAT_IF=off to compare.
      const env: Record<string, string> = { PORT: '0', BOT_SDK: sdk, DATA_DIR: mkdtempSync(join(dataDir, 'run-')), WHAT_IF: process.env.WHAT_IF ?? 'on' };
      if (kind === 'cold') env.USER_FACTS_TTL_SECONDS = '0';
      const failures: string[] = [];
      const log = (event: Record<string, unknown>) => {
        if (/failed|error|refused|unavailable|stale/.test(String(event.event))) failures.push(String(event.event));
      };
      const bot = await startBot(loadConfig(env, ROOT), { log });
      // SIGN_INS=off: the diagnoser reads no sign-in log (as in a tenant without AuditLog.Read.All
      // or Entra ID P1), to see what its two GETs per diagnosis cost here. Bench only: the option
      // has no setting of its own, so it is set on this bot's diagnoser.
      if (process.env.SIGN_INS === 'off') (bot.graph.diagnoser as unknown as { options: DiagnoserOptions }).options.signIns = false;
      bots.push({ name: kind === 'cold' ? `diagnosis (${sdk}), user read from Graph every turn` : `diagnosis (${sdk})`, sdk, kind, url: bot.url, stop: bot.stop, failures });
      await bot.graph.tenantFacts.get(); // warm the tenant-facts cache (TTL 300 s > this run)
      await checkDiagnosisReplies(bot.url, connector);
    }

    connector.recording = false; // replies are counted, not kept (see LoopbackConnector.recording)
    for (const bot of bots) {
      const warm = await run(bot, connector, o, 1, o.warmup);
      rows.push({ name: bot.name, sdk: bot.sdk, kind: bot.kind, rounds: [], turns: warm.turns, replies: warm.replies });
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const [i, bot] of bots.entries()) {
        const r = await run(bot, connector, o, o.duration / o.rounds);
        rows[i].rounds.push(r);
        rows[i].turns += r.turns;
        rows[i].replies += r.replies;
      }
    }
    for (const [i, bot] of bots.entries()) rows[i].one = await sequential(bot.url, connector, o.unloaded);
  } finally {
    for (const bot of bots) await bot.stop();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const row = (sdk: BotSdk, kind: Bot['kind']) => rows.find((r) => r.sdk === sdk && r.kind === kind)!;
  /** Round by round, a's throughput over b's (the bots take turns, so each round compares like with like). */
  const ratios = (a: Row, b: Row) => a.rounds.map((r, i) => r.rps / b.rounds[i].rps);
  const total = (r: Row, f: (round: Round) => number) => r.rounds.reduce((sum, round) => sum + f(round), 0);
  const p99 = (r: Row) => Math.max(...r.rounds.map((x) => x.p99));
  const ms = (v: number) => `${v} ms`;
  const list = (values: number[]) => values.map((x) => x.toFixed(2)).join(', ');
  console.log(
    `${o.connections} connections; per bot ${o.warmup} s warm-up, then ${o.rounds} rounds of ${o.duration / o.rounds} s with the bots taking turns; ${PERSONAS.length} demo personas, each request the first message of a new conversation; ` +
      'bot, Graph emulator and connector share one event loop, autocannon runs in a worker thread; latency resolution 1 ms; ' +
      `What If ${process.env.WHAT_IF ?? 'on'}, sign-in log ${process.env.SIGN_INS === 'off' ? 'off (SIGN_INS=off)' : 'read on every diagnosis'}.\n`,
  );
  console.log('| bot | activities/s (mean) | latency median (of rounds) | p99 (worst round) | errors / non-2xx | turns measured |\n|---|---|---|---|---|---|');
  for (const r of rows) {
    const seconds = o.duration;
    console.log(`| ${r.name} | ${(total(r, (x) => x.completed) / seconds).toFixed(0)} | ${ms(median(r.rounds.map((x) => x.p50)))} | ${ms(p99(r))} | ${total(r, (x) => x.errors)} / ${total(r, (x) => x.non2xx)} | ${total(r, (x) => x.completed)} |`);
  }
  console.log('\n| edge | diagnosis / echo of the same edge (median of rounds) | rounds | target | diagnosis p99 | target |\n|---|---|---|---|---|---|');
  for (const sdk of BOT_SDKS) {
    const d = row(sdk, 'diagnosis');
    const ratio = median(ratios(d, row(sdk, 'echo')));
    console.log(`| ${sdk} | ${ratio.toFixed(2)} | ${list(ratios(d, row(sdk, 'echo')))} | >= 0.5 ${ratio >= 0.5 ? '(met)' : '(missed)'} | ${ms(p99(d))} | < 100 ms ${p99(d) < 100 ? '(met)' : '(missed)'} |`);
  }
  const agentsOverBotbuilder = (kind: Bot['kind']) => ratios(row('agents', kind), row('botbuilder', kind));
  console.log(
    `\nAgents SDK edge over botbuilder edge (median of rounds): echo ${median(agentsOverBotbuilder('echo')).toFixed(2)} (rounds ${list(agentsOverBotbuilder('echo'))}), ` +
      `diagnosis ${median(agentsOverBotbuilder('diagnosis')).toFixed(2)} (rounds ${list(agentsOverBotbuilder('diagnosis'))}).`,
  );
  const cold = row('botbuilder', 'cold');
  console.log(
    `\nReading each user from Graph on every turn (USER_FACTS_TTL_SECONDS=0, botbuilder edge): ${median(ratios(cold, row('botbuilder', 'echo'))).toFixed(2)} of its echo bot (rounds ${list(ratios(cold, row('botbuilder', 'echo')))}), p99 ${ms(p99(cold))}.`,
  );
  console.log(`\nOne turn at a time, ${o.unloaded} s per bot (latency without queueing; fetch client on the same event loop):\n\n| bot | activities/s | latency median | p99 | non-2xx |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.one!.rps.toFixed(0)} | ${r.one!.p50.toFixed(2)} ms | ${r.one!.p99.toFixed(2)} ms | ${r.one!.failed} |`);
  console.log(`\nReplies on the connector per answered turn (warm-up included): ${rows.map((r) => `${r.name} ${r.replies} / ${r.turns}`).join(', ')}.`);
  const failed = bots.filter((b) => b.failures).map((b) => `${b.name} ${b.failures!.length}${b.failures!.length ? ` (${[...new Set(b.failures)].join(', ')})` : ''}`);
  console.log(`Failed turns, diagnoses or What If calls the bots logged: ${failed.join(', ')}.`);
}
