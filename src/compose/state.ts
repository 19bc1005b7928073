// Where shared state lives: one process keeps it under DATA_DIR (a log locked to this process, the
// scheduler's journal beside it); several instances share Azure Storage (blobs for state, a table
// and a queue for jobs), and then a user the help desk changed on another instance is read afresh
// here (UserChanges).
import { join } from 'node:path';
import type { Config } from '../config';
import { AzureScheduler } from '../scheduler/azure-scheduler';
import { EmbeddedScheduler } from '../scheduler/embedded-scheduler';
import type { JobScheduler } from '../scheduler/scheduler';
import { AzureBlobStorage } from '../storage/azure-blob-storage';
import { FileStorage } from '../storage/file-storage';
import type { KeyValueStore } from '../storage/key-value';
import { UserChanges } from '../support/user-changes';

export type Log = (event: Record<string, unknown>) => void;

/** The state store and, with Azure Storage, the feed of users changed by other instances. */
export function openStore(config: Config, log: Log): { storage: KeyValueStore; userChanges?: UserChanges } {
  if (!config.azureStorage) return { storage: new FileStorage(config.dataDir, { log }) };
  const storage = new AzureBlobStorage({ ...config.azureStorage, containerName: `${config.azureStorage.prefix}-state` });
  return { storage, userChanges: new UserChanges(storage) };
}

/** The job scheduler for notices, exemption ends and campaigns, beside the store. */
export async function openScheduler(config: Config, now: () => Date, log: Log): Promise<JobScheduler> {
  const azure = config.azureStorage;
  if (!azure) return new EmbeddedScheduler(join(config.dataDir, 'scheduler.jsonl'), now, log);
  return AzureScheduler.create({ ...azure, tableName: `${azure.prefix}jobs`, queueName: `${azure.prefix}-jobs`, now, log, maxRealDelaySeconds: azure.maxQueueDelaySeconds });
}
