// A driver for profiling the diagnosis turn of `npm run bench -- http` (not part of `npm run bench`):
// the same bot (startBot, offline demo tenant behind the loopback Graph emulator, embedded store,
// What If on, warm caches), the same requests (a first message in a new conversation, diagnosed at
// once), sent from this process, then what one turn costs: Graph requests, replies, and the wall
// time. Run it under the profiler:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only bench/http/profile-turns.ts [turns] [concurrency] [botbuilder|agents]
//
// PROFILE_ECHO=1 drives the echo bot instead (the floor, for comparing profiles). PROFILE_COUNT=1
// also counts, per turn, engine runs (a diagnosis and each remedy's re-diagnosis), card renders,
// store reads and writes (by wrapping those functions: leave it off when profiling time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type BotSdk } from '../../src/config';
import { startBot } from '../../src/index';
import { startConnector } from '../../test/http/loopback-connector';
import { DEMO, ROOT, TENANT_ID } from '../../test/http/helpers';
import { startEchoBot } from './echo-bot';

const PERSONAS = (DEMO.users as any[]).map((u, i) => ({
  key: String(u.mail).split('@')[0],
  id: String(u.id),
  name: String(u.displayName),
  text: i % 2 === 0 ? 'AADSTS53003 on my Android 15 phone, on the phone itself' : 'AADSTS53003 on my iPhone, iOS 18, on the phone itself',
}));

async function main() {
  const turns = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 10);
  const sdk = (process.argv[4] ?? 'botbuilder') as BotSdk;
  const connector = await startConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-prof-'));
  const echo = process.env.PROFILE_ECHO === '1';
  const events = new Map<string, number>();
  const bot = echo
    ? { ...(await startEchoBot(sdk)), graph: undefined }
    : await startBot(loadConfig({ PORT: '0', BOT_SDK: sdk, DATA_DIR: dataDir, WHAT_IF: process.env.WHAT_IF ?? 'on' }, ROOT), {
        log: (e) => events.set(String(e.event), (events.get(String(e.event)) ?? 0) + 1),
      });
  connector.recording = false;
  const counts = new Map<string, number>();
  if (process.env.PROFILE_COUNT === '1') count(counts, (bot as any).graph ? (bot as any) : undefined);
  let n = 0;
  const turn = async () => {
    const i = n++;
    const p = PERSONAS[i % PERSONAS.length];
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `prof-${i}`,
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: `${p.key}-teams-id`, name: p.name, aadObjectId: p.id },
        recipient: { id: 'bot-id', name: 'Passkey help' },
        conversation: { id: `prof-${p.key}-${i}`, conversationType: 'personal', tenantId: TENANT_ID },
        channelData: { tenant: { id: TENANT_ID } },
        text: p.text,
      }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  };
  const drive = async (count: number) => {
    const end = n + count;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (n < end) await turn();
    }));
  };
  try {
    await drive(Math.min(500, turns)); // warm-up: JIT, caches
    const graphBefore = bot.graph?.emulator?.requests.length ?? 0;
    const repliesBefore = connector.received;
    events.clear();
    counts.clear();
    const t0 = performance.now();
    const start = n;
    await drive(turns);
    const ms = performance.now() - t0;
    const done = n - start;
    const graphRequests = (bot.graph?.emulator?.requests.length ?? 0) - graphBefore;
    const paths = new Map<string, number>();
    for (const r of bot.graph?.emulator?.requests.slice(graphBefore) ?? []) {
      const key = `${(r as any).method ?? ''} ${String((r as any).path ?? (r as any).url ?? '').split('?')[0].replace(/[0-9a-f-]{36}/g, '{id}')}`;
      paths.set(key, (paths.get(key) ?? 0) + 1);
    }
    console.log(`${echo ? 'echo' : 'diagnosis'} (${sdk}): ${done} turns, concurrency ${concurrency}: ${(done / (ms / 1000)).toFixed(0)} turns/s, ${(ms / done).toFixed(2)} ms per turn`);
    console.log(`per turn: Graph requests ${(graphRequests / done).toFixed(2)}, replies ${((connector.received - repliesBefore) / done).toFixed(2)}`);
    for (const [k, v] of paths) console.log(`  ${k}: ${(v / done).toFixed(2)} per turn`);
    for (const [k, v] of events) console.log(`  log ${k}: ${(v / done).toFixed(2)} per turn`);
    for (const [k, v] of counts) console.log(`  ${k}: ${(v / done).toFixed(2)} per turn`);
  } finally {
    await bot.stop();
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Wraps module functions (CommonJS exports, which callers read on every call) to count calls. */
function count(counts: Map<string, number>, _bot: unknown): void {
  const wrap = (label: string, mod: Record<string, unknown>, name: string) => {
    const f = mod[name] as (...args: unknown[]) => unknown;
    mod[name] = function (this: unknown, ...args: unknown[]) {
      counts.set(label, (counts.get(label) ?? 0) + 1);
      return f.apply(this, args);
    };
  };
  wrap('engine diagnose() calls', require('../../src/diagnosis/diagnose'), 'diagnose');
  wrap('engine runs (presentable: the diagnosis and each remedy re-diagnosis)', require('../../src/diagnosis/credentials'), 'presentable');
  wrap('checkRemedies', require('../../src/diagnosis/remedies'), 'checkRemedies');
  wrap('whatIfDisagreements', require('../../src/diagnosis/diagnose'), 'whatIfDisagreements');
  wrap('prepareUser', require('../../src/diagnosis/prepare'), 'prepareUser');
  wrap('renderCard', require('../../src/cards/render'), 'renderCard');
  wrap('diagnosisCard', require('../../src/cards/views'), 'diagnosisCard');
  wrap('adviceFor', require('../../src/cards/advice'), 'adviceFor');
  wrap('evidenceWords', require('../../src/cards/evidence-words'), 'evidenceWords');
  wrap('splitDesignsOf', require('../../src/cards/tenant-design'), 'splitDesignsOf');
  wrap('messagesFor', require('../../src/i18n/messages'), 'messagesFor');
  const storage = require('../../src/storage/file-storage').FileStorage.prototype;
  wrap('store read', storage, 'read');
  wrap('store write', storage, 'write');
  wrap('store writeOne (keys written)', storage, 'writeOne');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
