// npm run campaign -- start --group GROUP_ID --enforce YYYY-MM-DD [--snapshot FILE]
// npm run campaign -- status [--campaign ID] [--snapshot FILE]
// The admin command line for passkey adoption campaigns, on the bot's own store and scheduler:
// with Azure Storage (AZURE_STORAGE_CONNECTION_STRING) the running bots send the notices; with
// the embedded store, run it while the bot is stopped — the bot sends them when it starts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { GraphReadError } from '../graph';
import { loadSnapshotFile, SnapshotError } from '../snapshot';
import { Campaigns, CampaignError } from '../notices/campaign';
import type { NoticeSender } from '../notices/window-notices';
import { AzureScheduler } from '../scheduler/azure-scheduler';
import { EmbeddedScheduler } from '../scheduler/embedded-scheduler';
import { AzureBlobStorage } from '../storage/azure-blob-storage';
import { FileStorage, StoreInUseError } from '../storage/file-storage';
import { connectGraph } from '../support/graph-connection';

// The CLI only schedules; the bot's scheduler delivers.
const NOT_SENDING: NoticeSender = { toUser: async () => 'undeliverable' };

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { group: { type: 'string' }, enforce: { type: 'string' }, campaign: { type: 'string' }, snapshot: { type: 'string' } } });
  } catch (e) {
    process.stderr.write(`campaign: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (command !== 'start' && command !== 'status') {
    process.stderr.write('campaign: usage: npm run campaign -- start --group GROUP_ID --enforce YYYY-MM-DD | status [--campaign ID] [--snapshot FILE]\n');
    return 2;
  }
  let graph;
  let fileStore: FileStorage | undefined;
  try {
    const config = loadConfig(values.snapshot ? { ...process.env, TENANT_SNAPSHOT: values.snapshot } : process.env);
    const snapshot = config.snapshotPath ? loadSnapshotFile(config.snapshotPath) : undefined;
    graph = await connectGraph({ snapshot, tenantId: config.tenantId, baseUrl: config.graph.baseUrl, auth: config.graph.auth, whatIf: false });
    const now = () => new Date();
    // The embedded store is locked to one process: this fails clearly while the bot is running.
    const store = config.azureStorage
      ? new AzureBlobStorage({ ...config.azureStorage, containerName: `${config.azureStorage.prefix}-state` })
      : (fileStore = new FileStorage(config.dataDir, { log: (event) => process.stderr.write(`${JSON.stringify(event)}\n`) }));
    const scheduler = config.azureStorage
      ? await AzureScheduler.create({ ...config.azureStorage, tableName: `${config.azureStorage.prefix}jobs`, queueName: `${config.azureStorage.prefix}-jobs`, now })
      : new EmbeddedScheduler(join(config.dataDir, 'scheduler.jsonl'), now);
    const campaigns = new Campaigns({ graph: graph.client, store, scheduler, sender: NOT_SENDING, now });
    if (command === 'start') {
      if (!values.group || !values.enforce) throw new CampaignError('start needs --group GROUP_ID and --enforce YYYY-MM-DD');
      const c = await campaigns.start({ groupId: values.group, enforceOn: values.enforce, startedBy: 'cli' });
      process.stdout.write(`${JSON.stringify({ campaign: c.id, group: c.groupName, enforceOn: c.enforceOn, targeted: c.targeted.length, alreadyRegistered: c.alreadyRegistered })}\n`);
    } else {
      const ids = await campaigns.ids();
      const id = values.campaign ?? ids[ids.length - 1];
      if (!id) throw new CampaignError('there is no campaign yet');
      const r = await campaigns.report(id);
      process.stdout.write(`${JSON.stringify({ campaign: id, group: r.campaign.groupName, enforceOn: r.campaign.enforceOn, members: r.members, registered: r.registered, pending: r.pending })}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CampaignError || e instanceof SnapshotError || e instanceof ConfigError || e instanceof StoreInUseError) {
      process.stderr.write(`campaign: ${e.message}\n`);
      return 2;
    }
    if (e instanceof GraphReadError) {
      process.stderr.write(`campaign: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await graph?.close();
    await fileStore?.close();
  }
}

void main().then((code) => (process.exitCode = code));
