// npm run bench — performance figures quoted in the README. Each section prints one table.
import { performance } from 'node:perf_hooks';
import { diagnose, type RegistrationContext } from '../src/diagnosis';
import { connectGraph } from '../src/support/graph-connection';
import { tenantFactsOf, userFactsOf } from '../test/helpers/snapshot-facts';
import { generateTenant } from './generate-tenant';
import { auditBench } from './audit';
import { campaignBench } from './campaign';
import { emulatorBench } from './graph-emulator';
import { exportBench } from './export';
import { httpBench } from './http/http-bench';
import { latencyBench } from './latency';

const AT = new Date('2026-10-05T14:00:00Z');
const CONTEXT: RegistrationContext = { platform: 'android', at: AT };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Median and p99 of diagnosing `samples` users with all facts in memory. */
function engineTimes(snapshot: any, samples: number) {
  const tenant = tenantFactsOf(snapshot);
  const step = Math.max(1, Math.floor(snapshot.users.length / samples));
  const users = Array.from({ length: samples }, (_, i) => userFactsOf(snapshot, snapshot.users[(i * step) % snapshot.users.length].id));
  for (const u of users.slice(0, 50)) diagnose(tenant, u, CONTEXT); // warm-up (JIT, tenant index)
  const times = users.map((u) => {
    const t0 = performance.now();
    diagnose(tenant, u, CONTEXT);
    return performance.now() - t0;
  });
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function section(title: string, fn: () => Promise<void> | void) {
  console.log(`\n## ${title}`);
  await fn();
}

async function main() {
  const only = process.argv[2];
  const want = (name: string) => !only || only === name;

  if (want('engine')) {
    await section('Diagnosis engine, facts in memory (300 policies, 2,000 groups, 50,000 users)', () => {
      const snapshot = generateTenant({ policies: 300, groups: 2000, users: 50_000, nestingDepth: 3 });
      const t = engineTimes(snapshot, 2000);
      console.log(`| users sampled | median | p99 | target |\n|---|---|---|---|\n| 2,000 | ${t.median.toFixed(3)} ms | ${t.p99.toFixed(3)} ms | median < 2 ms |`);
    });

    await section('Scaling with the number of policies (2,000 groups, 5,000 users, nesting depth 3)', () => {
      console.log('| policies | median | p99 |\n|---|---|---|');
      for (const policies of [30, 100, 300, 1000, 3000]) {
        const t = engineTimes(generateTenant({ policies, groups: 2000, users: 5000, nestingDepth: 3 }), 500);
        console.log(`| ${policies} | ${t.median.toFixed(3)} ms | ${t.p99.toFixed(3)} ms |`);
      }
    });

    await section('Scaling with group nesting depth (300 policies, 2,000 groups, 5,000 users)', () => {
      console.log('| nesting depth | median | p99 |\n|---|---|---|');
      for (const nestingDepth of [1, 3, 10, 30]) {
        const t = engineTimes(generateTenant({ policies: 300, groups: 2000, users: 5000, nestingDepth }), 500);
        console.log(`| ${nestingDepth} | ${t.median.toFixed(3)} ms | ${t.p99.toFixed(3)} ms |`);
      }
    });
  }

  if (want('graph')) {
    await section('Graph requests per diagnosis through the loopback Graph server (300 policies, 2,000 groups, 50,000 users)', async () => {
      const snapshot = generateTenant({ policies: 300, groups: 2000, users: 50_000, nestingDepth: 3 });
      const graph = await connectGraph({ snapshot, whatIf: false }); // What If adds its two POSTs: see the README
      try {
        const emulator = graph.emulator!;
        await graph.tenantFacts.get();
        const runs = 200;
        const times: number[] = [];
        const before = emulator.requests.length;
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await graph.diagnoser.diagnose(snapshot.users[(i * 97) % snapshot.users.length].id, CONTEXT);
          times.push(performance.now() - t0);
        }
        const perDiagnosis = (emulator.requests.length - before) / runs;
        times.sort((a, b) => a - b);
        console.log(
          `| diagnoses | HTTP requests per diagnosis (warm cache) | target | median end-to-end | p99 |\n|---|---|---|---|---|\n| ${runs} | ${perDiagnosis.toFixed(2)} | 1 (the $batch) | ${quantile(times, 0.5).toFixed(2)} ms | ${quantile(times, 0.99).toFixed(2)} ms |`,
        );
      } finally {
        await graph.close();
      }
    });
  }

  if (want('emulator')) {
    await section('The loopback Graph emulator on 50,000 users and 2,000 nested groups (the budgets test/graph-emulator/scale.test.ts used to assert)', () => emulatorBench());
  }

  if (want('http')) {
    await section('Turns through POST /api/messages on both edges (botbuilder, Agents SDK): the real bot (diagnosis at once) against an echo bot on the same stack', () => httpBench());
  }

  if (want('latency')) {
    await section('What the user waits for: last answer to the diagnosis card, Graph at 150 ms per request (docs/dev/latency.md)', () => latencyBench());
  }

  if (want('audit')) {
    await section('Tenant audit: npm run audit on 300 policies, 2,000 groups, 50,000 users (target < 10 s)', () => auditBench());
  }

  if (want('export')) {
    await section('Tenant export: npm run export-tenant on 300 policies, 2,000 groups, 50,000 users, 100 ms Graph latency (target ≤ 2,000 requests, the same audit as the per-user export)', () => exportBench());
  }

  if (want('campaign')) {
    await section('A 10,000-user adoption campaign against a connector enforcing Teams limits, with injected 429/5xx', () => campaignBench());
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
