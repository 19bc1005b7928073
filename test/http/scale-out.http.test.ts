// Two bot instances sharing Azure Storage (Azurite on loopback): a campaign started on one is
// delivered by both together — every notice exactly once, none lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/index';
import { describeWithAzurite, startAzurite, type Azurite } from '../helpers/azurite';
import { cardOf, cardText, persona, ROOT, TENANT_ID } from './helpers';
import { startConnector, type LoopbackConnector } from './loopback-connector';

const maybe = describeWithAzurite(); // skipped locally without Azurite; fails under CI

maybe('two instances on Azure Storage', () => {
  jest.setTimeout(180_000); // a bound: two bots and Azurite on a busy machine
  let azurite: Azurite;
  let connector: LoopbackConnector;
  const bots: RunningBot[] = [];
  let clock = new Date('2026-12-01T09:00:00Z');

  beforeAll(async () => {
    azurite = await startAzurite();
    connector = await startConnector();
    for (let i = 0; i < 2; i++) {
      const env = { PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'pksb-az-')), AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, SCHEDULER_TICK_SECONDS: '3600', AZURE_QUEUE_MAX_DELAY_SECONDS: '0' };
      bots.push(await startBot(loadConfig(env, ROOT), { now: () => clock, log: () => undefined }));
    }
  });
  afterAll(async () => {
    for (const b of bots) await b.stop();
    await connector?.close();
    await azurite?.stop();
  });

  let messages = 0;
  async function say(bot: RunningBot, as: string, text: string) {
    const user = persona(as);
    const from = connector.sent.length;
    await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m-${as}-${++messages}`,
        channelId: 'msteams',
        serviceUrl: connector.url,
        text,
        from: { id: `${as}-teams-id`, name: user.displayName, aadObjectId: user.id },
        recipient: { id: 'bot-id' },
        conversation: { id: `personal-${as}`, conversationType: 'personal', tenantId: TENANT_ID },
      }),
    });
    return (await connector.waitFor(from, 1))[0].activity;
  }

  it('delivers each campaign notice once across both instances, through a restart', async () => {
    // Users talk to different instances; their conversation references are shared.
    await say(bots[0], 'marc', 'hi');
    await say(bots[1], 'tom', 'hi');
    await say(bots[1], 'uma', 'hi');
    const started = await say(bots[0], 'ada', 'campaign start Passkey rollout wave 1 2026-12-31');
    expect(cardText(cardOf(started))).toMatch(/3 member\(s\)/);

    const noticeIds = () => connector.sent.map((s) => s.activity.channelData?.noticeId).filter(Boolean) as string[];
    await Promise.all(bots.map((b) => b.scheduler.tick()));
    await Promise.all(bots.map((b) => b.scheduler.tick()));
    clock = new Date('2026-12-24T00:00:00Z');
    await Promise.all(bots.map((b) => b.scheduler.tick()));
    // One instance goes away and comes back (a deployment); the other keeps going.
    await bots[1].stop();
    bots[1] = await startBot(
      loadConfig({ PORT: '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'pksb-az-')), AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, SCHEDULER_TICK_SECONDS: '3600', AZURE_QUEUE_MAX_DELAY_SECONDS: '0' }, ROOT),
      { now: () => clock, log: () => undefined },
    );
    clock = new Date('2026-12-30T00:00:00Z');
    await Promise.all(bots.map((b) => b.scheduler.tick()));
    await Promise.all(bots.map((b) => b.scheduler.tick()));

    const ids = noticeIds();
    expect(ids.length).toBe(new Set(ids).size); // no duplicates
    expect(ids.filter((id) => id.includes(':announce:'))).toHaveLength(3);
    expect(ids.filter((id) => id.includes(':week:'))).toHaveLength(3);
    expect(ids.filter((id) => id.includes(':day:'))).toHaveLength(3); // no losses
  });
});
