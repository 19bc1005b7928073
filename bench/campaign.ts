// npm run bench -- campaign: a 10,000-user adoption campaign through the real pieces — Graph (loopback
// emulator), the campaign, the embedded scheduler, the paced ProactiveSender over botbuilder's
// CloudAdapter — against a loopback connector enforcing Teams' limits and injecting 429s and 5xx.
// Reports losses, duplicates, limit violations and the duration against the theoretical minimum
// (users ÷ 50 per second, the per-app limit). PACING_MARGIN_MS (default 10, as in the bot) is the
// safety margin added to every rate window.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Campaigns } from '../src/notices/campaign';
import { TEAMS_LIMITS } from '../src/notices/pacing';
import { EmbeddedScheduler } from '../src/scheduler/embedded-scheduler';
import { FileStorage } from '../src/storage/file-storage';
import { connectGraph } from '../src/support/graph-connection';
import { TeamsNoticeSender } from '../src/teams/notice-sender';
import { BotbuilderMessenger } from '../src/teams/botbuilder-messenger';
import { ProactiveSender } from '../src/teams/proactive';
import { ConversationReferences } from '../src/teams/references';
import { startRateLimitedConnector } from '../test/http/rate-limited-connector';
import { generateTenant } from './generate-tenant';

export async function campaignBench(users = Number(process.env.CAMPAIGN_USERS ?? 10_000)): Promise<void> {
  const snapshot = generateTenant({ policies: 10, groups: 20, users, nestingDepth: 1 });
  // Everyone in one target group, nobody with a passkey yet.
  for (const u of snapshot.users) u.authenticationMethods = u.authenticationMethods.filter((m: any) => !m['@odata.type'].endsWith('fido2AuthenticationMethod'));
  snapshot.groups.push({ id: '0000aaaa-0000-4000-8000-00000000ca4a', displayName: 'Campaign wave', members: snapshot.users.map((u: any) => u.id) });
  const dir = mkdtempSync(join(tmpdir(), 'pksb-campaign-'));
  const connector = await startRateLimitedConnector({ limits: TEAMS_LIMITS, faults: { rate429: 0.02, rate500: 0.01, rate503: 0.01, retryAfterSeconds: 1, seed: 7 }, latencyMs: 5 });
  const graph = await connectGraph({ snapshot });
  const storage = new FileStorage(dir);
  const references = new ConversationReferences(storage);
  const tenantId = snapshot.tenant.id;
  try {
    // Every user has talked to the bot once: their conversation references are stored.
    await Promise.all(
      snapshot.users.map((u: any) =>
        storage.write({
          [`refs/user/${u.id}`]: {
            ref: { channelId: 'msteams', serviceUrl: connector.url, conversation: { id: `personal-${u.id}`, conversationType: 'personal', tenantId }, bot: { id: 'bot', name: 'bot' }, user: { id: u.id } },
            eTag: '*',
          },
        }),
      ),
    );
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const proactive = new ProactiveSender({ messenger: new BotbuilderMessenger(adapter, ''), limits: { ...TEAMS_LIMITS, marginMs: Number(process.env.PACING_MARGIN_MS ?? 10) } });
    const scheduler = new EmbeddedScheduler(join(dir, 'scheduler.jsonl'), () => new Date(), () => undefined, 64);
    const campaigns = new Campaigns({ graph: graph.client, store: storage, scheduler, sender: new TeamsNoticeSender(proactive, references), now: () => new Date(), concurrency: 16 });

    const t0 = performance.now();
    const campaign = await campaigns.start({ groupId: '0000aaaa-0000-4000-8000-00000000ca4a', enforceOn: '2099-12-31', startedBy: 'bench' });
    const t1 = performance.now();
    while ((await scheduler.pending()).some((j) => j.id.includes(':announce:'))) await scheduler.tick();
    const t2 = performance.now();

    const markers = new Set(connector.accepted.map((a) => a.marker));
    const duplicates = [...connector.duplicates().values()].reduce((a, b) => a + b - 1, 0);
    const tally = connector.tally();
    const sendSeconds = (t2 - t1) / 1000;
    const minimum = campaign.targeted.length / 50;
    console.log(
      [
        '| users | delivered | lost | duplicates | limit violations | injected 429 / 500 / 503 | start (Graph checks) | sending | theoretical minimum | over minimum |',
        '|---|---|---|---|---|---|---|---|---|---|',
        `| ${users} | ${markers.size} | ${campaign.targeted.length - markers.size} | ${duplicates} | ${connector.violations.length} | ${tally['fault-429']} / ${tally['fault-500']} / ${tally['fault-503']} | ${((t1 - t0) / 1000).toFixed(1)} s | ${sendSeconds.toFixed(1)} s | ${minimum.toFixed(1)} s | ${(100 * (sendSeconds / minimum - 1)).toFixed(1)} % (target ≤ 10 %) |`,
      ].join('\n'),
    );
  } finally {
    await connector.close();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
